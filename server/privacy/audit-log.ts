import type { Kysely } from 'kysely';
import type { RequestHandler } from 'express';
import type { Database } from '../store/schema.js';
import { nowIso } from '../store/time.js';
import { safePath } from '../http/logger.js';
import type { Caller } from '../http/auth.js';

export interface AuditEntry {
  id: number;
  at: string;
  keyId: string | null;
  action: string;
  target: string | null;
  outcome: number;
  requestId: string | null;
  /** What the call changed, when a route says (never personal data). */
  detail: string | null;
}

/**
 * Every authenticated admin-API call, in an append-only table: which key, what action (method
 * and route), on which id, when, and the outcome (the HTTP status), refused ones included. Calls
 * without a valid key are only counted (`onUnauthenticated`): a stranger cannot grow a table that
 * is kept a year, nor choose what its rows say.
 */
export class AuditLog {
  constructor(private readonly db: Kysely<Database>) {}

  /** Records the call once its answer is sent; routes name their action in `res.locals.audit`. */
  middleware(hooks: { onUnauthenticated: (status: number) => void; onError: (error: unknown) => void }): RequestHandler {
    return (req, res, next) => {
      res.on('finish', () => {
        const caller = res.locals.caller as Caller | undefined;
        if (!caller) return hooks.onUnauthenticated(res.statusCode);
        const audit = res.locals.audit as { action: string; target: string | null; detail?: string } | undefined;
        this.db
          .insertInto('audit_log')
          .values({
            at: nowIso(),
            key_id: caller.keyId,
            action: audit?.action ?? `${req.method} ${safePath(req.originalUrl)}`,
            target: audit?.target ?? null,
            outcome: res.statusCode,
            request_id: typeof req.id === 'string' ? req.id : null,
            detail: audit?.detail ?? null,
          })
          .execute()
          .catch(hooks.onError);
      });
      next();
    };
  }

  async list(query: { limit: number; cursor?: number; keyId?: string }): Promise<{ items: AuditEntry[]; nextCursor: number | null }> {
    let select = this.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(query.limit + 1);
    if (query.cursor) select = select.where('id', '<', query.cursor);
    if (query.keyId) select = select.where('key_id', '=', query.keyId);
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
