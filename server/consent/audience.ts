import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import type { CategoryInfo } from '../../contract/index.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Contacts of some organizations (all when `organizationIds` is null) with whether each is subscribed to a category. */
export function audienceQuery(db: Db, category: CategoryInfo, organizationIds: string[] | null) {
  const fallback = category.subscribedByDefault ? 1 : 0;
  // On when required, locked on by the contact's organization, or by the contact's own consent
  // (a category added after the contact: the organization's default, else its own).
  const subscribed = category.required
    ? sql<number>`1`
    : sql<number>`case when op.locked = 1 then 1 else coalesce(cs.subscribed, op.default_subscribed, ${fallback}) end`;
  let query = db
    .selectFrom('contacts as c')
    .leftJoin('consents as cs', (join) => join.onRef('cs.contact_id', '=', 'c.id').on('cs.category', '=', category.key))
    .leftJoin('organization_policies as op', (join) => join.onRef('op.organization_id', '=', 'c.organization_id').on('op.category', '=', category.key));
  if (organizationIds) query = query.where('c.organization_id', 'in', organizationIds);
  return { query, subscribed };
}

export async function countAudience(db: Db, category: CategoryInfo, organizationIds: string[] | null) {
  const { query, subscribed } = audienceQuery(db, category, organizationIds);
  const row = await query
    .select([sql<string>`count(*)`.as('total'), sql<string>`coalesce(sum(${subscribed}), 0)`.as('subscribed')])
    .executeTakeFirstOrThrow();
  const total = Number(row.total);
  const yes = Number(row.subscribed);
  return { subscribed: yes, notSubscribed: total - yes };
}
