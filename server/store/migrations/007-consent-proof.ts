import { sql, type Kysely, type Migration } from 'kysely';

export function consentProof(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      // The relationship's last activity (CASL s. 10(10)): a purchase or a contract, the creation until told otherwise.
      await db.schema.alterTable('organizations').addColumn('last_purchase_at', 'text').execute();
      await sql`UPDATE organizations SET last_purchase_at = created_at`.execute(db);

      // What each category rests on; rows from before are given their category's default basis at start.
      for (const column of ['basis', 'basis_since', 'expires_at', 'renewed_at', 'renewed_by', 'lapsed_at', 'reconfirm_sent_at']) {
        await db.schema.alterTable('consents').addColumn(column, 'text').execute();
      }
      await db.schema.createIndex('consents_expiry').on('consents').columns(['expires_at']).execute();

      for (const column of ['basis', 'basis_since', 'wording_version', 'wording_locale']) {
        await db.schema.alterTable('consent_history').addColumn(column, 'text').execute();
      }

      // What each sent message relied on and carried, for the evidence pack.
      await db.schema.alterTable('messages').addColumn('basis', 'text').execute();
      await db.schema.alterTable('messages').addColumn('sender_identity', 'text').execute();
      await db.schema
        .createTable('sender_identities')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('identity', 'text', (c) => c.notNull())
        .addColumn('first_used_at', 'text', (c) => c.notNull())
        .execute();

      // Double opt-in and reconfirmation requests: what was asked, when, and when it was confirmed.
      await db.schema
        .createTable('consent_requests')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('categories', 'text', (c) => c.notNull())
        .addColumn('requested_via', 'text', (c) => c.notNull())
        .addColumn('request_wording', 'text')
        .addColumn('wording_version', 'text', (c) => c.notNull())
        .addColumn('lapses_at', 'text')
        .addColumn('requested_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('confirmed_at', 'text')
        .addColumn('confirmed_locale', 'text')
        .execute();
      await db.schema.createIndex('consent_requests_contact').on('consent_requests').columns(['contact_id']).execute();
    },
  };
}
