import type { Kysely, Migration } from 'kysely';

export function coverage(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      // An organization left with nobody receiving a category its contract needs, until someone does again.
      await db.schema
        .createTable('coverage_losses')
        .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
        .addColumn('category', 'text', (c) => c.notNull())
        .addColumn('lost_at', 'text', (c) => c.notNull())
        .addColumn('restored_at', 'text')
        .execute();
      await db.schema.createIndex('coverage_losses_open').on('coverage_losses').columns(['organization_id', 'category', 'restored_at']).execute();
    },
  };
}
