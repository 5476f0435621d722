import type { Kysely, Migration } from 'kysely';

export function staffSso(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      // Single sign-on logins under way: keyed by the hash of a value in the browser's cookie, each
      // used once; the PKCE verifier sealed, and the member once the IdP has named them.
      await db.schema
        .createTable('staff_sso_logins')
        .addColumn('binding_hash', 'text', (c) => c.primaryKey())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('nonce', 'text', (c) => c.notNull())
        .addColumn('code_verifier', 'text', (c) => c.notNull())
        .addColumn('stage', 'text', (c) => c.notNull())
        .addColumn('staff_id', 'text', (c) => c.references('staff_users.id').onDelete('cascade'))
        .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('staff_sso_logins_expiry').on('staff_sso_logins').columns(['expires_at']).execute();
    },
  };
}
