import crypto from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { FEEDBACK_SOURCES, WEBHOOK_ENDPOINT_STATES, type WebhookEndpointState, MESSAGE_FAILURE_KINDS, MESSAGE_STATUSES, MESSAGE_SUPPRESSED_REASONS, schemas, type FeedbackKind, type FeedbackSource, type MessageStatus, type SuppressionKind } from '../../contract/index.js';
import type { Endpoints } from './endpoints.js';

/** From 1 ms (a link page on a warm store) to 5 s (a large CSV import). */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export interface MetricsOptions {
  /** CPU, memory, heap, GC and event-loop lag: sampled only when something can scrape them. */
  processMetrics: boolean;
  /**
   * The label values the domain can report, started at zero so that `rate()` sees their first
   * increase (a series that appears at 1 has no earlier sample to rise from).
   */
  vocabulary: { linkPageActions: readonly string[] };
}

/**
 * The operator's metrics, one registry per process (Prometheus scrapes each process). Every label
 * comes from a small fixed set: never an address, an id, a token or free text.
 */
export function createMetrics(options: MetricsOptions) {
  const registry = new Registry();
  if (options.processMetrics) collectDefaultMetrics({ register: registry });
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) => new Counter<L>({ name, help, labelNames, registers: [registry] });
  const { vocabulary } = options;

  const sent = counter('messages_sent_total', 'Messages the relay accepted, by category (none: system email) and template', ['category', 'template']);
  const failed = counter('messages_failed_total', 'Messages given up on, by failure kind', ['kind']);
  const retried = counter('messages_retried_total', 'Send attempts that failed and were queued again, by failure kind', ['kind']);
  const suppressed = counter('messages_suppressed_total', 'Messages not sent at send time, by reason', ['reason']);
  const leaseRenewals = counter('worker_lease_renewals_total', 'Renewals of a worker’s claims on the messages it is sending, by outcome', ['outcome']);
  const leasesLost = counter('worker_leases_lost_total', 'Messages a worker was still sending when another worker took them over (their lease ran out)');
  const bounces = counter('delivery_bounces_total', 'Bounces recorded, hard or soft, by source', ['kind', 'source']);
  const complaints = counter('delivery_complaints_total', 'Spam complaints recorded, by source', ['source']);
  const oneClick = counter('one_click_unsubscribes_total', 'RFC 8058 one-click unsubscribes answered for a valid link');
  const webhookDeliveries = counter('webhook_deliveries_total', 'Attempts to deliver an event to a webhook endpoint, by outcome', ['outcome']);
  const pageActions = counter('link_page_actions_total', 'Actions taken on the pages behind email links and the subscribe form, by action', ['action']);

  for (const kind of MESSAGE_FAILURE_KINDS) for (const c of [failed, retried]) c.inc({ kind }, 0);
  for (const reason of MESSAGE_SUPPRESSED_REASONS) suppressed.inc({ reason }, 0);
  for (const outcome of ['renewed', 'failed']) leaseRenewals.inc({ outcome }, 0);
  for (const source of FEEDBACK_SOURCES) {
    for (const kind of ['hard', 'soft']) bounces.inc({ kind, source }, 0);
    complaints.inc({ source }, 0);
  }
  for (const outcome of ['delivered', 'failed']) webhookDeliveries.inc({ outcome }, 0);
  for (const action of vocabulary.linkPageActions) pageActions.inc({ action }, 0);

  return {
    registry,
    /** Admin-API requests without a valid key: counted here, never written to the audit log. */
    unauthenticatedApiRequests: counter('api_unauthenticated_requests_total', 'Admin API requests answered without a valid API key, by status (not in the audit log)', ['status']),
    httpRequestDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP requests by method, declared route pattern (unmatched: no route) and status class',
      labelNames: ['method', 'route', 'status_class'] as const,
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    /** What the send worker reports (delivery/send-worker.ts, `SendMetrics`). */
    sending: {
      sent: (category: string | null, template: string) => sent.inc({ category: category ?? 'none', template }),
      failed: (kind: string) => failed.inc({ kind }),
      retried: (kind: string) => retried.inc({ kind }),
      suppressed: (reason: string) => suppressed.inc({ reason }),
      leaseRenewed: () => leaseRenewals.inc({ outcome: 'renewed' }),
      leaseRenewalFailed: () => leaseRenewals.inc({ outcome: 'failed' }),
      leasesLost: (messages: number) => leasesLost.inc(messages),
    },
    /** Bounces and complaints once recorded (deliverability/delivery-feedback.ts, `FeedbackMetrics`). */
    feedback: {
      recorded: (kind: FeedbackKind, source: FeedbackSource) => {
        if (kind === 'complaint') complaints.inc({ source });
        else bounces.inc({ kind: kind === 'hard-bounce' ? 'hard' : 'soft', source });
      },
    },
    /** What the event dispatcher reports (events/event-dispatcher.ts). */
    webhooks: {
      attempted: (delivered: boolean) => webhookDeliveries.inc({ outcome: delivered ? 'delivered' : 'failed' }),
    },
    /** The link pages' actions (pages/page-actions.ts, `LinkPageMetrics`). */
    linkPages: {
      oneClickUnsubscribe: () => oneClick.inc(),
      pageAction: (action: string) => pageActions.inc({ action }),
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** What the database holds, read when scraped: never per request nor per message. */
export interface StoreFigures {
  messagesByStatus(): Promise<Partial<Record<MessageStatus, number>>>;
  suppressionsInForce(): Promise<Partial<Record<SuppressionKind, number>>>;
  webhookEndpointsByState(): Promise<Partial<Record<WebhookEndpointState, number>>>;
}

/**
 * The queue by status and the suppression list in force, as gauges read from the store at scrape
 * time. Only HTTP servers register them: the figures are the database's, not the process's, so
 * each server reports the same value (aggregate with max, not sum). A store that does not answer
 * leaves the gauges out of that scrape; the process's own metrics still come.
 */
export function registerStoreGauges(metrics: Metrics, figures: StoreFigures, onError: (error: unknown) => void): void {
  const gauge = <K extends string>(name: string, help: string, label: string, values: readonly K[], read: () => Promise<Partial<Record<K, number>>>) =>
    new Gauge({
      name,
      help,
      labelNames: [label],
      registers: [metrics.registry],
      async collect() {
        try {
          const counts = await read();
          for (const value of values) this.set({ [label]: value }, counts[value] ?? 0);
        } catch (error) {
          this.reset();
          onError(error);
        }
      },
    });
  gauge('queue_messages', 'Messages in the store by status (read at scrape time)', 'status', MESSAGE_STATUSES, () => figures.messagesByStatus());
  gauge('webhook_endpoints', 'Outgoing webhook endpoints by state: enabled, failing (retrying), disabled (read at scrape time)', 'state', WEBHOOK_ENDPOINT_STATES, () => figures.webhookEndpointsByState());
  gauge('suppression_list_addresses', 'Addresses on the suppression list, in force, by kind (read at scrape time)', 'kind', schemas.suppressionKind.options, () => figures.suppressionsInForce());
}

/**
 * Times every request into `http_request_duration_seconds`, labelled by the pattern its route was
 * declared with (`/u/:token`), never by its URL, which holds tokens and addresses.
 */
export function requestDurations(metrics: Metrics, patternOf: (req: Request) => string | undefined): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    res.once('finish', () => {
      const labels = { method: METHODS.has(req.method) ? req.method : 'other', route: patternOf(req) ?? 'unmatched', status_class: `${Math.floor(res.statusCode / 100)}xx` };
      metrics.httpRequestDuration.observe(labels, (performance.now() - started) / 1000);
    });
    next();
  };
}

/**
 * Whether an `Authorization` header carries the metrics token: its own secret (not an API key, so
 * a scraper holds nothing more), compared in constant time. Without a token, anyone may.
 */
export function metricsAuthorizer(token: string | null): (authorization: string | undefined) => boolean {
  if (!token) return () => true;
  const expected = crypto.createHash('sha256').update(token).digest();
  return (authorization) => {
    const presented = /^Bearer (.+)$/.exec(authorization ?? '')?.[1] ?? '';
    return crypto.timingSafeEqual(crypto.createHash('sha256').update(presented).digest(), expected);
  };
}

export const METRICS_TOKEN_REQUIRED = 'A metrics token is required.';

/**
 * `GET /metrics` in Prometheus' text format, for a scraper holding `METRICS_TOKEN`; without a
 * token configured the route does not exist (METRICS_PORT may serve them on a port of its own).
 */
export function registerMetricsRoute(api: Endpoints, metrics: Metrics, token: string | null): void {
  if (!token) return;
  const authorized = metricsAuthorizer(token);
  api.route(
    { method: 'get', path: '/metrics', summary: 'Prometheus metrics', tag: 'Operations', auth: { anyone: true }, answers: 'text', responses: { 200: { description: 'Prometheus text' } } },
    async ({ req }) => {
      if (!authorized(req.get('authorization'))) return { status: 401, text: METRICS_TOKEN_REQUIRED, headers: { 'WWW-Authenticate': 'Bearer' } };
      return { status: 200, text: await metrics.registry.metrics(), type: metrics.registry.contentType };
    },
  );
}
