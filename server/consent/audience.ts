import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import { SEVERITIES, type AdvisoryThreshold, type CategoryInfo, type Severity } from '../../contract/index.js';

type Db = Kysely<Database> | Transaction<Database>;

/** The advisory thresholds that let an advisory of `severity` through (`all` is stored as null). */
export function thresholdsLetting(severity: Severity): AdvisoryThreshold[] {
  return (['high', 'critical'] as const).filter((t) => SEVERITIES.indexOf(severity) >= SEVERITIES.indexOf(t));
}

/**
 * Contacts of some organizations (all when `organizationIds` is null) with whether each receives
 * a category's mail (of `severity`, for advisories: each contact's threshold applies).
 */
export function audienceQuery(db: Db, category: CategoryInfo, organizationIds: string[] | null, severity?: Severity) {
  const fallback = category.subscribedByDefault ? 1 : 0;
  // On when required, locked on by the contact's organization, or by the contact's own consent
  // (a category added after the contact: the organization's default, else its own).
  const on = category.required ? sql<number>`1` : sql<number>`case when op.locked = 1 then 1 else coalesce(cs.subscribed, op.default_subscribed, ${fallback}) end`;
  const letting = severity ? thresholdsLetting(severity) : [];
  const threshold = letting.length
    ? sql<number>`case when cs.advisory_threshold is null or cs.advisory_threshold in (${sql.join(letting)}) then 1 else 0 end`
    : sql<number>`case when cs.advisory_threshold is null then 1 else 0 end`;
  const subscribed = severity ? sql<number>`(${on}) * (${threshold})` : on;
  let query = db
    .selectFrom('contacts as c')
    .leftJoin('consents as cs', (join) => join.onRef('cs.contact_id', '=', 'c.id').on('cs.category', '=', category.key))
    .leftJoin('organization_policies as op', (join) => join.onRef('op.organization_id', '=', 'c.organization_id').on('op.category', '=', category.key));
  if (organizationIds) query = query.where('c.organization_id', 'in', organizationIds);
  return { query, subscribed, on };
}

export async function countAudience(db: Db, category: CategoryInfo, organizationIds: string[] | null, severity?: Severity) {
  const { query, subscribed } = audienceQuery(db, category, organizationIds, severity);
  const row = await query
    .select([sql<string>`count(*)`.as('total'), sql<string>`coalesce(sum(${subscribed}), 0)`.as('subscribed')])
    .executeTakeFirstOrThrow();
  const total = Number(row.total);
  const yes = Number(row.subscribed);
  return { subscribed: yes, notSubscribed: total - yes };
}

/** Whether anyone at the organizations receives the category: stops at the first one (an opt-out's check). */
export async function anyoneReceives(db: Db, category: CategoryInfo, organizationIds: string[]): Promise<boolean> {
  const { query, subscribed } = audienceQuery(db, category, organizationIds);
  const row = await query.select('c.id').where(subscribed, '=', 1).limit(1).executeTakeFirst();
  return row !== undefined;
}

/**
 * A quick yes: someone at the contact's organization has the category on in their own consent.
 * (No answer is not a no: a lock or a default may still cover it; the full check decides then.)
 */
export async function someColleagueSubscribed(db: Db, category: string, contactId: string): Promise<boolean> {
  // One probe of the consents_receivers index (organization, category, contact; own consent on),
  // in its order so that no store prefers to scan the table.
  const row = await db
    .selectFrom('consents as cs')
    .select('cs.contact_id')
    .where('cs.organization_id', '=', (eb) => eb.selectFrom('contacts as me').select('me.organization_id').where('me.id', '=', contactId))
    .where('cs.category', '=', category)
    .where('cs.subscribed', '=', 1)
    .orderBy('cs.contact_id')
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
