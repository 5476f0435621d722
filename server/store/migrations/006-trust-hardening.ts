import { sql, type Kysely, type Migration } from 'kysely';

export function trustHardening(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      // Codes and links are never stored: rows queued before that held them in clear.
      await sql`UPDATE messages SET data = NULL WHERE template IN ('sign-in-code', 'preferences-link')`.execute(db);
      // What an audited call changed, in words that hold no personal data ("email changed").
      await db.schema.alterTable('audit_log').addColumn('detail', 'text').execute();
      // Rate limits that several servers share (PostgreSQL); expired rows go with the retention job.
      await db.schema
        .createTable('rate_limits')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('hits', 'integer', (c) => c.notNull())
        .addColumn('reset_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('rate_limits_reset').on('rate_limits').column('reset_at').execute();
      // Wrong codes are counted per address across codes, not per code.
      await db.schema
        .createTable('sign_in_failures')
        .addColumn('address_key', 'text', (c) => c.primaryKey())
        .addColumn('failures', 'integer', (c) => c.notNull())
        .addColumn('window_start', 'text', (c) => c.notNull())
        .addColumn('locked_until', 'text')
        .execute();
      await db.schema.alterTable('sign_in_codes').dropColumn('attempts').execute();
    },
  };
}
