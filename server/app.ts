import express from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import type { Store } from './store/db.js';
import type { Config } from './config/config.js';
import type { Services } from './services.js';
import { Endpoints } from './http/endpoints.js';
import { auditTrail } from './http/audit-trail.js';
import { failedAuthLimiter } from './http/auth.js';
import { extensionCors } from './http/extension-cors.js';
import { registerMetricsRoute, registerStoreGauges, requestDurations } from './http/metrics.js';
import { openApiDocument } from './http/openapi.js';
import { notFoundHandler, problemHandler } from './http/problem.js';
import { httpLogger } from './http/request-log.js';
import { registerApiKeyRoutes } from './api-keys/api-keys-routes.js';
import { registerWebhookEndpointRoutes } from './events/webhook-endpoints-routes.js';
import { registerOrganizationRoutes } from './organizations/organizations-routes.js';
import { registerContactRoutes } from './contacts/contacts-routes.js';
import { registerConsentRoutes } from './consent/consent-routes.js';
import { registerSuppressionRoutes } from './consent/suppressions-routes.js';
import { emailOrThrow } from './contacts/contacts.js';
import { registerMessageRoutes } from './messages/messages-routes.js';
import { registerPrivacyRoutes } from './privacy/privacy-routes.js';
import { registerSelfServiceRoutes } from './self-service/self-service-routes.js';
import { registerAdvisoryRoutes } from './advisories/advisories-routes.js';
import { registerLinkPageRoutes } from './pages/link-pages-routes.js';
import { registerDevMailboxRoutes } from './delivery/dev-mailbox-routes.js';
import { consoleCookie, cookieOf, registerConsoleRoutes } from './staff/console-routes.js';
import { registerConsolePageRoutes } from './staff/console-page-routes.js';
import { registerSsoRoutes } from './staff/sso-routes.js';
import { registerStaffRoutes } from './staff/staff-routes.js';
import { registerRelayRoutes } from './deliverability/relay-routes.js';
import { httpsGet, type HttpsGet } from './deliverability/relays/https-get.js';

export interface AppDeps {
  config: Config;
  store: Store;
  logger: Logger;
  services: Services;
  version: string;
  /** How SNS signing certificates are fetched and subscriptions confirmed (HTTPS, capped, no redirects, by default). */
  snsGet?: HttpsGet;
}

const ADMIN_API = '/api/v1';

/** Builds the Express app without listening, so tests start it on port 0. */
export function createApp({ config, store, logger, services, version, snsGet }: AppDeps) {
  const app = express();
  const { metrics } = services;
  const cookie = consoleCookie(config.publicUrl, config.production);
  const api = new Endpoints({
    apiKey: (key) => services.apiKeys.resolve(key),
    staff: (req) => services.staffConsole.caller(cookieOf(req, cookie), req.method, req.get('x-csrf-token')),
    session: (token) => services.selfService.session(token),
    link: (purpose, token) => services.tokens.verify(purpose, token),
    webhookSecret: config.webhookSecret,
    adminPrefix: ADMIN_API,
    adminGuards: [
      auditTrail({
        record: (call) => services.auditLog.record(call),
        onUnauthenticated: (status) => metrics.unauthenticatedApiRequests.inc({ status }),
        onError: (error) => logger.error({ err: error }, 'audit entry not written'),
      }),
      failedAuthLimiter({ limit: 20, windowMs: 15 * 60_000, store: services.rateLimits('failed-api-keys') }),
    ],
  });

  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.use(requestDurations(metrics, (req) => api.patternOf(req)));
  app.use(httpLogger(logger));
  app.use(helmet());
  // Every API answer may carry personal data: no browser or proxy keeps a copy.
  app.use(ADMIN_API, (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  app.use(['/api/v1/session', '/api/v1/me'], extensionCors(config.extensionIds));

  // First: the most frequent requests by far, one-click POSTs, meet no other route on their way.
  registerLinkPageRoutes(api, { brand: config.brand, ...services, pageMetrics: metrics.linkPages });
  api.route(
    { method: 'get', path: '/healthz', summary: 'Whether the service and its database answer', tag: 'Operations', auth: { anyone: true }, responses: { 200: { description: 'Up' }, 503: { description: 'The database does not answer' } } },
    async () => {
      try {
        await store.ping();
        return { status: 200, body: { status: 'ok' } };
      } catch {
        return { status: 503, body: { status: 'unavailable', database: 'down' } };
      }
    },
  );
  registerMetricsRoute(api, metrics, config.metricsToken);
  registerStoreGauges(
    metrics,
    { messagesByStatus: () => services.outbox.countByStatus(), suppressionsInForce: () => services.suppressions.countInForceByKind(), webhookEndpointsByState: () => services.webhookEndpoints.countByState() },
    (error) => logger.warn({ err: error }, 'metrics: the store did not answer; queue and suppression gauges left out of this scrape'),
  );
  registerSelfServiceRoutes(api, services.selfService, services.rateLimits);
  registerAdvisoryRoutes(api, {
    fanOuts: services.fanOuts,
    acknowledgments: services.acknowledgments,
    reports: services.fanOutReports,
    previewLink: services.sampleLink,
    tests: services.advisoryTests,
    testLimitStore: services.rateLimits('advisory-tests'),
    localeOf: async (contactId) => (await services.contacts.recipients([contactId])).get(contactId)?.locale ?? 'en',
    onRecorded: () => services.worker.notify(),
  });
  if (!config.production && services.mailer.kind === 'dev-mailbox') registerDevMailboxRoutes(api, config.dataDir);
  registerApiKeyRoutes(api, services.apiKeys);
  registerWebhookEndpointRoutes(api, services.webhookEndpoints, services.eventLog, () => services.dispatcher.notify());
  registerOrganizationRoutes(api, services.organizations);
  registerContactRoutes(api, services.contacts);
  registerConsentRoutes(api, services);
  registerSuppressionRoutes(api, { suppressions: services.suppressions, normalizeEmail: (input) => emailOrThrow(input) });
  registerMessageRoutes(api, services.messages, {
    stats: (now) => services.outbox.stats(now),
    suppressionsAddedSince: (since) => services.suppressions.addedSince(since),
  }, services.deliveryFeedback);
  const consoleLimits = registerConsoleRoutes(api, services.staffConsole, cookie, services.rateLimits);
  registerSsoRoutes(api, services.staffSso, cookie, consoleLimits, config.publicUrl);
  registerConsolePageRoutes(api);
  registerStaffRoutes(api, services.staffAccounts, services.staffSessions, config.publicUrl);
  registerPrivacyRoutes(api, services);
  registerRelayRoutes(api, {
    relays: config.relayWebhooks,
    references: services.references,
    feedback: services.deliveryFeedback,
    logger,
    snsGet: snsGet ?? httpsGet({ timeoutMs: 5_000, maxBytes: 64 * 1024 }),
  });

  let openApi: object | undefined;
  api.route(
    { method: 'get', path: '/api/openapi.json', summary: 'This document', tag: 'Operations', auth: { anyone: true }, responses: { 200: { description: 'OpenAPI 3.1' } } },
    // Built on first request, once every route is declared.
    async () => ({ status: 200, body: (openApi ??= openApiDocument(api.operations, { version, serverUrl: config.publicUrl })) }),
  );
  app.use(api.router);
  app.use(notFoundHandler);
  app.use(problemHandler);
  return app;
}
