import crypto from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { MemoryStore, type ClientRateLimitInfo, type Options, type Store } from 'express-rate-limit';
import type { Dialect } from '../store/db.js';
import type { Database } from '../store/schema.js';
import { nowIso } from '../store/time.js';

/** A counter store for one named limit (express-rate-limit's Store). */
export type RateLimitStores = (name: string) => Store;

/**
 * Where the rate limits count. With PostgreSQL, the documented scale-out, several servers share
 * one count in the database, so N servers enforce one limit; SQLite is one process, whose memory
 * is enough.
 */
export function rateLimitStores(db: Kysely<Database>, dialect: Dialect, key: Buffer): RateLimitStores {
  return (name) => (dialect === 'postgres' ? new SharedStore(db, name, key) : new MemoryStore());
}

/** Retention: counts whose window has ended. */
export async function expireRateLimits(trx: Transaction<Database>, now: string): Promise<number> {
  return Number((await trx.deleteFrom('rate_limits').where('reset_at', '<', now).executeTakeFirst()).numDeletedRows);
}

/**
 * Counts in the `rate_limits` table, one row per limit and client, each increment a single
 * upsert. Keys are keyed hashes: client addresses and email addresses never reach the table.
 */
class SharedStore implements Store {
  readonly localKeys = false;
  readonly prefix: string;
  private windowMs = 60_000;

  constructor(
    private readonly db: Kysely<Database>,
    name: string,
    private readonly key: Buffer,
  ) {
    this.prefix = name;
  }

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async get(client: string): Promise<ClientRateLimitInfo | undefined> {
    const row = await this.db
      .selectFrom('rate_limits')
      .select(['hits', 'reset_at'])
      .where('key', '=', this.rowKey(client))
      .where('reset_at', '>', nowIso())
      .executeTakeFirst();
    return row ? { totalHits: Number(row.hits), resetTime: new Date(row.reset_at) } : undefined;
  }

  async increment(client: string): Promise<ClientRateLimitInfo> {
    const now = nowIso();
    const resetAt = new Date(Date.now() + this.windowMs).toISOString();
    const row = await this.db
      .insertInto('rate_limits')
      .values({ key: this.rowKey(client), hits: 1, reset_at: resetAt })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          // A window that has ended starts again at one.
          hits: sql`CASE WHEN rate_limits.reset_at <= ${now} THEN 1 ELSE rate_limits.hits + 1 END`,
          reset_at: sql`CASE WHEN rate_limits.reset_at <= ${now} THEN ${resetAt} ELSE rate_limits.reset_at END`,
        }),
      )
      .returning(['hits', 'reset_at'])
      .executeTakeFirstOrThrow();
    return { totalHits: Number(row.hits), resetTime: new Date(row.reset_at) };
  }

  async decrement(client: string): Promise<void> {
    await this.db
      .updateTable('rate_limits')
      .set({ hits: sql`hits - 1` })
      .where('key', '=', this.rowKey(client))
      .where('hits', '>', 0)
      .execute();
  }

  async resetKey(client: string): Promise<void> {
    await this.db.deleteFrom('rate_limits').where('key', '=', this.rowKey(client)).execute();
  }

  private rowKey(client: string): string {
    return crypto.createHmac('sha256', this.key).update(`${this.prefix}:${client}`).digest('hex');
  }
}
