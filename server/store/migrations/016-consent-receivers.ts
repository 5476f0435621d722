import { sql, type Kysely, type Migration } from 'kysely';
import type { Dialect } from '../dialect.js';

export function consentReceivers(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      // Each consent row names its contact's organization (contacts never move), so "does anyone
      // else there still receive this category?" is one probe of a small index, not a walk
      // through the organization's contacts.
      await db.schema.alterTable('consents').addColumn('organization_id', 'text').execute();
      await sql`UPDATE consents SET organization_id = (SELECT c.organization_id FROM contacts c WHERE c.id = consents.contact_id)`.execute(db);
      // The code names it; a server still running the previous release (a rolling start) does not,
      // so the store fills it in for a row that comes without it.
      if (dialect === 'postgres') {
        await sql`CREATE FUNCTION consents_organization() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN NEW.organization_id := (SELECT c.organization_id FROM contacts c WHERE c.id = NEW.contact_id); RETURN NEW; END $$`.execute(db);
        await sql`CREATE TRIGGER consents_organization BEFORE INSERT ON consents
          FOR EACH ROW WHEN (NEW.organization_id IS NULL) EXECUTE FUNCTION consents_organization()`.execute(db);
        await sql`ALTER TABLE consents ALTER COLUMN organization_id SET NOT NULL`.execute(db);
      } else {
        await sql`CREATE TRIGGER consents_organization AFTER INSERT ON consents WHEN NEW.organization_id IS NULL
          BEGIN UPDATE consents SET organization_id = (SELECT c.organization_id FROM contacts c WHERE c.id = NEW.contact_id) WHERE rowid = NEW.rowid; END`.execute(db);
      }
      await sql`CREATE INDEX consents_receivers ON consents (organization_id, category, contact_id) WHERE subscribed = 1`.execute(db);
      // Only consent that can lapse is looked up by when it lapses: an opt-out then takes its row
      // out of this index rather than moving it among every row that never lapses.
      await sql`DROP INDEX consents_expiry`.execute(db);
      await sql`CREATE INDEX consents_expiry ON consents (expires_at) WHERE expires_at IS NOT NULL`.execute(db);
    },
  };
}
