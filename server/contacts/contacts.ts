import crypto from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { z } from 'zod';
import { ADVISORY_CATEGORY, TICKETS_CATEGORY, type ConsentSetting, type Contact, type schemas } from '../../contract/index.js';
import type { Database } from '../store/schema.js';
import { isUniqueViolation } from '../store/unique-violation.js';
import { nowIso } from '../store/time.js';
import { isUuid } from '../store/ids.js';
import type { ConsentRecords, ChangeOrigin, ConsentChange, ConsentState } from '../consent/consent.js';
import type { ConsentRequests, RequestedVia } from '../consent/consent-requests.js';
import type { Categories } from '../consent/categories.js';
import type { Organizations } from '../organizations/organizations.js';
import { ERASED, type SuppressionList } from '../consent/suppressions.js';
import type { Outbox } from '../outbox/outbox.js';
import type { EventLog } from '../events/event-log.js';
import { conflict, DomainError, invalid, notFound } from '../errors.js';
import { normalizeEmail } from './email-address.js';
import type { ContactCodec, ContactRow, OpenContact } from './contact-codec.js';
import { importContactsCsv, type ImportReport } from './csv-import.js';
import { NameIndex } from './name-index.js';
import type { Dialect } from '../store/dialect.js';

/** A contact to create (`restoreErased`: an admin re-adding an address erased at its owner's request). */
export type NewContact = z.output<typeof schemas.contactCreate>;
export type ContactPatch = z.output<typeof schemas.contactPatch>;
export type ContactQuery = z.output<typeof schemas.contactQuery>;

/** What signing in gave a contact (sessions, codes not yet used); an email change takes it back. */
export interface SignInAccess {
  revokeAll(contactId: string, db: Transaction<Database>): Promise<void>;
}

export interface ContactUpdate {
  contact: Contact;
  /** The address changed: sessions and codes were revoked and the old address notified. */
  emailChanged: boolean;
}

export function emailOrThrow(input: string, field = 'email'): string {
  const normalized = normalizeEmail(input);
  if (!normalized.ok) throw invalid(normalized.reason, [{ pointer: `#/${field}`, detail: normalized.reason }]);
  return normalized.email;
}

const erasedAddress = () =>
  new DomainError(
    'conflict',
    'erased-address',
    'This address was erased at its owner’s request.',
    'It is on the suppression list so that nothing re-adds it by accident. An admin may re-add it explicitly with "restoreErased": true.',
  );

export class Contacts {
  /** Names as a blind index (contact_name_tokens), kept in step with each write of a name. */
  private readonly names: NameIndex;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly organizations: Organizations,
    private readonly consent: ConsentRecords,
    private readonly categories: Categories,
    private readonly codec: ContactCodec,
    private readonly suppressions: SuppressionList,
    private readonly outbox: Outbox,
    private readonly signInAccess: SignInAccess,
    private readonly requests: ConsentRequests,
    private readonly events: EventLog,
  ) {
    this.names = new NameIndex(codec.crypto);
  }

  async create(input: NewContact): Promise<Contact> {
    const email = emailOrThrow(input.email);
    const organization = await this.organizations.get(input.organizationId);
    if (!organization) {
      throw invalid('Unknown organization.', [{ pointer: '#/organizationId', detail: 'No organization has this id.' }]);
    }
    if ((await this.suppressions.reasonFor(email)) === ERASED) {
      if (!input.restoreErased) throw erasedAddress();
      await this.suppressions.remove(email);
    }
    const now = nowIso();
    const row: ContactRow = {
      id: crypto.randomUUID(),
      organization_id: organization.id,
      email: '',
      email_index: null,
      name: null,
      phone: null,
      job_title: null,
      ...this.codec.seal({ email, name: input.name ?? null, phone: input.phone ?? null, jobTitle: input.jobTitle ?? null }),
      locale: input.locale ?? organization.locale,
      org_lead: input.orgLead ? 1 : 0,
      created_at: now,
      updated_at: now,
    };
    try {
      await this.db.transaction().execute(async (trx) => {
        await trx.insertInto('contacts').values(row).execute();
        await this.names.insert(trx, [{ contactId: row.id, name: input.name ?? null }]);
        await this.consent.initialize(trx, [row.id], { source: 'default', at: now });
        await this.events.aboutContact(trx, 'contact.created', row.id, now, { source: 'admin' });
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('A contact with this email address already exists.');
      throw error;
    }
    return (await this.get(row.id))!;
  }

  /** Upserts contacts from CSV; bad rows are reported by line (see csv-import.ts). */
  importCsv(text: string): Promise<ImportReport> {
    const { db, organizations, consent, categories, codec, suppressions, names, events } = this;
    return importContactsCsv({ db, organizations, consent, categories, codec, suppressions, names, events }, text);
  }

  async get(id: string): Promise<Contact | null> {
    if (!isUuid(id)) return null;
    const row = await this.db.selectFrom('contacts').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return null;
    const states = await this.consent.statesOf(this.db, [id]);
    return this.toContact(row, states.get(id)!);
  }

  async getOrThrow(id: string): Promise<Contact> {
    const contact = await this.get(id);
    if (!contact) throw notFound('contact');
    return contact;
  }

  /** The id of the contact with this (normalized) address, by its blind index. */
  async idByEmail(normalizedEmail: string): Promise<string | null> {
    const row = await this.db.selectFrom('contacts').select('id').where('email_index', '=', this.codec.index(normalizedEmail)).executeTakeFirst();
    return row?.id ?? null;
  }

  /** Decrypted recipients, for the send worker. */
  async recipients(ids: string[]): Promise<Map<string, OpenContact>> {
    if (!ids.length) return new Map();
    const rows = await this.db.selectFrom('contacts').selectAll().where('id', 'in', ids).execute();
    return new Map(rows.map((r) => [r.id, this.codec.open(r)]));
  }

  async list(query: ContactQuery): Promise<{ items: Contact[]; nextCursor: string | null }> {
    let select = this.db.selectFrom('contacts').selectAll().orderBy('id').limit(query.limit + 1);
    if (query.organizationId) select = select.where('organization_id', '=', query.organizationId);
    if (query.email) select = select.where('email_index', '=', this.codec.index(emailOrThrow(query.email)));
    if (query.name !== undefined) {
      // Every word of the query among the contact's, in any order.
      const words = this.names.hashes(query.name);
      if (!words.length) {
        throw invalid('The name has nothing to search for.', [{ pointer: '#/query/name', detail: 'Give at least one word of two letters or digits or more.' }]);
      }
      select = select.where('id', 'in', (eb) =>
        eb
          .selectFrom('contact_name_tokens')
          .select('contact_id')
          .where('token_index', 'in', words)
          .groupBy('contact_id')
          .having((h) => h.fn.countAll(), '=', words.length),
      );
    }
    if (query.cursor) select = select.where('id', '>', query.cursor);
    const rows = await select.execute();
    const page = rows.slice(0, query.limit);
    const states = await this.consent.statesOf(this.db, page.map((r) => r.id));
    return {
      items: page.map((r) => this.toContact(r, states.get(r.id)!)),
      nextCursor: rows.length > query.limit ? page.at(-1)!.id : null,
    };
  }

  /**
   * Corrects a contact. A new address is where codes and links go from then on, so the change also
   * ends the contact's sessions, voids its unused sign-in codes and queues a notice to the replaced
   * address, all in the same transaction.
   */
  async update(id: string, patch: ContactPatch): Promise<ContactUpdate> {
    const before = await this.getOrThrow(id);
    const email = patch.email === undefined ? undefined : emailOrThrow(patch.email);
    if (email !== undefined && (await this.suppressions.reasonFor(email)) === ERASED) throw erasedAddress();
    const emailChanged = email !== undefined && email !== before.email;
    const now = nowIso();
    const set: Partial<ContactRow> = {
      updated_at: now,
      ...this.codec.seal({ email: emailChanged ? email : undefined, name: patch.name, phone: patch.phone, jobTitle: patch.jobTitle }),
      ...(patch.locale !== undefined ? { locale: patch.locale } : {}),
      ...(patch.orgLead !== undefined ? { org_lead: patch.orgLead ? 1 : 0 } : {}),
    };
    try {
      await this.db.transaction().execute(async (trx) => {
        await trx.updateTable('contacts').set(set).where('id', '=', id).execute();
        // After the row's update, which locks it: concurrent renames write their words in turn.
        if (patch.name !== undefined) await this.names.replace(trx, id, patch.name);
        const changed = changedFields(before, patch, emailChanged);
        if (changed.length) await this.events.aboutContact(trx, 'contact.updated', id, now, { changed });
        if (!emailChanged) return;
        await this.signInAccess.revokeAll(id, trx);
        await this.outbox.enqueue(
          { contactId: id, category: null, template: 'email-changed', data: { previousEmail: before.email, changedAt: now }, status: 'queued' },
          trx,
        );
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('Another contact has this email address.');
      throw error;
    }
    return { contact: await this.getOrThrow(id), emailChanged };
  }

  /** Sets some categories and answers the contact; see changeConsent. */
  async setPreferences(id: string, wanted: Record<string, boolean | ConsentSetting>, origin: ChangeOrigin): Promise<Contact> {
    return (await this.setPreferencesAsking(id, wanted, origin)).contact;
  }

  /** The same, saying which categories a confirmation was emailed for. */
  async setPreferencesAsking(id: string, wanted: Record<string, boolean | ConsentSetting>, origin: ChangeOrigin): Promise<{ contact: Contact; asked: string[] }> {
    const asked = await this.changeConsent(id, wanted, origin);
    if (!asked) throw notFound('contact');
    return { contact: await this.getOrThrow(id), asked };
  }

  /**
   * Sets some categories in one transaction; unknown keys, turning off a required category, or an
   * express-only category on another basis are refused whole. A setting with `confirm` asks the
   * person by email instead (double opt-in) and leaves the category as it is. Answers the
   * categories a confirmation was emailed for (none for one already on), or null when there is no
   * such contact. One category turned off, the usual unsubscribe, is mostly one statement
   * (ConsentRecords.optOutAtOnce).
   */
  async changeConsent(id: string, wanted: Record<string, boolean | ConsentSetting>, origin: ChangeOrigin, via: RequestedVia = 'admin'): Promise<string[] | null> {
    const errors = Object.entries(wanted).flatMap(([key, value]) => {
      const category = this.categories.get(key);
      const setting = typeof value === 'boolean' ? { subscribed: value } : value;
      if (!category) return [{ pointer: `#/${key}`, detail: 'Unknown category.' }];
      if (category.required && !setting.subscribed) return [{ pointer: `#/${key}`, detail: 'This category is required and cannot be turned off.' }];
      if (setting.ticketDelivery !== undefined && key !== TICKETS_CATEGORY) {
        return [{ pointer: `#/${key}/ticketDelivery`, detail: 'Only ticket updates can come in a daily digest.' }];
      }
      if (setting.advisoryThreshold !== undefined && key !== ADVISORY_CATEGORY) {
        return [{ pointer: `#/${key}/advisoryThreshold`, detail: 'Only security advisories have a severity threshold.' }];
      }
      if (this.categories.isExpressOnly(key) && setting.basis && setting.basis !== 'express') {
        return [{ pointer: `#/${key}/basis`, detail: 'This category is sent only with express consent.' }];
      }
      return [];
    });
    if (errors.length) throw invalid('Some preferences cannot be set.', errors);
    if (!isUuid(id)) return null;
    const [only, ...others] = Object.entries(wanted);
    if (only && !others.length && only[1] === false && (await this.consent.optOutAtOnce(this.db, id, only[0], origin))) return [];
    const toConfirm = Object.entries(wanted).filter(([, v]) => typeof v !== 'boolean' && v.confirm).map(([key]) => key);
    const changes = Object.fromEntries(Object.entries(wanted).filter(([key]) => !toConfirm.includes(key))) as Record<string, boolean | ConsentChange>;
    return this.db.transaction().execute(async (trx) => {
      const exists = await trx.selectFrom('contacts').select('id').where('id', '=', id).executeTakeFirst();
      if (!exists) return null;
      await this.consent.change(trx, id, changes, origin);
      if (!toConfirm.length) return [];
      const current = (await this.consent.preferencesOf(trx, [id])).get(id)!;
      const asked = toConfirm.filter((key) => !current[key]);
      if (asked.length) await this.requests.ask({ contactId: id, kind: 'double-opt-in', categories: asked, via, requestWording: origin.wording?.version ?? null }, trx);
      return asked;
    });
  }

  async history(id: string) {
    await this.getOrThrow(id);
    return this.consent.history(this.db, id);
  }

  /** The stored row (sealed) and its opened fields, inside the caller's transaction; null if there is none. */
  async opened(id: string, trx: Transaction<Database>): Promise<OpenContact | null> {
    const row = await trx.selectFrom('contacts').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? this.codec.open(row) : null;
  }

  /**
   * Indexes the names of contacts written before the name index existed (at start, in batches;
   * idempotent). Returns how many contacts got words.
   */
  fillMissingNameTokens(dialect: Dialect, batchSize?: number): Promise<number> {
    return this.names.fillMissing(this.db, dialect, (sealed) => this.codec.crypto.decrypt(sealed), batchSize);
  }

  /** Deletes the contact's row; its sign-in codes, sessions and name words go with it (ON DELETE CASCADE). */
  async delete(id: string, trx: Transaction<Database>): Promise<void> {
    await trx.deleteFrom('contacts').where('id', '=', id).execute();
  }

  private toContact(row: ContactRow, states: Record<string, ConsentState>): Contact {
    const open = this.codec.open(row);
    const entries = Object.entries(states);
    return {
      ...open,
      orgLead: row.org_lead === 1,
      preferences: Object.fromEntries(entries.map(([key, state]) => [key, state.subscribed])),
      lockedCategories: entries.filter(([, state]) => state.locked).map(([key]) => key),
      advisoryThreshold: states[ADVISORY_CATEGORY]?.advisoryThreshold ?? 'all',
      ticketDelivery: states[TICKETS_CATEGORY]?.ticketDelivery ?? 'immediate',
    };
  }
}

/** The fields a correction really changed, by name only: what contact.updated tells (never a value). */
function changedFields(before: Contact, patch: ContactPatch, emailChanged: boolean): string[] {
  const changed: string[] = [];
  if (emailChanged) changed.push('email');
  if (patch.name !== undefined && patch.name !== before.name) changed.push('name');
  if (patch.phone !== undefined && patch.phone !== before.phone) changed.push('phone');
  if (patch.jobTitle !== undefined && patch.jobTitle !== before.jobTitle) changed.push('jobTitle');
  if (patch.locale !== undefined && patch.locale !== before.locale) changed.push('locale');
  if (patch.orgLead !== undefined && patch.orgLead !== before.orgLead) changed.push('orgLead');
  return changed;
}
