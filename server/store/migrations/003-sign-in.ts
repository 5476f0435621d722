import type { Kysely, Migration } from 'kysely';

export function signIn(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      // One-time sign-in codes: only an HMAC of the code is kept, with its own salt. Erasing the
      // contact removes them (cascade).
      await db.schema
        .createTable('sign_in_codes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
        .addColumn('code_salt', 'text', (c) => c.notNull())
        .addColumn('code_hash', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('used_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('sign_in_codes_contact').on('sign_in_codes').columns(['contact_id', 'created_at']).execute();

      // Extension sessions: the id is the session token's jti, so a token is revoked by its row.
      await db.schema
        .createTable('sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text')
        .execute();
      await db.schema.createIndex('sessions_contact').on('sessions').columns(['contact_id']).execute();
    },
  };
}
