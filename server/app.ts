import express from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import type { Store } from './store/db.js';
import type { Config } from './config.js';
import type { Categories } from './consent/categories.js';
import { ConsentStore } from './consent/consent.js';
import { Contacts } from './contacts/contacts.js';
import { Organizations } from './organizations/organizations.js';
import { ApiKeys } from './api-keys/api-keys.js';
import { ApiRouter } from './http/api-router.js';
import { authenticate, failedAuthLimiter } from './http/auth.js';
import { httpLogger } from './http/logger.js';
import { notFoundHandler, problemHandler } from './http/problem.js';
import { openApiDocument } from './http/openapi.js';
import { registerContactRoutes } from './contacts/contacts-routes.js';
import { registerOrganizationRoutes } from './organizations/organizations-routes.js';
import { registerApiKeyRoutes } from './api-keys/api-keys-routes.js';

export interface AppDeps {
  config: Config;
  store: Store;
  categories: Categories;
  logger: Logger;
  version: string;
}

/** Builds the Express app without listening, so tests start it on port 0. */
export function createApp(deps: AppDeps) {
  const { config, store, categories, logger } = deps;
  const consent = new ConsentStore(categories, store.dialect);
  const organizations = new Organizations(store.db);
  const contacts = new Contacts(store.db, organizations, consent, categories);
  const apiKeys = new ApiKeys(store.db, config.adminApiKey);

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.use(httpLogger(logger));
  app.use(helmet());

  app.get('/healthz', async (_req, res) => {
    try {
      await store.ping();
      res.json({ status: 'ok' });
    } catch {
      res.status(503).json({ status: 'unavailable', database: 'down' });
    }
  });

  const api = new ApiRouter('/api/v1');
  registerApiKeyRoutes(api, apiKeys);
  registerOrganizationRoutes(api, organizations);
  registerContactRoutes(api, { contacts, db: store.db, organizations, consent });

  const openApi = openApiDocument(api.operations, { version: deps.version, serverUrl: config.publicUrl });
  app.get('/api/openapi.json', (_req, res) => res.json(openApi));

  app.use(
    '/api/v1',
    failedAuthLimiter({ limit: 20, windowMs: 15 * 60_000 }),
    authenticate((key) => apiKeys.resolve(key)),
    express.json({ limit: '512kb' }),
    express.text({ type: ['text/csv', 'application/csv'], limit: '5mb' }),
    api.router,
  );

  app.use(notFoundHandler);
  app.use(problemHandler);
  return { app, services: { consent, organizations, contacts, apiKeys } };
}
