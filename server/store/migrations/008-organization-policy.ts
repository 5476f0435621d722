import { sql, type Kysely, type Migration } from 'kysely';

export function organizationPolicy(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      // Per organization and category: a default for contacts who never chose, and a lock.
      await db.schema
        .createTable('organization_policies')
        .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
        .addColumn('category', 'text', (c) => c.notNull())
        .addColumn('default_subscribed', 'integer')
        .addColumn('locked', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('organization_policies_pk', ['organization_id', 'category'])
        .execute();
      // Whether someone chose this category for the contact (a person, an admin, an import's cell),
      // rather than a default: an organization's default applies only to those who never chose.
      await db.schema.alterTable('consents').addColumn('chosen', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      await sql`UPDATE consents SET chosen = 1 WHERE EXISTS (
        SELECT 1 FROM consent_history h
        WHERE h.contact_id = consents.contact_id AND h.category = consents.category AND h.source NOT IN ('default', 'import', 'expiry')
      )`.execute(db);
      // The client's own organization lead: sees its staff and sets its defaults and locks.
      await db.schema.alterTable('contacts').addColumn('org_lead', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    },
  };
}
