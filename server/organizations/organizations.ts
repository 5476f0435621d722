import crypto from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Locale, Organization } from '../../contract/index.js';
import type { Database } from '../store/schema.js';
import { nowIso } from '../store/time.js';
import { DEFAULT_TIME_ZONE } from './time-zone.js';

export class Organizations {
  constructor(private readonly db: Kysely<Database>) {}

  /** A new client; its relationship starts with its last purchase or contract, or now. */
  async create(input: { name: string; locale?: Locale; lastPurchaseAt?: string; timeZone?: string }): Promise<Organization> {
    const now = nowIso();
    const organization: Organization = {
      id: crypto.randomUUID(),
      name: input.name,
      locale: input.locale ?? 'en',
      lastPurchaseAt: input.lastPurchaseAt ?? now,
      timeZone: input.timeZone ?? DEFAULT_TIME_ZONE,
    };
    await this.db
      .insertInto('organizations')
      .values({
        id: organization.id,
        name: organization.name,
        locale: organization.locale,
        last_purchase_at: organization.lastPurchaseAt,
        time_zone: input.timeZone ?? null,
        created_at: now,
      })
      .execute();
    return organization;
  }

  /** Every organization, by name (the console's pickers; an MSP has hundreds, not millions). */
  async list(): Promise<Organization[]> {
    const rows = await this.db.selectFrom('organizations').select(['id', 'name', 'locale', 'last_purchase_at', 'time_zone']).orderBy('name').orderBy('id').limit(10_000).execute();
    return rows.map((row) => ({ id: row.id, name: row.name, locale: row.locale as Locale, lastPurchaseAt: row.last_purchase_at, timeZone: row.time_zone ?? DEFAULT_TIME_ZONE }));
  }

  async get(id: string): Promise<Organization | null> {
    const row = await this.db.selectFrom('organizations').select(['id', 'name', 'locale', 'last_purchase_at', 'time_zone']).where('id', '=', id).executeTakeFirst();
    return row ? { id: row.id, name: row.name, locale: row.locale as Locale, lastPurchaseAt: row.last_purchase_at, timeZone: row.time_zone ?? DEFAULT_TIME_ZONE } : null;
  }

  /** The subset of `ids` that exist, with their default locale. */
  async localesOf(ids: string[]): Promise<Map<string, Locale>> {
    if (!ids.length) return new Map();
    const rows = await this.db.selectFrom('organizations').select(['id', 'locale']).where('id', 'in', ids).execute();
    return new Map(rows.map((r) => [r.id, r.locale as Locale]));
  }

  /** A purchase (an invoice receipt sent) is the relationship's latest activity, unless a later one is known. */
  async recordPurchase(trx: Transaction<Database>, id: string, at: string): Promise<void> {
    await trx
      .updateTable('organizations')
      .set({ last_purchase_at: at })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('last_purchase_at', 'is', null), eb('last_purchase_at', '<', at)]))
      .execute();
  }
}
