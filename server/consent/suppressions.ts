import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import { nowIso } from '../store/time.js';
import type { FieldCrypto } from '../crypto/field-crypto.js';

type Db = Kysely<Database> | Transaction<Database>;

export const ERASED = 'erased at the contact’s request';

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

  async add(normalizedEmail: string, reason: string, db: Db = this.db): Promise<void> {
    await db
      .insertInto('suppressions')
      .values({ address_hash: this.crypto.addressHash(normalizedEmail), reason, created_at: nowIso() })
      .onConflict((oc) => oc.column('address_hash').doUpdateSet({ reason }))
      .execute();
  }

  async remove(normalizedEmail: string, db: Db = this.db): Promise<void> {
    await db.deleteFrom('suppressions').where('address_hash', '=', this.crypto.addressHash(normalizedEmail)).execute();
  }

  /** Why the address is suppressed, or null. */
  async reasonFor(normalizedEmail: string, db: Db = this.db): Promise<string | null> {
    const row = await db.selectFrom('suppressions').select('reason').where('address_hash', '=', this.crypto.addressHash(normalizedEmail)).executeTakeFirst();
    return row?.reason ?? null;
  }

  /** The subset of these addresses that are suppressed, with their reasons. */
  async among(normalizedEmails: string[], db: Db = this.db): Promise<Map<string, string>> {
    if (!normalizedEmails.length) return new Map();
    const byHash = new Map(normalizedEmails.map((e) => [this.crypto.addressHash(e), e]));
    const rows = await db.selectFrom('suppressions').select(['address_hash', 'reason']).where('address_hash', 'in', [...byHash.keys()]).execute();
    return new Map(rows.map((r) => [byHash.get(r.address_hash)!, r.reason]));
  }
}
