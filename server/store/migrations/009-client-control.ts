import type { Kysely, Migration } from 'kysely';

export function clientControl(): Migration {
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
      // Advisories of which severity a contact receives (null: all), on the advisory category's row.
      await db.schema.alterTable('consents').addColumn('advisory_threshold', 'text').execute();
      await db.schema.alterTable('consent_history').addColumn('advisory_threshold', 'text').execute();
      // Ticket updates at once, or in one email a day at 08:00 in the organization's time zone.
      await db.schema.alterTable('organizations').addColumn('time_zone', 'text').execute();
      await db.schema.alterTable('consents').addColumn('ticket_delivery', 'text').execute();
      await db.schema.alterTable('consent_history').addColumn('ticket_delivery', 'text').execute();
      await db.schema
        .createTable('digest_items')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
        .addColumn('ticket_id', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('due_at', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('digest_items_due').on('digest_items').columns(['due_at']).execute();
      // A person's "stop updates about this ticket", until they unmute it or the ticket is reopened.
      await db.schema
        .createTable('muted_tickets')
        .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
        .addColumn('ticket_id', 'text', (c) => c.notNull())
        .addColumn('muted_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('muted_tickets_pk', ['contact_id', 'ticket_id'])
        .execute();
    },
  };
}
