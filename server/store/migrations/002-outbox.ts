import type { Kysely, Migration } from 'kysely';

export function outbox(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      // One row per email to one recipient: the durable outbox and the message log at once.
      // No foreign key to the contact: the log outlives an erasure until retention removes it.
      await db.schema
        .createTable('messages')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('contact_id', 'text', (c) => c.notNull())
        .addColumn('category', 'text')
        .addColumn('template', 'text', (c) => c.notNull())
        .addColumn('data', 'text')
        .addColumn('advisory_id', 'text')
        .addColumn('api_key_id', 'text')
        .addColumn('idempotency_key', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        // What the API first answered (queued or suppressed), replayed for the same idempotency key.
        .addColumn('first_status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_error', 'text')
        .addColumn('next_attempt_at', 'text', (c) => c.notNull())
        .addColumn('lease_owner', 'text')
        .addColumn('lease_until', 'text')
        .addColumn('subject', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('sent_at', 'text')
        .execute();
      await db.schema.createIndex('messages_due').on('messages').columns(['status', 'next_attempt_at']).execute();
      await db.schema.createIndex('messages_contact').on('messages').columns(['contact_id', 'created_at']).execute();
      await db.schema.createIndex('messages_idempotency').unique().on('messages').columns(['api_key_id', 'idempotency_key']).execute();
      await db.schema.createIndex('messages_advisory_contact').unique().on('messages').columns(['advisory_id', 'contact_id']).execute();

      // An advisory is recorded once; its audience is expanded into messages a batch at a time
      // from `cursor` (the last contact id done), so a crash resumes where it stopped.
      await db.schema
        .createTable('advisories')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('severity', 'text', (c) => c.notNull())
        .addColumn('summary', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('organization_ids', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('cursor', 'text')
        .addColumn('queued', 'integer', (c) => c.notNull())
        .addColumn('suppressed', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('advisories_expanding').on('advisories').columns(['status']).execute();

      // Addresses no email may go to (hard bounces, erasures), by hash only.
      await db.schema
        .createTable('suppressions')
        .addColumn('address_hash', 'text', (c) => c.primaryKey())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
    },
  };
}
