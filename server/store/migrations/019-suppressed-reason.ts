import type { Kysely, Migration } from 'kysely';

export function suppressedReason(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      // Why a message was not sent, as a code (MESSAGE_SUPPRESSED_REASONS) the extension can put in
      // the person's language; `last_error` keeps the English words. Null for older rows and for
      // messages that were not suppressed. A contact's messages are read newest first by the
      // existing `messages_contact` index (contact_id, created_at): no new index.
      await db.schema.alterTable('messages').addColumn('suppressed_reason', 'text').execute();
    },
  };
}
