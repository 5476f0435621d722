import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import { isoAfter } from '../store/time.js';

const DAY = 86_400_000;

export interface RetentionPolicy {
  messageLogDays: number;
  consentHistoryDays: number;
  auditLogDays: number;
}

/** The moment a retention pass runs at, and the cutoffs counted back from it. */
export interface RetentionClock {
  now: string;
  daysAgo(days: number): string;
}

/** One table's owner deletes what has outlived its time, and says how many rows went. */
export type Expire = (trx: Transaction<Database>, clock: RetentionClock) => Promise<number>;

/**
 * Runs every owner's expiry in one transaction, all against the same `now`, and reports how many
 * rows each deleted. What each keeps and for how long is the owner's business (see services.ts).
 */
export async function applyRetention<K extends string>(db: Kysely<Database>, owners: Record<K, Expire>, now = Date.now()): Promise<Record<K, number>> {
  const clock: RetentionClock = { now: new Date(now).toISOString(), daysAgo: (days) => isoAfter(-days * DAY, now) };
  return db.transaction().execute(async (trx) => {
    const report = {} as Record<K, number>;
    for (const name of Object.keys(owners) as K[]) report[name] = await owners[name](trx, clock);
    return report;
  });
}
