import type { Transaction } from 'kysely';
import type { Database } from './schema.js';

/**
 * Deletes the rows of an append-only table older than `before`. Its triggers refuse any other
 * delete: the retention floor is raised for this statement only, in the caller's transaction.
 */
export async function deleteOlderThan(trx: Transaction<Database>, table: 'consent_history' | 'audit_log', before: string): Promise<number> {
  await trx.updateTable('retention_floor').set({ before }).where('name', '=', table).execute();
  const deleted = await trx.deleteFrom(table).where('at', '<', before).executeTakeFirst();
  await trx.updateTable('retention_floor').set({ before: '0000' }).where('name', '=', table).execute();
  return Number(deleted.numDeletedRows);
}
