import { sql, type Kysely, type Transaction } from 'kysely';
import { deleteOlderThan } from '../store/append-only.js';
import type { Database } from '../store/schema.js';
import { nowIso } from '../store/time.js';
import type { AuditEntry } from '../../contract/index.js';

/** One authenticated admin-API call: who, what, on what, with which outcome. */
export type AuditRecord = Omit<AuditEntry, 'id' | 'at'>;

/**
 * Every authenticated admin-API call, in an append-only table: which key, what action (method
 * and route), on which id, when, the outcome (the HTTP status) and what changed, in words. The
 * HTTP layer decides what is recorded (http/audit-trail.ts).
 */
export class AuditLog {
  constructor(private readonly db: Kysely<Database>) {}

  /** Writes one entry, in the caller's transaction if given (what it audits commits with it). */
  async record(entry: AuditRecord, db: Kysely<Database> | Transaction<Database> = this.db): Promise<void> {
    await db
      .insertInto('audit_log')
      .values({
        at: nowIso(),
        key_id: entry.keyId,
        action: entry.action,
        target: entry.target,
        outcome: entry.outcome,
        request_id: entry.requestId,
        detail: entry.detail,
      })
      .execute();
  }

  /** Retention: entries older than `before`. */
  static expire(trx: Transaction<Database>, before: string): Promise<number> {
    return deleteOlderThan(trx, 'audit_log', before);
  }

  async list(query: { limit: number; cursor?: number; keyId?: string; action?: string; from?: string; to?: string }): Promise<{ items: AuditEntry[]; nextCursor: number | null }> {
    let select = this.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(query.limit + 1);
    if (query.cursor) select = select.where('id', '<', query.cursor);
    if (query.keyId) select = select.where('key_id', '=', query.keyId);
    // A prefix, compared as text: no LIKE pattern characters to escape.
    if (query.action) select = select.where(sql<string>`substr(action, 1, ${query.action.length})`, '=', query.action);
    if (query.from) select = select.where('at', '>=', new Date(query.from).toISOString());
    if (query.to) select = select.where('at', '<', new Date(query.to).toISOString());
    const rows = await select.execute();
    const page = rows.slice(0, query.limit);
    return {
      items: page.map((r) => ({
        id: Number(r.id),
        at: r.at,
        keyId: r.key_id,
        action: r.action,
        target: r.target,
        outcome: Number(r.outcome),
        requestId: r.request_id,
        detail: r.detail,
      })),
      nextCursor: rows.length > query.limit ? Number(page.at(-1)!.id) : null,
    };
  }
}
