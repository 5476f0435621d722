import crypto from 'node:crypto';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Dialect } from '../store/db.js';
import type { Database, MessagesTable, MessageStatus } from '../store/schema.js';
import { isoAfter, nowIso } from '../store/time.js';
import type { FieldCrypto } from '../crypto/field-crypto.js';
import type { EventLog, MessageEvent } from '../events/event-log.js';
import type { MessageFailureKind, MessageSuppressedReason } from '../../contract/index.js';

type Db = Kysely<Database> | Transaction<Database>;

export type OutboxMessage = Selectable<MessagesTable>;

interface MessageToQueue {
  contactId: string;
  category: string | null;
  template: string;
  /** Stored sealed (AES-256-GCM under DATA_KEY): template data names people and their tickets. */
  data: Record<string, unknown> | null;
  /** The advisory or service alert revision it belongs to. */
  fanOutId?: string | null;
  apiKeyId?: string | null;
  idempotencyKey?: string | null;
}

/** A message to store: `queued`, or `suppressed` (recorded, never sent) with why, as a code and in words. */
export type NewMessage = MessageToQueue & ({ status: 'queued' } | { status: 'suppressed'; reason: MessageSuppressedReason; detail: string });

/** A failure's codes for its event: never what the server said, which can name people. */
export interface FailureCodes {
  /** The SMTP reply code, like 550. */
  smtpCode?: number | null;
  /** The enhanced status code (RFC 3463), like `5.1.1`. */
  statusCode?: string | null;
}

/** A message as its outcome is written: enough to name it in an event. */
type Settled = MessageEvent['message'];

/** One line of a contact's message log, as its export shows it (never a body). */
export interface LoggedMessage {
  id: string;
  category: string | null;
  template: string;
  subject: string | null;
  status: MessageStatus;
  queuedAt: string;
  sentAt: string | null;
}

/** One of a contact's latest messages as the extension lists it: no body, no data, no server's words. */
export interface RecentMessage extends LoggedMessage {
  /** Why it was not sent, as a code; null when it was not suppressed, or was before the code was kept. */
  suppressedReason: MessageSuppressedReason | null;
}

/** What a sent message relied on and carried, kept as evidence. */
export interface SendProof {
  basis: string | null;
  senderIdentity: string | null;
}

/**
 * What a message carried to identify its sender and let the person leave: CASL s. 6(2) asks for the
 * sender's name and mailing address and an unsubscribe mechanism (s. 11).
 */
export interface SenderIdentity {
  from: string;
  postalAddress: string;
  /** `one-click-and-footer`: List-Unsubscribe (RFC 8058) and the footer's link; `preferences-link`: the footer's link to the preferences. */
  unsubscribe: 'one-click-and-footer' | 'preferences-link' | 'none';
  /** How long its links work after sending (CASL s. 11(1)(b) asks at least 60 days); null without links. */
  linksValidDays: number | null;
}

/**
 * The one writer of `messages`: queueing, claims, outcomes, erasure. Every state change is a
 * single statement. Template data and subjects are sealed before they reach the store.
 */
export class Outbox {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
    private readonly crypto: FieldCrypto,
    private readonly events: EventLog,
  ) {}

  /** The row a message is stored as (sealed data, a new id), without writing it. */
  row(message: NewMessage, now = nowIso()): OutboxMessage {
    return {
      id: crypto.randomUUID(),
      contact_id: message.contactId,
      category: message.category,
      template: message.template,
      data: message.data ? this.crypto.encrypt(JSON.stringify(message.data)) : null,
      fan_out_id: message.fanOutId ?? null,
      api_key_id: message.apiKeyId ?? null,
      idempotency_key: message.idempotencyKey ?? null,
      status: message.status,
      first_status: message.status,
      attempts: 0,
      last_error: message.status === 'suppressed' ? message.detail : null,
      suppressed_reason: message.status === 'suppressed' ? message.reason : null,
      next_attempt_at: now,
      lease_owner: null,
      lease_until: null,
      subject: null,
      created_at: now,
      updated_at: now,
      sent_at: null,
      basis: null,
      sender_identity: null,
    };
  }

  /** The queue at a glance: messages by status, sent in the last hour and day, the last day's failures by reason. */
  async stats(now: number) {
    const hourAgo = new Date(now - 3_600_000).toISOString();
    const dayAgo = new Date(now - 86_400_000).toISOString();
    const byStatus = await this.countByStatus();
    const sent = await this.db
      .selectFrom('messages')
      .select([sql<string>`coalesce(sum(case when sent_at >= ${hourAgo} then 1 else 0 end), 0)`.as('hour'), sql<string>`count(*)`.as('day')])
      .where('status', '=', 'sent')
      .where('sent_at', '>=', dayAgo)
      .executeTakeFirstOrThrow();
    const failures = await this.db
      .selectFrom('messages')
      .select(['last_error', sql<string>`count(*)`.as('n')])
      .where('status', '=', 'failed')
      .where('updated_at', '>=', dayAgo)
      .groupBy('last_error')
      .orderBy(sql`count(*)`, 'desc')
      .limit(10)
      .execute();
    return {
      byStatus,
      sentLastHour: Number(sent.hour),
      sentLastDay: Number(sent.day),
      failures: failures.map((f) => ({ reason: f.last_error ?? 'unknown', count: Number(f.n) })),
    };
  }

  /** How many messages there are in each status (a status without any is left out). */
  async countByStatus(): Promise<Partial<Record<MessageStatus, number>>> {
    const rows = await this.db.selectFrom('messages').select(['status', sql<string>`count(*)`.as('n')]).groupBy('status').execute();
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }

  /** Stores one message; a repeated idempotency key throws the store's unique violation. */
  async enqueue(message: NewMessage, db: Db = this.db): Promise<OutboxMessage> {
    const row = this.row(message);
    const event = message.status === 'suppressed' ? suppressedEvent(row, message.reason) : null;
    await this.withEvent(event, (trx) => trx.insertInto('messages').values(row).execute(), db);
    return row;
  }

  /** Stores a fan-out's messages; one per fan-out and contact, whatever happens twice. */
  async enqueueOncePerContact(messages: NewMessage[], db: Db, now = nowIso()): Promise<void> {
    if (!messages.length) return;
    const rows = messages.map((message) => this.row(message, now));
    const insert = db
      .insertInto('messages')
      .values(rows)
      .onConflict((oc) => oc.columns(['fan_out_id', 'contact_id']).doNothing());
    const suppressed = messages.some((message) => message.status === 'suppressed');
    if (!suppressed || !(await this.events.wantedLately('message.suppressed', db))) {
      await insert.execute();
      return;
    }
    const inserted = new Set((await insert.returning('id').execute()).map((row) => row.id));
    for (const [i, message] of messages.entries()) {
      if (message.status === 'suppressed' && inserted.has(rows[i]!.id)) await this.events.aboutMessage(db, suppressedEvent(rows[i]!, message.reason), now);
    }
  }

  /** The template data a message was queued with, opened; null when it has none (a fan-out's). */
  templateData(message: Pick<OutboxMessage, 'data'>): Record<string, unknown> | null {
    return message.data === null ? null : (JSON.parse(this.crypto.decrypt(message.data)) as Record<string, unknown>);
  }

  /** The contact's message log, oldest first, subjects opened. */
  async log(contactId: string): Promise<LoggedMessage[]> {
    const rows = await this.db
      .selectFrom('messages')
      .select(['id', 'category', 'template', 'subject', 'status', 'created_at', 'sent_at'])
      .where('contact_id', '=', contactId)
      .orderBy('created_at')
      .execute();
    return rows.map((m) => ({
      id: m.id,
      category: m.category,
      template: m.template,
      subject: this.crypto.decryptNullable(m.subject),
      status: m.status,
      queuedAt: m.created_at,
      sentAt: m.sent_at,
    }));
  }

  /**
   * The contact's `limit` latest messages, newest first (the messages_contact index, walked
   * backwards): a subject only once sent, a reason code only when suppressed.
   */
  async recent(contactId: string, limit: number): Promise<RecentMessage[]> {
    const rows = await this.db
      .selectFrom('messages')
      .select(['id', 'category', 'template', 'subject', 'status', 'created_at', 'sent_at', 'suppressed_reason'])
      .where('contact_id', '=', contactId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((m) => ({
      id: m.id,
      category: m.category,
      template: m.template,
      subject: m.status === 'sent' ? this.crypto.decryptNullable(m.subject) : null,
      status: m.status,
      queuedAt: m.created_at,
      sentAt: m.sent_at,
      suppressedReason: m.status === 'suppressed' ? m.suppressed_reason : null,
    }));
  }

  /** The contact's messages as evidence: what each relied on and carried, and why it was not sent if it was not. */
  async evidenceLog(contactId: string) {
    const rows = await this.db
      .selectFrom('messages as m')
      .leftJoin('sender_identities as s', 's.id', 'm.sender_identity')
      .select(['m.id', 'm.category', 'm.template', 'm.status', 'm.created_at', 'm.sent_at', 'm.basis', 'm.last_error', 's.identity'])
      .where('m.contact_id', '=', contactId)
      .orderBy('m.created_at')
      .execute();
    return rows.map((m) => ({
      id: m.id,
      category: m.category,
      template: m.template,
      status: m.status,
      queuedAt: m.created_at,
      sentAt: m.sent_at,
      basis: m.basis,
      carried: m.identity ? (JSON.parse(m.identity) as SenderIdentity) : null,
      suppressedBecause: m.status === 'suppressed' ? m.last_error : null,
    }));
  }

  /**
   * The contact is erased: what is queued is cancelled, and every message keeps only its
   * category, template, times and status (no data, no subject).
   */
  async forgetContact(contactId: string, db: Db = this.db): Promise<void> {
    const now = nowIso();
    await db
      .updateTable('messages')
      .set({ status: 'suppressed', last_error: 'The contact was erased.', suppressed_reason: 'erased', updated_at: now })
      .where('contact_id', '=', contactId)
      .where('status', '=', 'queued')
      .execute();
    await db.updateTable('messages').set({ data: null, subject: null }).where('contact_id', '=', contactId).execute();
  }

  /** Retention: finished messages (sent, failed, suppressed) queued before `before`; never queued ones. */
  static async expireLog(trx: Transaction<Database>, before: string): Promise<number> {
    const deleted = await trx.deleteFrom('messages').where('created_at', '<', before).where('status', 'in', ['sent', 'failed', 'suppressed']).executeTakeFirst();
    return Number(deleted.numDeletedRows);
  }

  /**
   * Takes up to `limit` due messages for this worker: queued ones whose time has come, then ones
   * whose lease ran out (their worker died). Two queries rather than one with OR, so each walks
   * its own index without sorting the whole queue: the claim costs the same at 100,000 queued as
   * at 1,000. On PostgreSQL, SKIP LOCKED lets several workers claim side by side without ever
   * taking the same row.
   */
  async claim(owner: string, limit: number, leaseMs: number): Promise<OutboxMessage[]> {
    const now = nowIso();
    const queued = await this.claimWhere(owner, limit, leaseMs, 'queued', 'next_attempt_at', now);
    if (queued.length === limit) return queued;
    return queued.concat(await this.claimWhere(owner, limit - queued.length, leaseMs, 'sending', 'lease_until', now));
  }

  private async claimWhere(owner: string, limit: number, leaseMs: number, status: 'queued' | 'sending', dueColumn: 'next_attempt_at' | 'lease_until', now: string) {
    let due = this.db
      .selectFrom('messages')
      .select('id')
      .where('status', '=', status)
      .where(dueColumn, status === 'queued' ? '<=' : '<', now)
      .orderBy(dueColumn)
      .limit(limit);
    if (this.dialect === 'postgres') due = due.forUpdate().skipLocked();
    const rows = await this.db
      .updateTable('messages')
      .set({ status: 'sending', lease_owner: owner, lease_until: isoAfter(leaseMs), updated_at: now })
      .where('id', 'in', due)
      .returningAll()
      .execute();
    return rows.sort((a, b) => a.next_attempt_at.localeCompare(b.next_attempt_at));
  }

  /** Keeps this worker's claims alive while it is still working on them; answers the ids still its own. */
  async extendLease(owner: string, leaseMs: number): Promise<string[]> {
    const renewed = await this.db
      .updateTable('messages')
      .set({ lease_until: isoAfter(leaseMs) })
      .where('lease_owner', '=', owner)
      .where('status', '=', 'sending')
      .returning('id')
      .execute();
    return renewed.map((row) => row.id);
  }

  /** Sent: with what it relied on (the consent basis, for category mail) and who it said it was from. */
  async sent(message: Settled, subject: string, proof: SendProof): Promise<void> {
    const set = { status: 'sent' as const, subject: this.crypto.encrypt(subject), sent_at: nowIso(), last_error: null, basis: proof.basis, sender_identity: proof.senderIdentity };
    await this.finish(message, set, true, { type: 'message.sent', message });
  }

  /** The id of a sender identity, stored once for every message that carries it. */
  async identify(identity: SenderIdentity): Promise<string> {
    const json = JSON.stringify({
      from: identity.from,
      postalAddress: identity.postalAddress,
      unsubscribe: identity.unsubscribe,
      linksValidDays: identity.linksValidDays,
    });
    const id = crypto.createHash('sha256').update(json).digest('hex').slice(0, 32);
    await this.db
      .insertInto('sender_identities')
      .values({ id, identity: json, first_used_at: nowIso() })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    return id;
  }

  async retryLater(message: Settled, error: string, delayMs: number): Promise<void> {
    await this.finish(message, { status: 'queued', last_error: error, next_attempt_at: isoAfter(delayMs) }, true, null);
  }

  /** Given up on: `detail` is kept as its status (addresses masked); the event carries codes only. */
  async failed(message: Settled, kind: MessageFailureKind, detail: string, codes: FailureCodes = {}): Promise<void> {
    const details = { reason: kind, smtpCode: codes.smtpCode ?? null, statusCode: codes.statusCode ?? null };
    await this.finish(message, { status: 'failed', last_error: detail }, true, { type: 'message.failed', message, details });
  }

  async suppressed(message: Settled, reason: MessageSuppressedReason, detail: string): Promise<void> {
    await this.finish(message, { status: 'suppressed', last_error: detail, suppressed_reason: reason }, false, suppressedEvent(message, reason));
  }

  /** Gives claimed messages back to the queue untouched (graceful stop). */
  async release(owner: string, ids: string[]): Promise<void> {
    if (!ids.length) return;
    await this.db
      .updateTable('messages')
      .set({ status: 'queued', lease_owner: null, lease_until: null, updated_at: nowIso() })
      .where('id', 'in', ids)
      .where('status', '=', 'sending')
      .where('lease_owner', '=', owner)
      .execute();
  }

  private async finish(message: Settled, set: Partial<OutboxMessage> & { status: MessageStatus }, attempted: boolean, event: MessageEvent | null): Promise<void> {
    await this.withEvent(event, (db) =>
      db
        .updateTable('messages')
        .set((eb) => ({
          ...set,
          lease_owner: null,
          lease_until: null,
          updated_at: nowIso(),
          ...(attempted ? { attempts: eb('attempts', '+', 1) } : {}),
        }))
        .where('id', '=', message.id)
        .execute(),
    );
  }

  /**
   * A write and, when an endpoint lately wanted it, its event in the same transaction. Without
   * one (the usual case) the write stays a single statement: this runs for every message sent.
   */
  private async withEvent(event: MessageEvent | null, write: (db: Db) => Promise<unknown>, db: Db = this.db): Promise<void> {
    if (!event || !(await this.events.wantedLately(event.type, db))) {
      await write(db);
      return;
    }
    const both = async (trx: Db) => {
      await write(trx);
      await this.events.aboutMessage(trx, event, nowIso());
    };
    await (db.isTransaction ? both(db) : db.transaction().execute(both));
  }
}

function suppressedEvent(message: Settled, reason: MessageSuppressedReason): MessageEvent {
  return { type: 'message.suppressed', message, details: { reason } };
}
