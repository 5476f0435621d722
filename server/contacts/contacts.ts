import crypto from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Contact, Locale, Preferences } from '../api/types.js';
import type { Database, ContactsTable } from '../store/schema.js';
import { isUniqueViolation } from '../store/errors.js';
import { nowIso } from '../store/time.js';
import type { ConsentStore, ChangeOrigin } from '../consent/consent.js';
import type { Categories } from '../consent/categories.js';
import type { Organizations } from '../organizations/organizations.js';
import { badRequest, conflict, notFound } from '../http/problem.js';
import { normalizeEmail } from './email-address.js';

export interface NewContact {
  organizationId: string;
  email: string;
  name?: string | null;
  phone?: string | null;
  jobTitle?: string | null;
  locale?: Locale;
}

export type ContactPatch = Partial<Pick<NewContact, 'email' | 'name' | 'phone' | 'jobTitle' | 'locale'>>;

export interface ContactQuery {
  organizationId?: string;
  email?: string;
  limit: number;
  cursor?: string;
}

type ContactRow = Selectable<ContactsTable>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const isUuid = (id: string) => UUID.test(id);

export function emailOrThrow(input: string, field = 'email'): string {
  const normalized = normalizeEmail(input);
  if (!normalized.ok) throw badRequest(normalized.reason, [{ pointer: `#/${field}`, detail: normalized.reason }]);
  return normalized.email;
}

export class Contacts {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly organizations: Organizations,
    private readonly consent: ConsentStore,
    private readonly categories: Categories,
  ) {}

  async create(input: NewContact): Promise<Contact> {
    const email = emailOrThrow(input.email);
    const organization = await this.organizations.get(input.organizationId);
    if (!organization) {
      throw badRequest('Unknown organization.', [{ pointer: '#/organizationId', detail: 'No organization has this id.' }]);
    }
    const now = nowIso();
    const row: ContactRow = {
      id: crypto.randomUUID(),
      organization_id: organization.id,
      email,
      name: input.name ?? null,
      phone: input.phone ?? null,
      job_title: input.jobTitle ?? null,
      locale: input.locale ?? organization.locale,
      created_at: now,
      updated_at: now,
    };
    try {
      await this.db.transaction().execute(async (trx) => {
        await trx.insertInto('contacts').values(row).execute();
        await this.consent.initialize(trx, [row.id], { source: 'default', at: now });
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('A contact with this email address already exists.');
      throw error;
    }
    return toContact(row, this.consent.defaults());
  }

  async get(id: string): Promise<Contact | null> {
    if (!isUuid(id)) return null;
    const row = await this.db.selectFrom('contacts').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return null;
    const preferences = await this.consent.preferencesOf(this.db, [id]);
    return toContact(row, preferences.get(id)!);
  }

  async getOrThrow(id: string): Promise<Contact> {
    const contact = await this.get(id);
    if (!contact) throw notFound('contact');
    return contact;
  }

  async list(query: ContactQuery): Promise<{ items: Contact[]; nextCursor: string | null }> {
    let select = this.db.selectFrom('contacts').selectAll().orderBy('id').limit(query.limit + 1);
    if (query.organizationId) select = select.where('organization_id', '=', query.organizationId);
    if (query.email) select = select.where('email', '=', emailOrThrow(query.email));
    if (query.cursor) select = select.where('id', '>', query.cursor);
    const rows = await select.execute();
    const page = rows.slice(0, query.limit);
    const preferences = await this.consent.preferencesOf(this.db, page.map((r) => r.id));
    return {
      items: page.map((r) => toContact(r, preferences.get(r.id)!)),
      nextCursor: rows.length > query.limit ? page.at(-1)!.id : null,
    };
  }

  async update(id: string, patch: ContactPatch): Promise<Contact> {
    await this.getOrThrow(id);
    const set: Partial<ContactRow> = { updated_at: nowIso() };
    if (patch.email !== undefined) set.email = emailOrThrow(patch.email);
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.phone !== undefined) set.phone = patch.phone;
    if (patch.jobTitle !== undefined) set.job_title = patch.jobTitle;
    if (patch.locale !== undefined) set.locale = patch.locale;
    try {
      await this.db.updateTable('contacts').set(set).where('id', '=', id).execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('Another contact has this email address.');
      throw error;
    }
    return this.getOrThrow(id);
  }

  /** Sets some categories; unknown keys and turning off a required category are refused whole. */
  async setPreferences(id: string, wanted: Preferences, origin: ChangeOrigin): Promise<Contact> {
    const errors = Object.entries(wanted).flatMap(([key, value]) => {
      const category = this.categories.get(key);
      if (!category) return [{ pointer: `#/${key}`, detail: 'Unknown category.' }];
      if (category.required && !value) return [{ pointer: `#/${key}`, detail: 'This category is required and cannot be turned off.' }];
      return [];
    });
    if (errors.length) throw badRequest('Some preferences cannot be set.', errors);
    if (!isUuid(id)) throw notFound('contact');
    await this.db.transaction().execute(async (trx) => {
      const exists = await trx.selectFrom('contacts').select('id').where('id', '=', id).executeTakeFirst();
      if (!exists) throw notFound('contact');
      await this.consent.change(trx, id, wanted, origin);
    });
    return this.getOrThrow(id);
  }

  async history(id: string) {
    await this.getOrThrow(id);
    return this.consent.history(this.db, id);
  }

  /** Everything held about the contact, in one document. */
  async export(id: string) {
    const contact = await this.getOrThrow(id);
    const organization = await this.organizations.get(contact.organizationId);
    return {
      exportedAt: nowIso(),
      contact: {
        id: contact.id,
        email: contact.email,
        name: contact.name,
        phone: contact.phone,
        jobTitle: contact.jobTitle,
        locale: contact.locale,
        organization,
      },
      preferences: contact.preferences,
      consentHistory: await this.consent.fullHistory(this.db, id),
    };
  }

  /** Erases the personal data; the consent history stays, under the opaque id only, as proof of consent. */
  async erase(id: string) {
    await this.getOrThrow(id);
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('consents').where('contact_id', '=', id).execute();
      await trx.deleteFrom('contacts').where('id', '=', id).execute();
    });
    return {
      id,
      erased: ['email', 'name', 'phone', 'jobTitle', 'locale', 'organization', 'preferences'],
      kept: [
        {
          data: 'consent history',
          why: 'Proof of consent that anti-spam law (CASL) requires a sender to keep; it holds only the opaque contact id.',
        },
      ],
    };
  }
}

export function toContact(row: ContactRow, preferences: Preferences): Contact {
  return {
    id: row.id,
    organizationId: row.organization_id,
    email: row.email,
    name: row.name,
    phone: row.phone,
    jobTitle: row.job_title,
    locale: row.locale as Locale,
    preferences,
  };
}

