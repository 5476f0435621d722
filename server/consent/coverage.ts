import { sql, type Kysely, type Transaction } from 'kysely';
import type { AuditEntry, Coverage, CoverageOverview } from '../../contract/index.js';
import type { Database } from '../store/schema.js';
import type { Outbox } from '../outbox/outbox.js';
import { isUuid } from '../store/ids.js';
import { notFound } from '../errors.js';
import { anyoneReceives, audienceQuery, countAudience, someColleagueSubscribed } from './audience.js';
import type { Categories } from './categories.js';
import type { EventLog } from '../events/event-log.js';

type Db = Kysely<Database> | Transaction<Database>;

/** The categories an MSP's contract needs someone at each client to receive. */
export const COVERED_CATEGORIES = ['invoices', 'service-alerts', 'security-advisories'] as const;

export interface CoverageGuardDeps {
  db: Kysely<Database>;
  categories: Categories;
  outbox: Outbox;
  /** An audit entry, written in the same transaction as the change. */
  audit: (entry: Omit<AuditEntry, 'id' | 'at'>, trx: Transaction<Database>) => Promise<void>;
  events: EventLog;
}

/**
 * Watches every consent change for the moment an organization is left with nobody receiving
 * its invoices, service alerts or security advisories. The opt-out always takes effect (it is
 * the person's choice); the loss is recorded, audited, and the organization's lead is emailed
 * once, in the same transaction. Someone receiving the category again closes it.
 */
export class CoverageGuard {
  constructor(private readonly deps: CoverageGuardDeps) {}

  private covered(): string[] {
    return COVERED_CATEGORIES.filter((key) => this.deps.categories.has(key) && !this.deps.categories.get(key)!.required);
  }

  /** Called after a contact's categories changed (ConsentRecords' listener). */
  async afterChange(trx: Transaction<Database>, contactId: string, changed: { category: string; subscribed: boolean }[], at: string): Promise<void> {
    const watched = changed.filter((c) => this.covered().includes(c.category));
    if (!watched.length) return;
    // An opt-out whose organization still has someone receiving the category (the usual case) costs one query.
    if (watched.every((c) => !c.subscribed)) {
      let covered = true;
      for (const c of watched) covered &&= await someColleagueSubscribed(trx, c.category, contactId);
      if (covered) return;
    }
    const contact = await trx.selectFrom('contacts').select('organization_id').where('id', '=', contactId).executeTakeFirst();
    if (contact) await this.afterOrganizationChange(trx, contact.organization_id, watched, at);
  }

  /** The same, for an organization whose contact is already gone (an erasure). */
  async afterOrganizationChange(trx: Transaction<Database>, organizationId: string, changed: { category: string; subscribed: boolean }[], at: string): Promise<void> {
    const watched = changed.filter((c) => this.covered().includes(c.category));
    for (const { category, subscribed } of watched) {
      if (subscribed) {
        await this.openLosses(trx, organizationId, category).set({ restored_at: at }).execute();
        continue;
      }
      if (await anyoneReceives(trx, this.deps.categories.get(category)!, [organizationId])) continue;
      const open = await trx
        .selectFrom('coverage_losses')
        .select('lost_at')
        .where('organization_id', '=', organizationId)
        .where('category', '=', category)
        .where('restored_at', 'is', null)
        .executeTakeFirst();
      if (open) continue;
      await trx.insertInto('coverage_losses').values({ organization_id: organizationId, category, lost_at: at, restored_at: null }).execute();
      await this.deps.events.aboutOrganization(trx, 'coverage.lost', organizationId, at, { category });
      await this.deps.audit(
        { keyId: null, action: 'coverage lost', target: organizationId, outcome: 200, requestId: null, detail: `nobody at the organization receives ${category} any more` },
        trx,
      );
      await this.tellLeads(trx, organizationId, category);
    }
  }

  private openLosses(trx: Transaction<Database>, organizationId: string, category: string) {
    return trx.updateTable('coverage_losses').where('organization_id', '=', organizationId).where('category', '=', category).where('restored_at', 'is', null);
  }

  private async tellLeads(trx: Transaction<Database>, organizationId: string, category: string): Promise<void> {
    const organization = await trx.selectFrom('organizations').select('name').where('id', '=', organizationId).executeTakeFirst();
    const leads = await trx.selectFrom('contacts').select('id').where('organization_id', '=', organizationId).where('org_lead', '=', 1).execute();
    const label = this.deps.categories.get(category)!.label;
    for (const lead of leads) {
      await this.deps.outbox.enqueue(
        { contactId: lead.id, category: null, template: 'coverage-lost', data: { organizationName: organization?.name ?? '', categoryLabel: label }, status: 'queued' },
        trx,
      );
    }
  }

  /** Every organization's contacts and receivers per covered category, in one grouped query per category (not one call per organization). */
  async overview(db: Db = this.deps.db): Promise<CoverageOverview> {
    const organizations = await db.selectFrom('organizations').select('id').orderBy('name').orderBy('id').limit(10_000).execute();
    const receivers = new Map<string, number>();
    const covered = this.covered();
    for (const key of covered) {
      const { query, subscribed } = audienceQuery(db, this.deps.categories.get(key)!, null);
      const rows = await query
        .select(['c.organization_id', sql<string>`coalesce(sum(${subscribed}), 0)`.as('subscribed')])
        .groupBy('c.organization_id')
        .execute();
      for (const row of rows) receivers.set(`${row.organization_id} ${key}`, Number(row.subscribed));
    }
    const headcounts = await db.selectFrom('contacts').select(['organization_id', sql<string>`count(*)`.as('n')]).groupBy('organization_id').execute();
    const contacts = new Map(headcounts.map((row) => [row.organization_id, Number(row.n)]));
    const open = await db.selectFrom('coverage_losses').select(['organization_id', sql<string>`count(*)`.as('n')]).where('restored_at', 'is', null).groupBy('organization_id').execute();
    const openLosses = new Map(open.map((row) => [row.organization_id, Number(row.n)]));
    return {
      items: organizations.map(({ id }) => {
        const categories = covered.map((key) => {
          const count = receivers.get(`${id} ${key}`) ?? 0;
          return { category: key, receivers: count, covered: count > 0 };
        });
        return { organizationId: id, contacts: contacts.get(id) ?? 0, categories, openLosses: openLosses.get(id) ?? 0 };
      }),
    };
  }

  /** Who at an organization receives each covered category now, and every loss still open or closed. */
  async of(organizationId: string, db: Db = this.deps.db): Promise<Coverage> {
    const organization = isUuid(organizationId) ? await db.selectFrom('organizations').select('id').where('id', '=', organizationId).executeTakeFirst() : undefined;
    if (!organization) throw notFound('organization');
    const categories = [];
    for (const key of this.covered()) {
      const counts = await countAudience(db, this.deps.categories.get(key)!, [organizationId]);
      categories.push({ category: key, receivers: counts.subscribed, covered: counts.subscribed > 0 });
    }
    const losses = await db
      .selectFrom('coverage_losses')
      .select(['category', 'lost_at', 'restored_at'])
      .where('organization_id', '=', organizationId)
      .orderBy('lost_at', 'desc')
      .execute();
    return { organizationId, categories, losses: losses.map((l) => ({ category: l.category, lostAt: l.lost_at, restoredAt: l.restored_at })) };
  }
}
