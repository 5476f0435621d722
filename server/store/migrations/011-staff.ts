import type { Kysely, Migration } from 'kysely';

export function staff(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      // The MSP's own people: a role as API keys have, an address sealed and found by its blind index.
      await db.schema
        .createTable('staff_users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('email_index', 'text', (c) => c.notNull().unique())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('disabled_at', 'text')
        .execute();
      // Passkeys (WebAuthn credentials): only public keys are stored.
      await db.schema
        .createTable('staff_passkeys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('staff_id', 'text', (c) => c.notNull().references('staff_users.id').onDelete('cascade'))
        .addColumn('public_key', 'text', (c) => c.notNull())
        .addColumn('counter', 'integer', (c) => c.notNull())
        .addColumn('transports', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_used_at', 'text')
        .execute();
      await db.schema.createIndex('staff_passkeys_staff').on('staff_passkeys').columns(['staff_id']).execute();
      // One-time enrolment links, by hash; and WebAuthn challenges, single use, minutes long.
      await db.schema
        .createTable('staff_enrolments')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('staff_id', 'text', (c) => c.notNull().references('staff_users.id').onDelete('cascade'))
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('used_at', 'text')
        .execute();
      await db.schema
        .createTable('staff_challenges')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('challenge', 'text', (c) => c.notNull())
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('staff_id', 'text')
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
      // Console sessions, by hash of the cookie's value.
      await db.schema
        .createTable('staff_sessions')
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('staff_id', 'text', (c) => c.notNull().references('staff_users.id').onDelete('cascade'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_seen_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text')
        .execute();
      await db.schema.createIndex('staff_sessions_staff').on('staff_sessions').columns(['staff_id']).execute();
    },
  };
}
