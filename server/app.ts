import express from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import type { Store } from './store/db.js';
import type { Config } from './config.js';
import type { Services } from './services.js';
import { ApiRouter } from './http/api-router.js';
import { authenticate, failedAuthLimiter } from './http/auth.js';
import { httpLogger } from './http/logger.js';
import { notFoundHandler, problemHandler } from './http/problem.js';
import { openApiDocument } from './http/openapi.js';
import { registerContactRoutes } from './contacts/contacts-routes.js';
import { registerOrganizationRoutes } from './organizations/organizations-routes.js';
import { registerApiKeyRoutes } from './api-keys/api-keys-routes.js';
import { registerMessageRoutes } from './mail/messages-routes.js';
import { advisoryWebhook } from './webhooks/advisory-webhook.js';
import { devMailboxPages } from './mail/dev-mailbox-pages.js';
import { linkPages } from './pages/link-pages.js';
import { registerAuditRoutes } from './privacy/audit-routes.js';
import { selfServiceRoutes } from './self-service/self-service-routes.js';
import { createMetrics, metricsRoute } from './http/metrics.js';

export interface AppDeps {
  config: Config;
  store: Store;
  logger: Logger;
  services: Services;
  version: string;
}

/** Builds the Express app without listening, so tests start it on port 0. */
export function createApp({ config, store, logger, services, version }: AppDeps) {
  const app = express();
  const metrics = createMetrics();
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
  registerApiKeyRoutes(api, services.apiKeys);
  registerOrganizationRoutes(api, services.organizations);
  registerContactRoutes(api, services.contacts);
  registerMessageRoutes(api, services.messages);
  registerAuditRoutes(api, services.auditLog);

  app.use(metricsRoute(metrics, config.metricsToken));

  const openApi = openApiDocument(api.operations, { version, serverUrl: config.publicUrl });
  app.get('/api/openapi.json', (_req, res) => res.json(openApi));

  // Every API answer may carry personal data: no browser or proxy keeps a copy.
  app.use('/api/v1', (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  app.use('/api/v1', selfServiceRoutes(services.selfService, services.rateLimits, config.extensionIds));
  app.use(
    '/api/v1',
    services.auditLog.middleware({
      onUnauthenticated: (status) => metrics.unauthenticatedApiRequests.inc({ status }),
      onError: (error) => logger.error({ err: error }, 'audit entry not written'),
    }),
    failedAuthLimiter({ limit: 20, windowMs: 15 * 60_000, store: services.rateLimits('failed-api-keys') }),
    authenticate((key) => services.apiKeys.resolve(key)),
    express.json({ limit: '512kb' }),
    express.text({ type: ['text/csv', 'application/csv'], limit: '5mb' }),
    api.router,
  );

  app.use(advisoryWebhook({ advisories: services.advisories, renderer: services.renderer, secret: config.webhookSecret, onRecorded: () => services.worker.notify() }));

  app.use(linkPages({ config, ...services }));

  if (!config.production && services.mailer.kind === 'dev-mailbox') app.use(devMailboxPages(config.dataDir));

  app.use(notFoundHandler);
  app.use(problemHandler);
  return app;
}
