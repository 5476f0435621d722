import crypto from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import { nowIso } from '../store/time.js';

type Db = Kysely<Database> | Transaction<Database>;

// Addresses are kept as hashes only: the list must outlive the contact without holding the address.
export const addressHash = (normalizedEmail: string): string =>
  crypto.createHash('sha256').update(`suppression:${normalizedEmail}`).digest('hex');

export async function suppress(db: Db, normalizedEmail: string, reason: string): Promise<void> {
  await db
    .insertInto('suppressions')
    .values({ address_hash: addressHash(normalizedEmail), reason, created_at: nowIso() })
    .onConflict((oc) => oc.column('address_hash').doNothing())
    .execute();
}

/** The subset of these addresses that are suppressed. */
export async function suppressedAmong(db: Db, normalizedEmails: string[]): Promise<Set<string>> {
  if (!normalizedEmails.length) return new Set();
  const byHash = new Map(normalizedEmails.map((e) => [addressHash(e), e]));
  const rows = await db.selectFrom('suppressions').select('address_hash').where('address_hash', 'in', [...byHash.keys()]).execute();
  return new Set(rows.map((r) => byHash.get(r.address_hash)!));
}
