import crypto from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { FeedbackKind, FeedbackSource } from '../../contract/index.js';
import type { Database } from '../store/schema.js';
import type { Clock } from '../consent/clock.js';
import type { SuppressionList } from '../consent/suppressions.js';
import { maskAddresses } from '../delivery/send-errors.js';
import type { EventLog } from '../events/event-log.js';

const DAY_MS = 86_400_000;
/** Three soft bounces within 14 days suppress the address for 7 days. */
export const SOFT_BOUNCE_RULE = { count: 3, withinDays: 14, suppressDays: 7 };
const DIAGNOSTIC_MAX = 500;

/** One report about one message, as a parser or a relay webhook read it. */
export interface FeedbackReport {
  messageId: string;
  kind: FeedbackKind;
  source: FeedbackSource;
  /** The report's own identity (a relay's event id, a DSN's Message-ID): the same report twice is recorded once. */
  eventKey: string;
  /** An enhanced status code (RFC 3463), like `5.1.1`. */
  statusCode?: string | null;
  /** What the remote server said; addresses in it are blanked before it is kept. */
  diagnostic?: string | null;
  /** When the bounce or complaint happened (the relay's time); now when unknown. */
  occurredAt?: string | null;
}

export type FeedbackOutcome = 'recorded' | 'duplicate' | 'unknown-message';

/** What is counted for the operator (http/metrics.ts) once a report is recorded. */
export interface FeedbackMetrics {
  recorded(kind: FeedbackKind, source: FeedbackSource): void;
}

export interface FeedbackDeps {
  db: Kysely<Database>;
  metrics: FeedbackMetrics;
  suppressions: SuppressionList;
  clock: Clock;
  /** The address and organization of a contact (null once erased). */
  recipientOf(contactId: string, trx: Transaction<Database>): Promise<{ email: string; organizationId: string } | null>;
  events: EventLog;
  /** Turns off what the contact may leave, history source `complaint`. */
  withdrawAfterComplaint(contactId: string, trx: Transaction<Database>, at: string): Promise<string[]>;
}

/** What is said of a message afterwards (`GET /api/v1/messages/:id`). */
export interface MessageFeedback {
  bounced: { kind: 'hard' | 'soft'; statusCode: string | null; diagnostic: string | null; at: string } | null;
  complained: { at: string } | null;
}

/**
 * Bounces and complaints that come back after sending, whatever brought them (the inbound
 * receiver, a relay's webhook), and what each changes: a hard bounce suppresses the address for
 * good; three soft bounces in 14 days suppress it for 7 days; a complaint turns off every
 * category the contact may leave. Each report is recorded once, in the same transaction as its
 * outcome.
 */
export class DeliveryFeedback {
  constructor(private readonly deps: FeedbackDeps) {}

  async record(report: FeedbackReport): Promise<FeedbackOutcome> {
    const { db, clock } = this.deps;
    const receivedAt = new Date(clock.now()).toISOString();
    const occurredAt = validTime(report.occurredAt) ?? receivedAt;
    const outcome = await db.transaction().execute(async (trx): Promise<FeedbackOutcome> => {
      const message = await trx.selectFrom('messages').select(['id', 'contact_id', 'category', 'template']).where('id', '=', report.messageId).executeTakeFirst();
      if (!message) return 'unknown-message';
      const recipient = await this.deps.recipientOf(message.contact_id, trx);
      const inserted = await trx
        .insertInto('delivery_feedback')
        .values({
          id: crypto.randomUUID(),
          event_key: `${report.source}:${crypto.createHash('sha256').update(report.eventKey).digest('hex')}`,
          message_id: message.id,
          contact_id: recipient ? message.contact_id : null,
          organization_id: recipient?.organizationId ?? null,
          category: message.category,
          kind: report.kind,
          source: report.source,
          status_code: report.statusCode ?? null,
          diagnostic: scrub(report.diagnostic),
          occurred_at: occurredAt,
          received_at: receivedAt,
        })
        .onConflict((oc) => oc.column('event_key').doNothing())
        .executeTakeFirst();
      if (!Number(inserted.numInsertedOrUpdatedRows ?? 0)) return 'duplicate';
      if (!recipient) return 'recorded';
      // The report's event before what it changes: a receiver learns of a complaint, then of the consent it withdrew.
      await this.deps.events.aboutMessage(
        trx,
        report.kind === 'complaint'
          ? { type: 'message.complained', message }
          : { type: 'message.bounced', message, details: { kind: report.kind === 'hard-bounce' ? 'hard' : 'soft', statusCode: report.statusCode ?? null } },
        occurredAt,
      );
      if (report.kind === 'hard-bounce') await this.deps.suppressions.add(recipient.email, `hard bounce (${report.statusCode ?? '5.0.0'})`, trx);
      if (report.kind === 'soft-bounce') await this.afterSoftBounce(trx, message.contact_id, recipient.email, occurredAt);
      if (report.kind === 'complaint') await this.deps.withdrawAfterComplaint(message.contact_id, trx, receivedAt);
      return 'recorded';
    });
    if (outcome === 'recorded') this.deps.metrics.recorded(report.kind, report.source);
    return outcome;
  }

  /** What came back about one message: its bounce (the hard one if any) and its complaint. */
  async of(messageId: string): Promise<MessageFeedback> {
    const rows = await this.deps.db
      .selectFrom('delivery_feedback')
      .select(['kind', 'status_code', 'diagnostic', 'occurred_at'])
      .where('message_id', '=', messageId)
      .orderBy('occurred_at')
      .execute();
    const bounce = rows.find((r) => r.kind === 'hard-bounce') ?? rows.findLast((r) => r.kind === 'soft-bounce');
    const complaint = rows.find((r) => r.kind === 'complaint');
    return {
      bounced: bounce ? { kind: bounce.kind === 'hard-bounce' ? 'hard' : 'soft', statusCode: bounce.status_code, diagnostic: bounce.diagnostic, at: bounce.occurred_at } : null,
      complained: complaint ? { at: complaint.occurred_at } : null,
    };
  }

  /** How many bounces (hard and soft) and complaints were received since `since`. */
  async receivedSince(since: string): Promise<{ bounces: number; complaints: number }> {
    const rows = await this.deps.db
      .selectFrom('delivery_feedback')
      .select(['kind', sql<string>`count(*)`.as('n')])
      .where('received_at', '>=', since)
      .groupBy('kind')
      .execute();
    const count = (kinds: FeedbackKind[]) => rows.filter((r) => kinds.includes(r.kind)).reduce((sum, r) => sum + Number(r.n), 0);
    return { bounces: count(['hard-bounce', 'soft-bounce']), complaints: count(['complaint']) };
  }

  /** Bounces and complaints received since `since`, by category and by organization. */
  async counts(since: string) {
    const { db } = this.deps;
    const by = async (column: 'category' | 'organization_id') => {
      const rows = await db
        .selectFrom('delivery_feedback')
        .select([column, 'kind', sql<string>`count(*)`.as('n')])
        .where('received_at', '>=', since)
        .groupBy([column, 'kind'])
        .execute();
      const totals = new Map<string | null, Record<FeedbackKind, number>>();
      for (const row of rows) {
        const key = row[column] as string | null;
        const entry = totals.get(key) ?? { 'hard-bounce': 0, 'soft-bounce': 0, complaint: 0 };
        entry[row.kind] += Number(row.n);
        totals.set(key, entry);
      }
      return [...totals].map(([key, n]) => ({ key, hardBounces: n['hard-bounce'], softBounces: n['soft-bounce'], complaints: n.complaint }));
    };
    const [byCategory, byOrganization] = await Promise.all([by('category'), by('organization_id')]);
    return {
      byCategory: byCategory.map(({ key, ...n }) => ({ category: key, ...n })),
      byOrganization: byOrganization.map(({ key, ...n }) => ({ organizationId: key, ...n })),
    };
  }

  private async afterSoftBounce(trx: Transaction<Database>, contactId: string, email: string, occurredAt: string) {
    const at = Date.parse(occurredAt);
    const row = await trx
      .selectFrom('delivery_feedback')
      .select(sql<string>`count(*)`.as('n'))
      .where('contact_id', '=', contactId)
      .where('kind', '=', 'soft-bounce')
      .where('occurred_at', '>', new Date(at - SOFT_BOUNCE_RULE.withinDays * DAY_MS).toISOString())
      .where('occurred_at', '<=', occurredAt)
      .executeTakeFirstOrThrow();
    if (Number(row.n) < SOFT_BOUNCE_RULE.count) return;
    const until = new Date(at + SOFT_BOUNCE_RULE.suppressDays * DAY_MS).toISOString();
    await this.deps.suppressions.add(email, `soft bounces (${SOFT_BOUNCE_RULE.count} in ${SOFT_BOUNCE_RULE.withinDays} days)`, trx, until);
  }
}

/** A remote server's words without any address in them, and not too long. */
export function scrub(diagnostic: string | null | undefined): string | null {
  if (!diagnostic) return null;
  return maskAddresses(diagnostic).replace(/\s+/g, ' ').trim().slice(0, DIAGNOSTIC_MAX) || null;
}

function validTime(value: string | null | undefined): string | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}
