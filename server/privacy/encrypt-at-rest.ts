import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { Store } from '../store/db.js';
import { normalizeEmail } from '../contacts/email-address.js';
import type { FieldCrypto } from '../crypto/field-crypto.js';

export interface SealOptions {
  batchSize?: number;
  /** At start: only rows never sealed (written before encryption at rest covered them). */
  onlyUnsealed?: boolean;
}

/**
 * Seals every personal field under DATA_KEY: contacts' email, name, phone and job title, and
 * messages' template data and subjects. Rows written before encryption covered them are sealed,
 * rows sealed under an older key are sealed again (a rotation). Safe to stop and run again.
 * SQLite's write-ahead log is then truncated, so no plaintext page image is left in it.
 */
export async function encryptAtRest(store: Store, fieldCrypto: FieldCrypto, options: SealOptions = {}) {
  const contacts = await encryptContacts(store.db, fieldCrypto, options);
  const messages = await encryptMessages(store.db, fieldCrypto, options);
  if (store.dialect === 'sqlite' && contacts + messages > 0) await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(store.db);
  return { contacts, messages };
}

const FIELDS = ['email', 'name', 'phone', 'job_title'] as const;

/** Returns the number of contacts rewritten; re-wraps the hashing key under DATA_KEY. */
export async function encryptContacts(db: Kysely<Database>, fieldCrypto: FieldCrypto, options: SealOptions = {}): Promise<number> {
  const batchSize = options.batchSize ?? 500;
  if (options.onlyUnsealed) {
    const any = await db.selectFrom('contacts').select('id').where('email_index', 'is', null).limit(1).executeTakeFirst();
    if (!any) return 0;
  }
  let cursor = '';
  let rewritten = 0;
  for (;;) {
    const rows = await db.selectFrom('contacts').selectAll().where('id', '>', cursor).orderBy('id').limit(batchSize).execute();
    if (!rows.length) break;
    cursor = rows.at(-1)!.id;
    const due = rows.filter((r) => r.email_index === null || FIELDS.some((f) => fieldCrypto.needsSealing(r[f])));
    await db.transaction().execute(async (trx) => {
      for (const row of due) {
        const email = row.email.startsWith('enc1:') ? fieldCrypto.decrypt(row.email) : row.email;
        const normalized = normalizeEmail(email);
        await trx
          .updateTable('contacts')
          .set({
            email: fieldCrypto.encrypt(email),
            email_index: fieldCrypto.emailIndex(normalized.ok ? normalized.email : email),
            name: fieldCrypto.reseal(row.name),
            phone: fieldCrypto.reseal(row.phone),
            job_title: fieldCrypto.reseal(row.job_title),
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

/** Returns the number of messages rewritten. */
export async function encryptMessages(db: Kysely<Database>, fieldCrypto: FieldCrypto, options: SealOptions = {}): Promise<number> {
  const batchSize = options.batchSize ?? 500;
  let cursor = '';
  let rewritten = 0;
  for (;;) {
    let page = db.selectFrom('messages').select(['id', 'data', 'subject']).where('id', '>', cursor).orderBy('id').limit(batchSize);
    if (options.onlyUnsealed) {
      page = page.where((eb) =>
        eb.or([
          eb.and([eb('data', 'is not', null), eb('data', 'not like', 'enc1:%')]),
          eb.and([eb('subject', 'is not', null), eb('subject', 'not like', 'enc1:%')]),
        ]),
      );
    }
    const rows = await page.execute();
    if (!rows.length) break;
    cursor = rows.at(-1)!.id;
    const due = rows.filter((r) => fieldCrypto.needsSealing(r.data) || fieldCrypto.needsSealing(r.subject));
    await db.transaction().execute(async (trx) => {
      for (const row of due) {
        await trx
          .updateTable('messages')
          .set({ data: fieldCrypto.reseal(row.data), subject: fieldCrypto.reseal(row.subject) })
          .where('id', '=', row.id)
          .execute();
      }
    });
    rewritten += due.length;
  }
  return rewritten;
}
