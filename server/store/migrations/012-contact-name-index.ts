import type { Kysely, Migration } from 'kysely';

export function contactNameIndex(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      // A blind index of contacts' names: one keyed hash per word of the normalized name, never the
      // name itself. Filled by the contacts module (and, for contacts made before it, at start:
      // the hashing key is not available to migrations). Goes with the contact.
      await db.schema
        .createTable('contact_name_tokens')
        .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
        .addColumn('token_index', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('contact_name_tokens_pk', ['contact_id', 'token_index'])
        .execute();
      await db.schema.createIndex('contact_name_tokens_token').on('contact_name_tokens').columns(['token_index']).execute();
    },
  };
}
