import { sql, type Kysely, type Migration } from 'kysely';
import type { Dialect } from '../dialect.js';

/** Encryption at rest, erasure records, the audit log, and retention that append-only tables allow. */
export function privacy(dialect: Dialect): Migration {
  const autoId = (table: ReturnType<Kysely<unknown>['schema']['createTable']>) =>
    dialect === 'postgres'
      ? table.addColumn('id', 'bigserial', (c) => c.primaryKey())
      : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('crypto_keys')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('wrapped', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      // The blind index of the address; `email`, `name`, `phone` and `job_title` hold ciphertext.
      // Rows written before this migration are encrypted at the next start (server/privacy/encrypt-contacts.ts).
      await db.schema.alterTable('contacts').addColumn('email_index', 'text').execute();
      await db.schema.createIndex('contacts_email_index').unique().on('contacts').column('email_index').execute();

      // Which opaque contact id an erased address had, by keyed hash only: the consent history,
      // kept as proof of consent, can still be matched to an address someone presents.
      await db.schema
        .createTable('erasures')
        .addColumn('contact_id', 'text', (c) => c.primaryKey())
        .addColumn('address_hash', 'text', (c) => c.notNull())
        .addColumn('erased_at', 'text', (c) => c.notNull())
        .addColumn('requested_by', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('erasures_address').on('erasures').column('address_hash').execute();

      await autoId(db.schema.createTable('audit_log'))
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('key_id', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target', 'text')
        .addColumn('outcome', 'integer', (c) => c.notNull())
        .addColumn('request_id', 'text')
        .execute();

      // Append-only tables accept a DELETE only of rows older than their retention floor, which
      // only the retention job moves; an UPDATE never.
      await db.schema
        .createTable('retention_floor')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('before', 'text', (c) => c.notNull())
        .execute();
      await sql`INSERT INTO retention_floor (name, before) VALUES ('consent_history', '0000'), ('audit_log', '0000')`.execute(db);

      if (dialect === 'postgres') {
        await sql`DROP TRIGGER consent_history_append_only ON consent_history`.execute(db);
        await sql`DROP FUNCTION consent_history_append_only()`.execute(db);
        await sql`CREATE FUNCTION append_only_guard() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN
            IF TG_OP = 'DELETE' AND OLD.at < (SELECT before FROM retention_floor WHERE name = TG_TABLE_NAME) THEN
              RETURN OLD;
            END IF;
            RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
          END $$`.execute(db);
        for (const table of ['consent_history', 'audit_log']) {
          await sql
            .raw(`CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION append_only_guard()`)
            .execute(db);
        }
      } else {
        await sql`DROP TRIGGER consent_history_no_delete`.execute(db);
        for (const table of ['consent_history', 'audit_log']) {
          if (table === 'audit_log') {
            await sql
              .raw(`CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`)
              .execute(db);
          }
          await sql
            .raw(
              `CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table}
               WHEN OLD.at >= (SELECT before FROM retention_floor WHERE name = '${table}')
               BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END`,
            )
            .execute(db);
        }
      }
    },
  };
}
