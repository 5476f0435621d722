import type { Kysely, Migration } from 'kysely';

export function deliveryFeedback(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      // Bounces and complaints that come back after sending (a DSN, an ARF report, a relay's
      // event), each once: `event_key` is the report's own identity. The category and organization
      // are copied so the counts outlive an erasure; the diagnostic is kept without addresses.
      await db.schema
        .createTable('delivery_feedback')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('event_key', 'text', (c) => c.notNull().unique())
        .addColumn('message_id', 'text', (c) => c.notNull().references('messages.id').onDelete('cascade'))
        .addColumn('contact_id', 'text', (c) => c.references('contacts.id').onDelete('set null'))
        .addColumn('organization_id', 'text')
        .addColumn('category', 'text')
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('status_code', 'text')
        .addColumn('diagnostic', 'text')
        .addColumn('occurred_at', 'text', (c) => c.notNull())
        .addColumn('received_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('delivery_feedback_message').on('delivery_feedback').columns(['message_id']).execute();
      await db.schema.createIndex('delivery_feedback_contact').on('delivery_feedback').columns(['contact_id', 'kind', 'occurred_at']).execute();
      await db.schema.createIndex('delivery_feedback_received').on('delivery_feedback').columns(['received_at']).execute();
      // A suppression for a while (soft bounces): null is for good.
      await db.schema.alterTable('suppressions').addColumn('expires_at', 'text').execute();
    },
  };
}
