import type { Kysely, Migration } from 'kysely';

/** Expired claims are looked up on their own (see Outbox.claim), by this index. */
export function leaseIndex(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.createIndex('messages_lease').on('messages').columns(['status', 'lease_until']).execute();
    },
  };
}
