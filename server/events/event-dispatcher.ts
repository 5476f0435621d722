import crypto from 'node:crypto';
import type { Logger } from 'pino';
import type { Dialect } from '../store/dialect.js';
import { isoAfter, nowIso } from '../store/time.js';
import type { FieldCrypto } from '../crypto/field-crypto.js';
import { signatureHeader } from '../crypto/webhook-signature.js';
import type { EventLog, PendingDelivery } from './event-log.js';
import type { OutboundPolicy } from './outbound-address.js';
import { postOutbound } from './outbound-request.js';
import type { DispatchTarget, WebhookEndpoints } from './webhook-endpoints.js';
import { WakeableWait } from '../wakeable-wait.js';

export interface DispatcherSettings {
  pollMs?: number;
  /** How long a dispatcher holds an endpoint before another may take it (a crashed one's endpoints wait this long); it sends nothing it could not finish within it. */
  leaseMs?: number;
  timeoutMs?: number;
  /** Deliveries sent to one endpoint per turn before the next endpoint gets its own. */
  batchSize?: number;
  /** The first retry's delay; each later one doubles (with jitter), up to an hour. */
  retryBaseMs?: number;
  /** An endpoint failing this long without one success is disabled. */
  disableAfterMs?: number;
}

const MAX_RETRY_MS = 3_600_000;
/** Time kept in hand at the end of a lease, for writing the last outcome down. */
const LEASE_MARGIN_MS = 1_000;
const DAY_MS = 86_400_000;

interface Deps {
  dialect: Dialect;
  crypto: FieldCrypto;
  endpoints: WebhookEndpoints;
  events: EventLog;
  policy: OutboundPolicy;
  logger: Logger;
  /** Counts each attempt for the operator (http/metrics.ts). */
  metrics: { attempted(delivered: boolean): void };
}

/**
 * Delivers recorded events (event-log.ts) to their endpoints, at least once: one endpoint at a
 * time per dispatcher under a lease, its events in order. A failed delivery waits, and so do the
 * endpoint's later events, for a retry with exponential back-off; after 3 days of failures the
 * endpoint is disabled. Several dispatchers on PostgreSQL share the endpoints, never one endpoint.
 */
export class EventDispatcher {
  readonly id = `events-${crypto.randomUUID()}`;
  private readonly settings: Required<DispatcherSettings>;
  private stopping = false;
  private running: Promise<void> | null = null;
  private readonly pause = new WakeableWait();

  constructor(
    private readonly deps: Deps,
    settings: DispatcherSettings = {},
  ) {
    this.settings = { pollMs: 1_000, leaseMs: 60_000, timeoutMs: 10_000, batchSize: 50, retryBaseMs: 10_000, disableAfterMs: 3 * DAY_MS, ...settings };
  }

  start(): void {
    this.running ??= this.loop();
  }

  /** Something may be due now: look rather than wait for the next poll. */
  notify(): void {
    this.pause.wake();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.notify();
    await this.running;
  }

  /** One turn: the least recently served endpoint with a delivery due gets up to a batch, in order. Returns the deliveries attempted. */
  async runOnce(): Promise<number> {
    const { endpoints, dialect } = this.deps;
    const target = await endpoints.claimDue(this.id, this.settings.leaseMs, dialect);
    if (!target) return 0;
    try {
      return await this.serve(target);
    } finally {
      await endpoints.release(target.id, this.id);
    }
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      try {
        if ((await this.runOnce()) === 0) await this.pause.wait(this.settings.pollMs);
      } catch (error) {
        this.deps.logger.error({ err: error }, 'event delivery round failed');
        await this.pause.wait(this.settings.pollMs * 4);
      }
    }
  }


  private async serve(target: DispatchTarget): Promise<number> {
    const { endpoints, events } = this.deps;
    const pending = await events.pending(target.id, this.settings.batchSize);
    const secrets = await endpoints.signingSecrets(target.id);
    let attempted = 0;
    for (const delivery of pending) {
      // Order: a later event never overtakes one waiting for its retry.
      if (this.stopping || delivery.next_attempt_at > nowIso()) break;
      // Nor is one sent after the lease may have passed to another dispatcher.
      if (Date.now() + this.settings.timeoutMs + LEASE_MARGIN_MS > Date.parse(target.leaseUntil)) break;
      attempted += 1;
      const body = JSON.stringify(this.envelope(delivery, target.includeEmail));
      const t = Math.floor(Date.now() / 1000);
      // During a rotation's overlap, one v1 for each secret: the receiver checks the one it holds.
      const signatures = [secrets.current, ...(secrets.previous ? [secrets.previous] : [])].map((secret) => signatureHeader(body, secret, t).split(',')[1]!);
      const headers = { 'x-signature': [`t=${t}`, ...signatures].join(','), 'x-event-id': delivery.id, 'x-event-type': delivery.type };
      const answer = await postOutbound(target.url, body, headers, { policy: this.deps.policy, timeoutMs: this.settings.timeoutMs });
      const at = nowIso();
      const delivered = answer.status !== null && answer.status >= 200 && answer.status < 300;
      this.deps.metrics.attempted(delivered);
      const attempt = { at, status: answer.status, error: delivered ? null : answer.detail.slice(0, 500) || `HTTP ${answer.status}`, latencyMs: answer.latencyMs };
      if (delivered) {
        await events.attempted(target.id, delivery, attempt, null);
        if (target.failingSince) await endpoints.succeeding(target.id);
        target.failingSince = null;
        continue;
      }
      await events.attempted(target.id, delivery, attempt, isoAfter(this.retryDelayMs(delivery.attempts + 1)));
      const failingSince = await endpoints.failing(target.id, at);
      if (Date.parse(at) - Date.parse(failingSince) >= this.settings.disableAfterMs) {
        await endpoints.disableForFailures(target.id, failingSince);
        // The admins see it in the audit log, the console and the endpoint's state; the operator in the error log and the webhook_endpoints gauge.
        this.deps.logger.error({ endpointId: target.id, failingSince }, 'webhook endpoint disabled after failing for too long');
      }
      break;
    }
    return attempted;
  }

  /** What the receiver gets: the event, its contact and organization by id, the address only where allowed. */
  private envelope(delivery: PendingDelivery, includeEmail: boolean) {
    const email = includeEmail && delivery.email ? this.deps.crypto.decrypt(delivery.email) : undefined;
    return {
      id: delivery.id,
      type: delivery.type,
      occurredAt: delivery.occurred_at,
      data: { contactId: delivery.contact_id, organizationId: delivery.organization_id, ...(email ? { email } : {}), ...(JSON.parse(delivery.data) as object) },
    };
  }

  private retryDelayMs(attempts: number): number {
    const base = Math.min(MAX_RETRY_MS, this.settings.retryBaseMs * 2 ** (attempts - 1));
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }
}
