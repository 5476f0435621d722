import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { normalizeEmail } from '../contacts/email-address.js';
import type { FieldCrypto } from './field-crypto.js';

const FIELDS = ['email', 'name', 'phone', 'job_title'] as const;
const isSealed = (value: string) => value.startsWith('enc1:');

/**
 * Seals the contacts' personal fields under DATA_KEY, a batch at a time: rows written before
 * encryption existed (plaintext, no blind index) and rows sealed under an older key. Safe to stop
 * and run again: each row is rewritten whole, and rows already under DATA_KEY are skipped.
 * Returns the number of rows rewritten.
 */
export async function encryptContacts(
  db: Kysely<Database>,
  fieldCrypto: FieldCrypto,
  options: { batchSize?: number; /** At start: only rows never sealed, found by their missing blind index. */ onlyUnsealed?: boolean } = {},
): Promise<number> {
  const batchSize = options.batchSize ?? 500;
  if (options.onlyUnsealed) {
    const any = await db.selectFrom('contacts').select('id').where('email_index', 'is', null).limit(1).executeTakeFirst();
    if (!any) return 0;
  }
  const seal = (value: string | null) => (value === null ? null : fieldCrypto.encrypt(isSealed(value) ? fieldCrypto.decrypt(value) : value));
  let cursor = '';
  let rewritten = 0;
  for (;;) {
    const rows = await db.selectFrom('contacts').selectAll().where('id', '>', cursor).orderBy('id').limit(batchSize).execute();
    if (!rows.length) break;
    cursor = rows.at(-1)!.id;
    const due = rows.filter((r) => r.email_index === null || FIELDS.some((f) => r[f] !== null && (!isSealed(r[f]!) || fieldCrypto.isStale(r[f]!))));
    await db.transaction().execute(async (trx) => {
      for (const row of due) {
        const email = isSealed(row.email) ? fieldCrypto.decrypt(row.email) : row.email;
        const normalized = normalizeEmail(email);
        await trx
          .updateTable('contacts')
          .set({
            email: fieldCrypto.encrypt(email),
            email_index: fieldCrypto.emailIndex(normalized.ok ? normalized.email : email),
            name: seal(row.name),
            phone: seal(row.phone),
            job_title: seal(row.job_title),
          })
          .where('id', '=', row.id)
          .execute();
      }
    });
    rewritten += due.length;
  }
  await fieldCrypto.rewrapHashKey(db);
  return rewritten;
}
