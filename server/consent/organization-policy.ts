import type { Kysely, Transaction } from 'kysely';
import type { OrganizationPolicy } from '../../contract/index.js';
import type { Database } from '../store/schema.js';
import { invalid, notFound } from '../errors.js';
import { isUuid } from '../store/ids.js';
import type { Categories } from './categories.js';
import type { ChangeOrigin, ConsentRecords, ConsentState } from './consent.js';

/** What an organization may say of one category for its staff; `default: null` goes back to the category's own. */
export interface PolicyChange {
  default?: boolean | null;
  locked?: boolean;
}

/**
 * An organization's say over what its staff receive: a default per optional category for contacts
 * who never chose, and locks. A locked category is on for every contact of the organization and
 * nobody may turn it off; lifting the lock gives each person back their own choice. Only
 * operational categories: express consent (marketing) is always the person's own under CASL, so
 * it is never locked nor turned on by default. Every change of what someone receives is in the
 * consent history with source `organization-policy`.
 */
export class OrganizationPolicies {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly consent: ConsentRecords,
    private readonly categories: Categories,
  ) {}

  async get(organizationId: string, db: Kysely<Database> | Transaction<Database> = this.db): Promise<OrganizationPolicy> {
    const organization = isUuid(organizationId) ? await db.selectFrom('organizations').select('id').where('id', '=', organizationId).executeTakeFirst() : undefined;
    if (!organization) throw notFound('organization');
    const rows = await db.selectFrom('organization_policies').selectAll().where('organization_id', '=', organizationId).execute();
    const byKey = new Map(rows.map((r) => [r.category, r]));
    return Object.fromEntries(
      this.categories.list
        .filter((c) => !c.required)
        .map((c) => {
          const row = byKey.get(c.key);
          return [c.key, { default: row?.default_subscribed == null ? null : row.default_subscribed === 1, locked: row?.locked === 1 }];
        }),
    );
  }

  /** Applies the changes in one transaction; returns the policy and how many contacts' mail changed. */
  async set(organizationId: string, changes: Record<string, PolicyChange>, origin: ChangeOrigin): Promise<{ policy: OrganizationPolicy; changed: number }> {
    this.check(changes);
    await this.get(organizationId);
    return this.db.transaction().execute(async (trx) => {
      const contactIds = (await trx.selectFrom('contacts').select('id').where('organization_id', '=', organizationId).orderBy('id').execute()).map((r) => r.id);
      const before = await this.consent.statesOf(trx, contactIds, { lock: true });
      for (const [category, change] of Object.entries(changes)) {
        const current = (await this.get(organizationId, trx))[category]!;
        const next = { default: change.default === undefined ? current.default : change.default, locked: change.locked ?? current.locked };
        await trx
          .insertInto('organization_policies')
          .values({ organization_id: organizationId, category, default_subscribed: next.default === null ? null : next.default ? 1 : 0, locked: next.locked ? 1 : 0, updated_at: origin.at })
          .onConflict((oc) =>
            oc.columns(['organization_id', 'category']).doUpdateSet({ default_subscribed: next.default === null ? null : next.default ? 1 : 0, locked: next.locked ? 1 : 0, updated_at: origin.at }),
          )
          .execute();
      }
      // A default applies to those who never chose: their own row follows it (with its basis and expiry).
      const defaults = Object.entries(changes).filter(([, c]) => c.default !== undefined && c.default !== null) as [string, { default: boolean }][];
      let changed = 0;
      if (defaults.length) {
        const unchosen = await trx
          .selectFrom('consents')
          .select(['contact_id', 'category'])
          .where('contact_id', 'in', contactIds.length ? contactIds : [''])
          .where('category', 'in', defaults.map(([key]) => key))
          .where('chosen', '=', 0)
          .execute();
        for (const row of unchosen) {
          const value = defaults.find(([key]) => key === row.category)![1].default;
          changed += (await this.consent.change(trx, row.contact_id, { [row.category]: value }, origin)).length;
        }
      }
      // A lock set or lifted changes what people receive without changing their own choice.
      const after = await this.consent.statesOf(trx, contactIds);
      const receiving: { contactId: string; category: string; state: ConsentState }[] = [];
      for (const contactId of contactIds) {
        for (const category of Object.keys(changes).filter((key) => changes[key]!.locked !== undefined)) {
          const was = before.get(contactId)![category]!;
          const now = after.get(contactId)![category]!;
          if (was.subscribed !== now.subscribed && was.locked !== now.locked) receiving.push({ contactId, category, state: now });
        }
      }
      await this.consent.recordReceiving(trx, receiving, origin);
      return { policy: await this.get(organizationId, trx), changed: changed + receiving.length };
    });
  }

  private check(changes: Record<string, PolicyChange>): void {
    const errors = Object.entries(changes).flatMap(([key, change]) => {
      const category = this.categories.get(key);
      if (!category) return [{ pointer: `#/${key}`, detail: 'Unknown category.' }];
      if (category.required) return [{ pointer: `#/${key}`, detail: 'This category is required for everyone already.' }];
      if (category.basis === 'express' && change.locked) {
        return [{ pointer: `#/${key}/locked`, detail: 'Commercial mail rests on each person’s express consent (CASL): it cannot be locked.' }];
      }
      if (category.basis === 'express' && change.default === true) {
        return [{ pointer: `#/${key}/default`, detail: 'Commercial mail rests on each person’s express consent (CASL): it cannot be on by default.' }];
      }
      return [];
    });
    if (errors.length) throw invalid('Some of this policy cannot be set.', errors);
  }
}
