import { sql, type Kysely, type Migration } from 'kysely';

interface LegacyAdvisory {
  id: string;
  title: string;
  severity: string;
  summary: string;
  body: string;
  organization_ids: string | null;
  status: string;
  cursor: string | null;
  queued: number;
  suppressed: number;
  created_at: string;
}

export function fanOuts(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      // Advisories and service alerts, each revision and each escalation reminder one row; an
      // advisory of before keeps its id, which its messages name.
      await db.schema
        .createTable('fan_outs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('external_id', 'text', (c) => c.notNull())
        .addColumn('revision', 'integer', (c) => c.notNull())
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('root_id', 'text', (c) => c.notNull())
        .addColumn('severity', 'text')
        .addColumn('content', 'text', (c) => c.notNull())
        .addColumn('organization_ids', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('cursor', 'text')
        .addColumn('queued', 'integer', (c) => c.notNull())
        .addColumn('suppressed', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('fan_outs_revision')
        .unique()
        .on('fan_outs')
        .columns(['kind', 'external_id', 'revision'])
        .where(sql.ref('purpose'), '<>', 'reminder')
        .execute();
      await db.schema.createIndex('fan_outs_expanding').on('fan_outs').columns(['status', 'created_at']).execute();
      await db.schema.createIndex('fan_outs_root').on('fan_outs').columns(['root_id']).execute();

      const legacy = (await sql<LegacyAdvisory>`select * from advisories`.execute(db)).rows;
      for (const a of legacy) {
        await sql`insert into fan_outs (id, kind, external_id, revision, purpose, root_id, severity, content, organization_ids, status, cursor, queued, suppressed, created_at)
          values (${a.id}, 'security-advisory', ${a.id}, 1, 'original', ${a.id}, ${a.severity}, ${JSON.stringify({ title: { en: a.title }, summary: { en: a.summary }, body: { en: a.body } })},
                  ${a.organization_ids}, ${a.status}, ${a.cursor}, ${a.queued}, ${a.suppressed}, ${a.created_at})`.execute(db);
      }
      await db.schema.dropTable('advisories').execute();
      await db.schema.alterTable('messages').renameColumn('advisory_id', 'fan_out_id').execute();

      // Per organization, the first person to say they read an advisory, or applied its fix.
      await db.schema
        .createTable('advisory_acknowledgments')
        .addColumn('fan_out_id', 'text', (c) => c.notNull())
        .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('contact_id', 'text', (c) => c.references('contacts.id').onDelete('set null'))
        .addColumn('at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('advisory_acknowledgments_pk', ['fan_out_id', 'organization_id', 'action'])
        .execute();
      await db.schema.createIndex('advisory_acknowledgments_contact').on('advisory_acknowledgments').columns(['contact_id']).execute();

      // A critical advisory nobody at an organization acknowledged in time: its one reminder.
      await db.schema
        .createTable('advisory_escalations')
        .addColumn('fan_out_id', 'text', (c) => c.notNull())
        .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
        .addColumn('reminder_id', 'text', (c) => c.notNull())
        .addColumn('escalated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('advisory_escalations_pk', ['fan_out_id', 'organization_id'])
        .execute();
    },
  };
}
