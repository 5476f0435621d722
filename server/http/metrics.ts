import crypto from 'node:crypto';
import express, { type Router } from 'express';
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
export function metricsRoute(metrics: Metrics, token: string | null): Router {
  const router = express.Router();
  if (!token) return router;
  const expected = crypto.createHash('sha256').update(token).digest();
  router.get('/metrics', async (req, res) => {
    const presented = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '';
    if (!crypto.timingSafeEqual(crypto.createHash('sha256').update(presented).digest(), expected)) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      return res.status(401).type('text').send('A metrics token is required.');
    }
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return router;
}
