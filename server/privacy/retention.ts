import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../store/schema.js';
import { isoAfter, nowIso } from '../store/time.js';

const DAY = 86_400_000;

export interface RetentionPolicy {
  messageLogDays: number;
  consentHistoryDays: number;
  auditLogDays: number;
}

export interface RetentionReport {
  messages: number;
  signInCodes: number;
  sessions: number;
  consentHistory: number;
  auditLog: number;
}

const count = (result: { numDeletedRows: bigint }) => Number(result.numDeletedRows);

/**
 * Deletes what has outlived its retention period. Messages still queued or being sent are never
 * touched. The append-only tables (consent history, audit log) accept deletes only below their
 * retention floor, which this job moves in the same transaction.
 */
export async function applyRetention(db: Kysely<Database>, policy: RetentionPolicy, now = Date.now()): Promise<RetentionReport> {
  const before = (days: number) => isoAfter(-days * DAY, now);
  return db.transaction().execute(async (trx) => {
    const messages = await trx
      .deleteFrom('messages')
      .where('created_at', '<', before(policy.messageLogDays))
      .where('status', 'in', ['sent', 'failed', 'suppressed'])
      .executeTakeFirst();
    const signInCodes = await trx.deleteFrom('sign_in_codes').where('expires_at', '<', nowIso()).executeTakeFirst();
    const sessions = await trx
      .deleteFrom('sessions')
      .where((eb) => eb.or([eb('expires_at', '<', nowIso()), eb('revoked_at', 'is not', null)]))
      .executeTakeFirst();
    await trx.deleteFrom('rate_limits').where('reset_at', '<', nowIso()).execute();
    await trx
      .deleteFrom('sign_in_failures')
      .where('window_start', '<', before(1))
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', nowIso())]))
      .execute();
    const removed: Record<'consent_history' | 'audit_log', number> = { consent_history: 0, audit_log: 0 };
    for (const [table, days] of [
      ['consent_history', policy.consentHistoryDays],
      ['audit_log', policy.auditLogDays],
    ] as const) {
      await trx.updateTable('retention_floor').set({ before: before(days) }).where('name', '=', table).execute();
      removed[table] = count(await trx.deleteFrom(table).where('at', '<', before(days)).executeTakeFirst());
      await trx.updateTable('retention_floor').set({ before: '0000' }).where('name', '=', table).execute();
    }
    return {
      messages: count(messages),
      signInCodes: count(signInCodes),
      sessions: count(sessions),
      consentHistory: removed.consent_history,
      auditLog: removed.audit_log,
    };
  });
}

/** The daily job: a first pass a minute after start, then every 24 hours. Idempotent, so several servers may run it. */
export function scheduleRetention(db: Kysely<Database>, policy: RetentionPolicy, logger: Logger): NodeJS.Timeout {
  const run = () =>
    applyRetention(db, policy).then(
      (deleted) => logger.info({ deleted }, 'retention applied'),
      (error: unknown) => logger.error({ err: error }, 'retention failed'),
    );
  setTimeout(run, 60_000).unref();
  const daily = setInterval(run, DAY);
  daily.unref();
  return daily;
}
