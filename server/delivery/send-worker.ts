import crypto from 'node:crypto';
import type { Logger } from 'pino';
import { SEVERITIES, type AdvisoryThreshold, type MessageFailureKind, type MessageSuppressedReason, type CategoryInfo, type Locale, type Severity } from '../../contract/index.js';
import type { Composer } from './compose.js';
import type { Mailer } from './transport.js';
import { MarkdownError, TemplateDataError, type TemplateName } from '../rendering/render.js';
import type { CompleteData } from './system-emails.js';
import { classifySendError, retryDelayMs } from './send-errors.js';
import { RateLimiter, forEachLimited } from './pacing.js';
import { notSubscribedReason, ON_SUPPRESSION_LIST } from '../consent/basis.js';
import { WakeableWait } from '../wakeable-wait.js';

export interface WorkerSettings {
  concurrency: number;
  ratePerSecond: number;
  maxAttempts: number;
  retryBaseMs: number;
  /**
   * How long a claim lasts before another worker may take the message over: the time a crashed
   * worker's messages wait. A live worker renews its claims every third of it.
   */
  leaseMs?: number;
  pollMs?: number;
  batchSize?: number;
  /**
   * What a claimed batch's stored data may add up to: a batch of large messages (a long ticket
   * thread) is claimed smaller, so memory follows bytes rather than rows.
   */
  batchBytes?: number;
  expandBatchSize?: number;
}

/** A queued message, as the worker needs it. */
export interface QueuedMessage {
  id: string;
  contact_id: string;
  category: string | null;
  template: string;
  /** Sealed template data; null for a fan-out's messages. */
  data: string | null;
  fan_out_id: string | null;
  attempts: number;
}

/** The durable queue (outbox/outbox.ts): claims under a lease, and one outcome per message. */
export interface Queue {
  claim(owner: string, limit: number, leaseMs: number): Promise<QueuedMessage[]>;
  /** Renews every claim the owner still holds; answers the ids renewed. */
  extendLease(owner: string, leaseMs: number): Promise<string[]>;
  release(owner: string, ids: string[]): Promise<void>;
  templateData(message: QueuedMessage): Record<string, unknown> | null;
  sent(message: QueuedMessage, subject: string, proof: { basis: string | null; senderIdentity: string | null }): Promise<void>;
  retryLater(message: QueuedMessage, error: string, delayMs: number): Promise<void>;
  /** `detail` is the message's status; `codes` (SMTP reply and enhanced status) are what its event may tell. */
  failed(message: QueuedMessage, kind: MessageFailureKind, detail: string, codes?: { smtpCode?: number | null; statusCode?: string | null }): Promise<void>;
  suppressed(message: QueuedMessage, reason: MessageSuppressedReason, detail: string): Promise<void>;
}

/** What a fan-out's messages share: its template data, and (an advisory's) what its buttons acknowledge. */
export interface FanOutData {
  data: Record<string, unknown>;
  acknowledge?: { advisoryId: string; applied: boolean };
}

/** Advisories and service alerts still being turned into messages, and the content they share (advisories/fan-outs.ts). */
export interface FanOuts {
  expandNext(batchSize: number): Promise<boolean>;
  templateData(id: string): Promise<FanOutData | null>;
}

/** A contact's consent to one category as the worker checks it: on or off, on what basis, and whether it lapsed. */
export interface ConsentCheck {
  subscribed: boolean;
  /** Required by the contact's organization: it cannot be left, so its mail offers no way to. */
  locked: boolean;
  /** Security advisories: the least severity the contact receives (`all`, `high`, `critical`). */
  advisoryThreshold: AdvisoryThreshold;
  /** Ticket updates: at once, or collected for a daily digest. */
  ticketDelivery: 'immediate' | 'daily';
  basis: string;
  lapsedAt: string | null;
}

/** Who the messages go to and what they agreed to, read right before sending. */
export interface Audience {
  recipients(contactIds: string[]): Promise<Map<string, { email: string; name: string | null; locale: Locale }>>;
  consent(contactIds: string[]): Promise<Map<string, Record<string, ConsentCheck>>>;
  category(key: string): CategoryInfo | undefined;
}

/** What sending proves: the sender it named (kept once), and the relationship an invoice or ticket renews (consent/implied-consent.ts). */
export interface Evidence {
  /** The stored id of what a message carried: the sender's identity and how to unsubscribe. */
  senderIdentity(unsubscribe: 'one-click-and-footer' | 'preferences-link' | 'none'): Promise<string>;
  sent(template: string, contactId: string): Promise<unknown>;
}

/** Addresses nothing may be sent to (consent/suppressions.ts). */
export interface Suppressions {
  among(emails: string[]): Promise<Map<string, string>>;
  reasonFor(email: string): Promise<string | null>;
  add(email: string, reason: string): Promise<void>;
}

/** Tickets a contact asked to hear no more about (tickets/ticket-mutes.ts). */
export interface Mutes {
  /** False while the ticket is muted; a reopen lifts the mute and answers true. */
  mayReceive(contactId: string, update: Record<string, unknown>): Promise<boolean>;
}

/** Ticket updates held for a contact's daily digest (tickets/ticket-digests.ts). */
export interface Digests {
  collect(contactId: string, update: Record<string, unknown>): Promise<string>;
}

/** What the worker counts for the operator (http/metrics.ts): kinds and names from fixed sets, never an address. */
export interface SendMetrics {
  sent(category: string | null, template: string): void;
  failed(kind: MessageFailureKind): void;
  retried(kind: MessageFailureKind): void;
  suppressed(reason: MessageSuppressedReason): void;
  leaseRenewed(): void;
  leaseRenewalFailed(): void;
  leasesLost(messages: number): void;
}

/** What the worker works with: small interfaces it declares, so it runs without a database in a test. */
export interface WorkerDeps {
  queue: Queue;
  fanOuts: FanOuts;
  audience: Audience;
  suppressions: Suppressions;
  composer: Composer;
  /** Adds what is never stored (codes, links, exports) right before sending. */
  completeData: CompleteData;
  mailer: Mailer;
  evidence: Evidence;
  mutes: Mutes;
  digests: Digests;
  metrics: SendMetrics;
  logger: Logger;
}

interface Context {
  recipients: Map<string, { email: string; name: string | null; locale: Locale }>;
  consent: Map<string, Record<string, ConsentCheck>>;
  suppressed: Map<string, string>;
  fanOutData: Map<string, FanOutData | null>;
}

/**
 * Claims due messages, checks consent once more right before sending, renders and sends them.
 * Each outcome is one row update, so a crash loses nothing: a claimed message whose worker died
 * is claimed again when its lease runs out (at most the in-flight ones go out twice).
 */
export class SendWorker {
  readonly id = `worker-${crypto.randomUUID()}`;
  private stopping = false;
  private running: Promise<void> | null = null;
  private readonly pause = new WakeableWait();
  private readonly rate: RateLimiter;
  private readonly settings: Required<WorkerSettings>;
  /** The relay is refusing us (not a message): logged once as an error, until a send goes through again. */
  private relayDown = false;
  /**
   * Messages claimed and not yet settled (an outcome being written, or released): each renewal
   * must still find them this worker's, or their lease ran out and another worker took them.
   */
  private readonly held = new Set<string>();

  constructor(
    private readonly deps: WorkerDeps,
    settings: WorkerSettings,
  ) {
    // Small enough that one batch's work (a claim and its context, a page of expansion) never
    // holds the event loop long while requests wait, and workers finish a fan-out together.
    this.settings = { leaseMs: 30_000, pollMs: 500, batchSize: 100, batchBytes: 4 * 1024 * 1024, expandBatchSize: 250, ...settings };
    this.rate = new RateLimiter(settings.ratePerSecond);
  }

  start(): void {
    this.running ??= this.loop();
  }

  /** Something was queued: look now rather than at the next poll. */
  notify(): void {
    this.pause.wake();
  }

  /** Stops claiming; in-flight sends finish, claimed-but-unstarted messages go back to the queue. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.notify();
    await this.running;
    this.deps.mailer.close();
  }

  /** One round: expand a batch of a fan-out's audience, then claim and send a batch. Returns the work done. */
  async runOnce(): Promise<number> {
    const expanded = await this.deps.fanOuts.expandNext(this.settings.expandBatchSize);
    const batch = await this.claim();
    if (batch.length) await this.deliverBatch(batch);
    return batch.length + (expanded ? 1 : 0);
  }

  private async claim(): Promise<QueuedMessage[]> {
    const batch = await this.deps.queue.claim(this.id, this.claimSize(), this.settings.leaseMs);
    for (const message of batch) this.held.add(message.id);
    if (batch.length) this.bytesPerMessage = batch.reduce((sum, m) => sum + (m.data?.length ?? 0), 0) / batch.length;
    return batch;
  }

  /** The stored data of the last batch claimed, per message: the next claim's size by bytes. */
  private bytesPerMessage = 0;

  private claimSize(): number {
    const { ratePerSecond, batchSize, batchBytes } = this.settings;
    const byBytes = this.bytesPerMessage > 0 ? Math.floor(batchBytes / this.bytesPerMessage) : batchSize;
    const byRate = ratePerSecond > 0 ? Math.floor(ratePerSecond * 30) : batchSize;
    return Math.max(1, Math.min(batchSize, byBytes, byRate));
  }

  /**
   * Keeps up to two batches going: the next is claimed and loaded while the current one is still
   * sending, so the SMTP connections never drain at a batch boundary.
   */
  private async loop(): Promise<void> {
    const inFlight = new Set<Promise<void>>();
    while (!this.stopping) {
      try {
        const expanded = await this.deps.fanOuts.expandNext(this.settings.expandBatchSize);
        const batch = inFlight.size < 2 ? await this.claim() : [];
        if (batch.length) {
          const delivery: Promise<void> = this.deliverBatch(batch)
            .catch((error: unknown) => this.deps.logger.error({ err: error }, 'batch delivery failed'))
            .finally(() => inFlight.delete(delivery));
          inFlight.add(delivery);
        } else if (inFlight.size) {
          await Promise.race(inFlight);
        } else if (!expanded) {
          await this.pause.wait(this.settings.pollMs);
        }
      } catch (error) {
        // The database or SMTP being away is no reason to stop: try again a little later.
        this.deps.logger.error({ err: error }, 'send worker round failed');
        await this.pause.wait(this.settings.pollMs * 4);
      }
    }
    await Promise.all(inFlight);
  }


  private async deliverBatch(batch: QueuedMessage[]): Promise<void> {
    const renew = setInterval(() => void this.renewLeases(), this.settings.leaseMs / 3);
    try {
      await this.deliverClaimed(batch);
    } finally {
      clearInterval(renew);
    }
  }

  private async renewLeases(): Promise<void> {
    const { queue, metrics, logger } = this.deps;
    const mine = [...this.held];
    let renewed: Set<string>;
    try {
      renewed = new Set(await queue.extendLease(this.id, this.settings.leaseMs));
    } catch (error) {
      metrics.leaseRenewalFailed();
      logger.warn({ err: error }, 'could not renew the lease');
      return;
    }
    metrics.leaseRenewed();
    // Held since before the renewal and still unsettled, yet no longer ours: another worker has it.
    const lost = mine.filter((id) => this.held.has(id) && !renewed.has(id));
    if (!lost.length) return;
    for (const id of lost) this.held.delete(id);
    metrics.leasesLost(lost.length);
    logger.warn({ messages: lost.length }, 'the lease of messages still being sent ran out and another worker took them: they may go out twice');
  }

  private async deliverClaimed(batch: QueuedMessage[]): Promise<void> {
    const context = await this.loadContext(batch);
    const unstarted: string[] = [];
    await forEachLimited(batch, this.settings.concurrency * 2, async (message) => {
      if (this.stopping) {
        unstarted.push(message.id);
        return;
      }
      try {
        await this.deliver(message, context);
      } catch (error) {
        await this.failedHere(message, error);
      }
    });
    for (const id of unstarted) this.held.delete(id);
    await this.deps.queue.release(this.id, unstarted);
  }

  /**
   * Our own failure, not the relay's. Data that cannot make this email (a template field, Markdown
   * that cannot be rendered) fails the message at once; anything else (the database away, Markdown
   * over its time budget on a busy machine) is retried like a transient failure, and fails like one
   * after SEND_MAX_ATTEMPTS.
   */
  private async failedHere(message: QueuedMessage, error: unknown): Promise<void> {
    if (error instanceof TemplateDataError || (error instanceof MarkdownError && !error.tooSlow)) {
      this.deps.logger.warn({ messageId: message.id, reason: error.message }, 'message cannot be rendered');
      return this.failOrRetry(message, 'unrenderable', `cannot be rendered: ${error.message}`);
    }
    this.deps.logger.error({ err: error, messageId: message.id, attempt: message.attempts + 1 }, 'delivery failed unexpectedly');
    await this.failOrRetry(message, 'internal', 'internal error');
  }

  // Each outcome: no longer this worker's to renew, then written, then counted.

  private async suppress(message: QueuedMessage, reason: MessageSuppressedReason, detail: string): Promise<void> {
    this.held.delete(message.id);
    await this.deps.queue.suppressed(message, reason, detail);
    this.deps.metrics.suppressed(reason);
  }

  /** Given up at once when the message itself is refused or cannot be made, else retried with backoff until SEND_MAX_ATTEMPTS. */
  private async failOrRetry(message: QueuedMessage, kind: MessageFailureKind, detail: string, codes?: { smtpCode: number | null; statusCode: string | null }): Promise<void> {
    const attempt = message.attempts + 1;
    this.held.delete(message.id);
    if (kind === 'permanent' || kind === 'unrenderable' || attempt >= this.settings.maxAttempts) {
      await this.deps.queue.failed(message, kind, detail, codes);
      return this.deps.metrics.failed(kind);
    }
    await this.deps.queue.retryLater(message, detail, retryDelayMs(this.settings.retryBaseMs, attempt));
    this.deps.metrics.retried(kind);
  }

  private async recordSent(message: QueuedMessage, subject: string, proof: { basis: string | null; senderIdentity: string | null }): Promise<void> {
    this.held.delete(message.id);
    await this.deps.queue.sent(message, subject, proof);
    this.deps.metrics.sent(message.category, message.template);
  }

  private async loadContext(batch: QueuedMessage[]): Promise<Context> {
    const { audience, fanOuts, suppressions } = this.deps;
    const contactIds = [...new Set(batch.map((m) => m.contact_id))];
    const recipients = await audience.recipients(contactIds);
    const fanOutData = new Map<string, FanOutData | null>();
    for (const id of new Set(batch.map((m) => m.fan_out_id).filter((id): id is string => !!id))) {
      fanOutData.set(id, await fanOuts.templateData(id));
    }
    return {
      recipients,
      consent: await audience.consent(contactIds),
      suppressed: await suppressions.among([...recipients.values()].map((r) => r.email)),
      fanOutData,
    };
  }

  private async deliver(message: QueuedMessage, context: Context): Promise<void> {
    const { queue, composer, mailer, audience, logger } = this.deps;
    const recipient = context.recipients.get(message.contact_id);
    if (!recipient) return this.suppress(message, 'erased', 'The contact was erased.');
    const consent = message.category ? context.consent.get(message.contact_id)?.[message.category] : undefined;
    const configured = message.category ? audience.category(message.category) : undefined;
    // A category the contact's organization locked is, for this contact, one that cannot be left.
    const category = configured && consent?.locked ? { ...configured, required: true } : configured;
    // Consent is checked again here: an unsubscribe (or a lapse) after queueing wins.
    if (message.category && (!category || !consent?.subscribed)) return this.suppress(message, 'not-subscribed', notSubscribedReason(consent));
    if (context.suppressed.has(recipient.email)) return this.suppress(message, 'suppression-list', ON_SUPPRESSION_LIST);
    const fanOut = message.fan_out_id ? context.fanOutData.get(message.fan_out_id) : undefined;
    const stored = message.fan_out_id ? fanOut?.data : (queue.templateData(message) ?? {});
    if (!stored) return this.failOrRetry(message, 'unrenderable', 'The advisory or service alert is gone.');
    if (message.template === 'security-advisory' && consent && belowThreshold(stored.severity, consent.advisoryThreshold)) {
      return this.suppress(message, 'below-threshold', `The contact receives only advisories of severity ${consent.advisoryThreshold} and above.`);
    }
    if (message.template === 'ticket-update' && !(await this.deps.mutes.mayReceive(message.contact_id, stored))) {
      return this.suppress(message, 'ticket-muted', 'The contact muted updates about this ticket.');
    }
    if (message.template === 'ticket-update' && consent?.ticketDelivery === 'daily') {
      const dueAt = await this.deps.digests.collect(message.contact_id, stored);
      return this.suppress(message, 'daily-digest', `Collected for the contact's daily digest (due ${dueAt}).`);
    }
    const completed = await this.deps.completeData(message.template, message.contact_id, stored);
    if ('skip' in completed) return this.suppress(message, 'nothing-to-send', completed.skip);
    const { data, attachments, to } = completed;
    if (to !== undefined && (await this.deps.suppressions.reasonFor(to)) !== null) {
      return this.suppress(message, 'suppression-list', ON_SUPPRESSION_LIST);
    }

    const input = {
      messageId: message.id,
      template: message.template as TemplateName,
      data,
      category,
      recipient: { contactId: message.contact_id, email: to ?? recipient.email, name: recipient.name, locale: recipient.locale },
      withLinks: to === undefined,
      ...(attachments ? { attachments } : {}),
      ...(fanOut?.acknowledge ? { acknowledge: fanOut.acknowledge } : {}),
    };
    const { mail, subject } = message.fan_out_id ? await composer.composeFanOut({ ...input, fanOutId: message.fan_out_id }) : await composer.compose(input);
    await this.rate.take();
    try {
      await mailer.send(mail);
    } catch (error) {
      const failure = classifySendError(error);
      const attempt = message.attempts + 1;
      logger.warn({ messageId: message.id, attempt, kind: failure.kind, detail: failure.detail }, 'send failed');
      // One error line per outage, not one per message: every message fails alike meanwhile.
      if (failure.relay && !this.relayDown) {
        logger.error({ detail: failure.detail }, `SMTP relay is not accepting mail (${failure.detail}); messages stay queued and are retried with backoff`);
      }
      this.relayDown ||= failure.relay;
      if (failure.badAddress) await this.deps.suppressions.add(to ?? recipient.email, 'hard bounce (5.1.x)');
      return this.failOrRetry(message, failure.relay ? 'relay' : failure.kind, failure.detail, failure);
    }
    this.relayDown = false;
    const unsubscribe = to !== undefined ? 'none' : category && !category.required ? 'one-click-and-footer' : 'preferences-link';
    // Mail of a locked category rests on the client organization's own requirement.
    const basis = consent ? (consent.locked ? 'b2b' : consent.basis) : null;
    await this.recordSent(message, subject, { basis, senderIdentity: await this.deps.evidence.senderIdentity(unsubscribe) });
    await this.deps.evidence.sent(message.template, message.contact_id).catch((error: unknown) => {
      logger.error({ err: error, messageId: message.id }, 'could not renew the relationship this message proves');
    });
  }
}

/** An advisory under the contact's threshold (an unknown severity is never held back). */
function belowThreshold(severity: unknown, threshold: AdvisoryThreshold): boolean {
  const rank = SEVERITIES.indexOf(severity as Severity);
  return threshold !== 'all' && rank >= 0 && rank < SEVERITIES.indexOf(threshold);
}
