import crypto from 'node:crypto';
import type { Endpoints } from './endpoints.js';
import { Counter, Registry } from 'prom-client';

/** The operator's counters, one registry per process (Prometheus scrapes each process). */
export function createMetrics() {
  const registry = new Registry();
  return {
    registry,
    /** Admin-API requests without a valid key: counted here, never written to the audit log. */
    unauthenticatedApiRequests: new Counter({
      name: 'api_unauthenticated_requests_total',
      help: 'Admin API requests answered without a valid API key, by status (not in the audit log)',
      labelNames: ['status'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * `GET /metrics` in Prometheus' text format, for a scraper holding `METRICS_TOKEN` (its own
 * secret, not an API key); without a token configured the route does not exist.
 */
export function registerMetricsRoute(api: Endpoints, metrics: Metrics, token: string | null): void {
  if (!token) return;
  const expected = crypto.createHash('sha256').update(token).digest();
  api.route(
    { method: 'get', path: '/metrics', summary: 'Prometheus metrics', tag: 'Operations', auth: { anyone: true }, answers: 'text', responses: { 200: { description: 'Prometheus text' } } },
    async ({ req }) => {
      // Its own secret, compared in constant time; not an API key, so a scraper holds nothing more.
      const presented = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '';
      if (!crypto.timingSafeEqual(crypto.createHash('sha256').update(presented).digest(), expected)) {
        return { status: 401, text: 'A metrics token is required.', headers: { 'WWW-Authenticate': 'Bearer' } };
      }
      return { status: 200, text: await metrics.registry.metrics(), type: metrics.registry.contentType };
    },
  );
}
