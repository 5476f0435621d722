import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../dialect.js';

export function events(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      // What happened, written in the same transaction as the change that caused it (an outbox),
      // and only while an enabled endpoint wants it. `seq` orders an endpoint's events; `data` holds
      // nothing personal; `email` is a copy of the contact's sealed address, sent only to an endpoint
      // allowed to receive it.
      await db.schema
        .createTable('events')
        .addColumn('seq', dialect === 'postgres' ? 'bigserial' : 'integer', (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('occurred_at', 'text', (c) => c.notNull())
        .addColumn('organization_id', 'text')
        .addColumn('contact_id', 'text')
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('email', 'text')
        .execute();
      await db.schema.createIndex('events_contact').on('events').columns(['contact_id']).execute();
      // One row per event and endpoint that wants it: its delivery's state and last attempt.
      await db.schema
        .createTable('event_deliveries')
        .addColumn('endpoint_id', 'text', (c) => c.notNull().references('webhook_endpoints.id').onDelete('cascade'))
        .addColumn('event_seq', dialect === 'postgres' ? 'bigint' : 'integer', (c) => c.notNull().references('events.seq').onDelete('cascade'))
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'text', (c) => c.notNull())
        .addColumn('last_attempt_at', 'text')
        .addColumn('last_status_code', 'integer')
        .addColumn('last_error', 'text')
        .addColumn('last_latency_ms', 'integer')
        .addColumn('delivered_at', 'text')
        .addPrimaryKeyConstraint('event_deliveries_pk', ['endpoint_id', 'event_seq'])
        .execute();
      await db.schema.createIndex('event_deliveries_due').on('event_deliveries').columns(['status', 'next_attempt_at']).execute();
      await db.schema.createIndex('event_deliveries_event').on('event_deliveries').columns(['event_seq']).execute();
      // One dispatcher at a time serves an endpoint (its events go in order); `lease_until` stays
      // as when it was last served, so the least recently served goes first. `failing_since`: the
      // first failure of the current run of failures (3 days of them disable the endpoint).
      await db.schema.alterTable('webhook_endpoints').addColumn('lease_owner', 'text').execute();
      await db.schema.alterTable('webhook_endpoints').addColumn('lease_until', 'text').execute();
      await db.schema.alterTable('webhook_endpoints').addColumn('failing_since', 'text').execute();
    },
  };
}
