import type { Kysely, Migration } from 'kysely';

export function webhookEndpoints(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      // Where events go out: the MSP's PSA, CRM or SIEM. The signing secret is sealed under
      // DATA_KEY; the previous one stays valid for an overlap after a rotation. An organization's
      // endpoint goes with the organization (set null would widen it to every organization).
      await db.schema
        .createTable('webhook_endpoints')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('event_types', 'text', (c) => c.notNull())
        .addColumn('organization_id', 'text', (c) => c.references('organizations.id').onDelete('cascade'))
        .addColumn('include_email', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('previous_secret', 'text')
        .addColumn('previous_secret_until', 'text')
        .addColumn('secret_rotated_at', 'text')
        .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('disabled_reason', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
    },
  };
}
