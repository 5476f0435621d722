import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import { nowIso } from '../store/time.js';
import type { FieldCrypto } from '../crypto/field-crypto.js';
import type { SuppressionKind } from '../../contract/index.js';
import { DomainError, notFound } from '../errors.js';

type Db = Kysely<Database> | Transaction<Database>;

/** A suppression for a while stops counting once it ends. */
const inForce = () => sql<boolean>`(expires_at is null or expires_at > ${nowIso()})`;

export const ERASED = 'erased at the contact’s request';

/** What kind of reason a suppression rests on, for people reading it in their own language. */
export function kindOf(reason: string): SuppressionKind {
  if (reason === ERASED) return 'erasure';
  if (reason.startsWith('hard bounce')) return 'hard-bounce';
  return reason.startsWith('soft bounces') ? 'soft-bounces' : 'other';
}

export interface Suppression {
  reason: string;
  kind: SuppressionKind;
  since: string;
  /** When a suppression for a while ends; null for good. */
  until: string | null;
}

const suppressionOf = (row: { reason: string; created_at: string; expires_at: string | null }): Suppression => ({
  reason: row.reason,
  kind: kindOf(row.reason),
  since: row.created_at,
  until: row.expires_at,
});

/**
 * Addresses no email may go to (hard bounces, erasures), kept as keyed hashes only: the list
 * must outlive the contact without holding the address.
 */
export class SuppressionList {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly crypto: FieldCrypto,
  ) {}

  /** How many addresses were added since `since` (ISO). */
  async addedSince(since: string): Promise<number> {
    const row = await this.db.selectFrom('suppressions').select(sql<string>`count(*)`.as('n')).where('created_at', '>=', since).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** How many addresses are suppressed now, by kind of reason. */
  async countInForceByKind(): Promise<Partial<Record<SuppressionKind, number>>> {
    const rows = await this.db.selectFrom('suppressions').select(['reason', sql<string>`count(*)`.as('n')]).where(inForce()).groupBy('reason').execute();
    const counts: Partial<Record<SuppressionKind, number>> = {};
    for (const row of rows) {
      const kind = kindOf(row.reason);
      counts[kind] = (counts[kind] ?? 0) + Number(row.n);
    }
    return counts;
  }

  /** Suppresses the address, for good or `until` a time; a suppression for a while never shortens one for good. */
  async add(normalizedEmail: string, reason: string, db: Db = this.db, until: string | null = null): Promise<void> {
    await db
      .insertInto('suppressions')
      .values({ address_hash: this.crypto.addressHash(normalizedEmail), reason, created_at: nowIso(), expires_at: until })
      .onConflict((oc) => {
        const update = oc.column('address_hash').doUpdateSet({ reason, created_at: nowIso(), expires_at: until });
        return until === null ? update : update.where('suppressions.expires_at', 'is not', null);
      })
      .execute();
  }

  async remove(normalizedEmail: string, db: Db = this.db): Promise<void> {
    await db.deleteFrom('suppressions').where('address_hash', '=', this.crypto.addressHash(normalizedEmail)).execute();
  }

  /** Why the address is suppressed, or null. */
  async reasonFor(normalizedEmail: string, db: Db = this.db): Promise<string | null> {
    const row = await db.selectFrom('suppressions').select('reason').where('address_hash', '=', this.crypto.addressHash(normalizedEmail)).where(inForce()).executeTakeFirst();
    return row?.reason ?? null;
  }

  /** How the audit log names an address: the start of its keyed hash, which nobody without the key can tie back to it. */
  reference(normalizedEmail: string): string {
    return `suppression:${this.crypto.addressHash(normalizedEmail).slice(0, 16)}`;
  }

  /** Why and since when the address is suppressed, or null. */
  async find(normalizedEmail: string): Promise<Suppression | null> {
    const row = await this.db
      .selectFrom('suppressions')
      .select(['reason', 'created_at', 'expires_at'])
      .where('address_hash', '=', this.crypto.addressHash(normalizedEmail))
      .where(inForce())
      .executeTakeFirst();
    return row ? suppressionOf(row) : null;
  }

  /**
   * Takes an address off the list at staff's request and says what it was suppressed for. An
   * erasure's suppression stays: it protects a person who asked to be forgotten, and only an
   * admin re-adding the contact explicitly (`restoreErased`) lifts it.
   */
  async lift(normalizedEmail: string): Promise<Suppression> {
    const hash = this.crypto.addressHash(normalizedEmail);
    return this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('suppressions').select(['reason', 'created_at', 'expires_at']).where('address_hash', '=', hash).where(inForce()).executeTakeFirst();
      if (!row) throw notFound('suppressed address');
      if (row.reason === ERASED) {
        throw new DomainError(
          'conflict',
          'erased-address',
          'This address was erased at its owner’s request.',
          'Its suppression protects a person who asked to be forgotten and is not removed here. An admin may re-add the contact explicitly with "restoreErased": true.',
        );
      }
      await trx.deleteFrom('suppressions').where('address_hash', '=', hash).execute();
      return suppressionOf(row);
    });
  }

  /** The latest additions (never an address: the list holds none) and how many there are by reason. */
  async recent(limit: number): Promise<{ items: Suppression[]; byReason: { reason: string; kind: SuppressionKind; count: number }[]; total: number }> {
    const rows = await this.db.selectFrom('suppressions').select(['reason', 'created_at', 'expires_at']).where(inForce()).orderBy('created_at', 'desc').limit(limit).execute();
    const counts = await this.db.selectFrom('suppressions').select(['reason', sql<string>`count(*)`.as('n')]).where(inForce()).groupBy('reason').orderBy(sql`count(*)`, 'desc').orderBy('reason').execute();
    const byReason = counts.map((c) => ({ reason: c.reason, kind: kindOf(c.reason), count: Number(c.n) }));
    return {
      items: rows.map(suppressionOf),
      byReason,
      total: byReason.reduce((sum, c) => sum + c.count, 0),
    };
  }

  /** The subset of these addresses that are suppressed, with their reasons. */
  async among(normalizedEmails: string[], db: Db = this.db): Promise<Map<string, string>> {
    if (!normalizedEmails.length) return new Map();
    const byHash = new Map(normalizedEmails.map((e) => [this.crypto.addressHash(e), e]));
    const rows = await db.selectFrom('suppressions').select(['address_hash', 'reason']).where('address_hash', 'in', [...byHash.keys()]).where(inForce()).execute();
    return new Map(rows.map((r) => [byHash.get(r.address_hash)!, r.reason]));
  }
}
