import crypto from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import type { Dialect } from '../store/dialect.js';
import { chunks } from '../store/batches.js';
import type { FieldCrypto } from '../crypto/field-crypto.js';

/**
 * The words of a name as search compares them: lower case, accents removed (NFD, combining marks
 * dropped), split on anything that is not a letter or a digit, words of two characters or more,
 * each once. "Marie-Ève  O'Neil" → marie, eve, neil.
 */
export function nameTokens(name: string): string[] {
  const folded = name.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '').normalize('NFC');
  const words = folded.split(/[^\p{L}\p{N}]+/u).filter((word) => [...word].length >= 2);
  return [...new Set(words)];
}

/**
 * Contacts' names as a blind index (`contact_name_tokens`): one HMAC-SHA256 per word under a key
 * of its own, derived from the hashing key, so equal words of different contacts have equal
 * hashes and nothing else can be told from the table. Written only by the contacts module, in the
 * same transaction as the contact's row.
 */
export class NameIndex {
  private readonly key: Buffer;

  constructor(fieldCrypto: FieldCrypto) {
    this.key = fieldCrypto.derivedKey('contact-name');
  }

  /** The keyed hashes of the name's words (none for a name without a word of two characters). */
  hashes(name: string | null): string[] {
    return name ? nameTokens(name).map((token) => crypto.createHmac('sha256', this.key).update(token).digest('hex')) : [];
  }

  /** Replaces the contact's words with those of `name`. Call after writing the contact's row (which locks it). */
  async replace(trx: Transaction<Database>, contactId: string, name: string | null): Promise<void> {
    await trx.deleteFrom('contact_name_tokens').where('contact_id', '=', contactId).execute();
    await this.insert(trx, [{ contactId, name }]);
  }

  /** Adds the words of new contacts' names. */
  async insert(trx: Transaction<Database>, contacts: { contactId: string; name: string | null }[]): Promise<void> {
    const rows = contacts.flatMap(({ contactId, name }) => this.hashes(name).map((token_index) => ({ contact_id: contactId, token_index })));
    for (const batch of chunks(rows, 1000)) {
      await trx
        .insertInto('contact_name_tokens')
        .values(batch)
        .onConflict((oc) => oc.columns(['contact_id', 'token_index']).doNothing())
        .execute();
    }
  }

  /**
   * Indexes the names of contacts that have none indexed (contacts from before the index), a batch
   * per transaction; idempotent, and safe beside a running server: on PostgreSQL each batch locks
   * its contacts' rows, so a rename in between is either seen or waits. Returns how many contacts
   * got words.
   */
  async fillMissing(db: Kysely<Database>, dialect: Dialect, open: (sealed: string) => string, batchSize = 500): Promise<number> {
    let cursor = '';
    let filled = 0;
    for (;;) {
      const done = await db.transaction().execute(async (trx) => {
        let page = trx
          .selectFrom('contacts as c')
          .select(['c.id', 'c.name'])
          .where('c.name', 'is not', null)
          .where('c.id', '>', cursor)
          .where((eb) => eb.not(eb.exists(eb.selectFrom('contact_name_tokens as t').select('t.contact_id').whereRef('t.contact_id', '=', 'c.id'))))
          .orderBy('c.id')
          .limit(batchSize);
        if (dialect === 'postgres') page = page.forUpdate();
        const rows = await page.execute();
        if (!rows.length) return true;
        cursor = rows.at(-1)!.id;
        const named = rows.map((row) => ({ contactId: row.id, name: open(row.name!) }));
        await this.insert(trx, named);
        filled += named.filter((row) => this.hashes(row.name).length > 0).length;
        return rows.length < batchSize;
      });
      if (done) return filled;
    }
  }
}
