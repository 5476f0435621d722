import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Locale, Organization } from '../../contract/index.js';
import type { Database } from '../store/schema.js';
import { nowIso } from '../store/time.js';

export class Organizations {
  constructor(private readonly db: Kysely<Database>) {}

  async create(input: { name: string; locale?: Locale }): Promise<Organization> {
    const organization: Organization = { id: crypto.randomUUID(), name: input.name, locale: input.locale ?? 'en' };
    await this.db
      .insertInto('organizations')
      .values({ ...organization, created_at: nowIso() })
      .execute();
    return organization;
  }

  async get(id: string): Promise<Organization | null> {
    const row = await this.db.selectFrom('organizations').select(['id', 'name', 'locale']).where('id', '=', id).executeTakeFirst();
    return row ? { id: row.id, name: row.name, locale: row.locale as Locale } : null;
  }

  /** The subset of `ids` that exist, with their default locale. */
  async localesOf(ids: string[]): Promise<Map<string, Locale>> {
    if (!ids.length) return new Map();
    const rows = await this.db.selectFrom('organizations').select(['id', 'locale']).where('id', 'in', ids).execute();
    return new Map(rows.map((r) => [r.id, r.locale as Locale]));
  }
}
