import crypto from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Dialect } from '../store/db.js';
import type { Database, MessagesTable, MessageStatus } from '../store/schema.js';
import { isoAfter, nowIso } from '../store/time.js';

export type OutboxMessage = Selectable<MessagesTable>;

export interface NewMessage {
  contactId: string;
  category: string | null;
  template: string;
  data: Record<string, unknown> | null;
  advisoryId?: string | null;
  apiKeyId?: string | null;
  idempotencyKey?: string | null;
  /** `queued`, or `suppressed` when the contact is not subscribed: recorded, never sent. */
  status: 'queued' | 'suppressed';
  reason?: string;
}

export function messageRow(message: NewMessage, now = nowIso()): OutboxMessage {
  return {
    id: crypto.randomUUID(),
    contact_id: message.contactId,
    category: message.category,
    template: message.template,
    data: message.data ? JSON.stringify(message.data) : null,
    advisory_id: message.advisoryId ?? null,
    api_key_id: message.apiKeyId ?? null,
    idempotency_key: message.idempotencyKey ?? null,
    status: message.status,
    first_status: message.status,
    attempts: 0,
    last_error: message.reason ?? null,
    next_attempt_at: now,
    lease_owner: null,
    lease_until: null,
    subject: null,
    created_at: now,
    updated_at: now,
    sent_at: null,
  };
}

/** The queue's state changes, in one place; every one is a single statement. */
export class Outbox {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

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

  /** Keeps this worker's claims alive while it is still working on them. */
  async extendLease(owner: string, leaseMs: number): Promise<void> {
    await this.db
      .updateTable('messages')
      .set({ lease_until: isoAfter(leaseMs) })
      .where('lease_owner', '=', owner)
      .where('status', '=', 'sending')
      .execute();
  }

  async sent(id: string, subject: string): Promise<void> {
    const now = nowIso();
    await this.finish(id, { status: 'sent', subject, sent_at: now, last_error: null }, true);
  }

  async retryLater(id: string, error: string, delayMs: number): Promise<void> {
    await this.finish(id, { status: 'queued', last_error: error, next_attempt_at: isoAfter(delayMs) }, true);
  }

  async failed(id: string, error: string): Promise<void> {
    await this.finish(id, { status: 'failed', last_error: error }, true);
  }

  async suppressed(id: string, reason: string): Promise<void> {
    await this.finish(id, { status: 'suppressed', last_error: reason }, false);
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

  private async finish(id: string, set: Partial<OutboxMessage> & { status: MessageStatus }, attempted: boolean): Promise<void> {
    await this.db
      .updateTable('messages')
      .set((eb) => ({
        ...set,
        lease_owner: null,
        lease_until: null,
        updated_at: nowIso(),
        ...(attempted ? { attempts: eb('attempts', '+', 1) } : {}),
      }))
      .where('id', '=', id)
      .execute();
  }
}
