import crypto from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Locale } from '../../contract/index.js';
import type { Database } from '../store/schema.js';
import type { Outbox } from '../outbox/outbox.js';
import type { Clock } from './clock.js';
import type { ConsentRecords } from './consent.js';
import type { ConsentWordings } from './consent-wordings.js';
import type { Categories } from './categories.js';

type Db = Kysely<Database> | Transaction<Database>;

export type RequestKind = 'double-opt-in' | 'reconfirmation';
/** Where a double opt-in was asked for. */
export type RequestedVia = 'subscribe-form' | 'extension' | 'admin' | 'expiry';

const DAY = 86_400_000;
/** A double opt-in link is good for 7 days. */
export const DOUBLE_OPT_IN_DAYS = 7;
/** A reconfirmation button still works this long after it is sent: past the lapse, it turns the categories back on. */
export const RECONFIRMATION_DAYS = 60;
/** The same double opt-in asked again this soon sends no second email. */
const RESEND_AFTER_MS = 15 * 60_000;

/** A request as its email and its confirm page show it. */
export interface ConsentRequest {
  id: string;
  contactId: string;
  kind: RequestKind;
  categories: string[];
  wordingVersion: string;
  lapsesAt: string | null;
  requestedAt: string;
  expiresAt: string;
  confirmedAt: string | null;
}

export type Confirmation = { outcome: 'confirmed' | 'already-confirmed'; request: ConsentRequest } | { outcome: 'expired' | 'unknown' };

const TEMPLATE: Record<RequestKind, 'confirm-subscription' | 'reconfirm-consent'> = {
  'double-opt-in': 'confirm-subscription',
  reconfirmation: 'reconfirm-consent',
};

/**
 * Consent asked of a person by email: a double opt-in for an express-only category asked from
 * outside the person's inbox, or a reconfirmation before implied consent lapses. Each request is
 * one email with one button; confirming it (a POST) records express consent with the wording the
 * email showed. Requests are kept as evidence, like the history.
 */
export interface ConsentRequestsDeps {
  db: Kysely<Database>;
  consent: ConsentRecords;
  outbox: Outbox;
  wordings: ConsentWordings;
  categories: Categories;
  clock: Clock;
  brandName: string;
  /** A date as the person reads it in their language. */
  formatDate: (iso: string, locale: Locale) => string;
}

export class ConsentRequests {
  private readonly db: Kysely<Database>;
  private readonly consent: ConsentRecords;
  private readonly outbox: Outbox;
  private readonly wordings: ConsentWordings;
  private readonly clock: Clock;

  constructor(private readonly deps: ConsentRequestsDeps) {
    ({ db: this.db, consent: this.consent, outbox: this.outbox, wordings: this.wordings, clock: this.clock } = deps);
  }

  /** The request's wording as its email and its confirm page show it, in one language. */
  statement(request: ConsentRequest, locale: Locale): string {
    const { categories, brandName, formatDate } = this.deps;
    return this.wordings.text(request.wordingVersion, locale, {
      brand: brandName,
      categories: request.categories.map((key) => categories.get(key)?.label[locale] ?? key),
      ...(request.lapsesAt ? { date: formatDate(request.lapsesAt, locale) } : {}),
    });
  }

  /** Records a request and queues its email, in the caller's transaction if given; null when a like one was just sent. */
  async ask(
    input: { contactId: string; kind: RequestKind; categories: string[]; via: RequestedVia; requestWording?: string | null; lapsesAt?: string | null },
    db: Db = this.db,
  ): Promise<string | null> {
    const now = this.clock.now();
    const order = this.deps.categories.list.map((c) => c.key);
    input = { ...input, categories: [...input.categories].sort((a, b) => order.indexOf(a) - order.indexOf(b)) };
    if (input.kind === 'double-opt-in' && (await this.recentlyAsked(db, input.contactId, input.categories, now))) return null;
    const id = crypto.randomUUID();
    const days = input.kind === 'double-opt-in' ? DOUBLE_OPT_IN_DAYS : RECONFIRMATION_DAYS;
    await db
      .insertInto('consent_requests')
      .values({
        id,
        contact_id: input.contactId,
        kind: input.kind,
        categories: JSON.stringify(input.categories),
        requested_via: input.via,
        request_wording: input.requestWording ?? null,
        wording_version: this.wordings.currentVersion(input.kind === 'double-opt-in' ? 'double-opt-in-email' : 'reconfirmation-email'),
        lapses_at: input.lapsesAt ?? null,
        requested_at: new Date(now).toISOString(),
        expires_at: new Date(now + days * DAY).toISOString(),
        confirmed_at: null,
        confirmed_locale: null,
      })
      .execute();
    await this.outbox.enqueue({ contactId: input.contactId, category: null, template: TEMPLATE[input.kind], data: { requestId: id }, status: 'queued' }, db);
    return id;
  }

  async get(id: string, contactId: string): Promise<ConsentRequest | null> {
    const row = await this.db.selectFrom('consent_requests').selectAll().where('id', '=', id).where('contact_id', '=', contactId).executeTakeFirst();
    return row ? toRequest(row) : null;
  }

  /** Past its time: confirming it would change nothing. */
  expired(request: ConsentRequest): boolean {
    return request.expiresAt <= new Date(this.clock.now()).toISOString();
  }

  /** What a queued request email needs, or null when it can no longer be confirmed (already confirmed or expired). */
  async forEmail(id: string): Promise<ConsentRequest | null> {
    const row = await this.db.selectFrom('consent_requests').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row || row.confirmed_at || row.expires_at <= new Date(this.clock.now()).toISOString()) return null;
    return toRequest(row);
  }

  /**
   * The person clicked the email's button and confirmed: express consent to the request's
   * categories, recorded with the email's wording in the page's language. Twice is harmless.
   */
  async confirm(id: string, contactId: string, origin: { locale: Locale; ip?: string | null; userAgent?: string | null }): Promise<Confirmation> {
    const at = new Date(this.clock.now()).toISOString();
    return this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('consent_requests').selectAll().where('id', '=', id).where('contact_id', '=', contactId).executeTakeFirst();
      if (!row) return { outcome: 'unknown' };
      if (row.confirmed_at) return { outcome: 'already-confirmed', request: toRequest(row) };
      if (row.expires_at <= at) return { outcome: 'expired' };
      const claimed = await trx
        .updateTable('consent_requests')
        .set({ confirmed_at: at, confirmed_locale: origin.locale })
        .where('id', '=', id)
        .where('confirmed_at', 'is', null)
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) return { outcome: 'already-confirmed', request: toRequest(row) };
      const request = toRequest({ ...row, confirmed_at: at });
      await this.consent.change(
        trx,
        contactId,
        Object.fromEntries(request.categories.map((key) => [key, { subscribed: true, basis: 'express' as const }])),
        {
          source: row.kind === 'reconfirmation' ? 'reconfirmation' : 'double-opt-in',
          at,
          ip: origin.ip ?? null,
          userAgent: origin.userAgent ?? null,
          wording: { version: row.wording_version, locale: origin.locale },
        },
      );
      return { outcome: 'confirmed', request };
    });
  }

  /** Categories the contact was asked to confirm by email and has not yet (double opt-in, unexpired). */
  async pending(contactId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('consent_requests')
      .select('categories')
      .where('contact_id', '=', contactId)
      .where('kind', '=', 'double-opt-in')
      .where('confirmed_at', 'is', null)
      .where('expires_at', '>', new Date(this.clock.now()).toISOString())
      .execute();
    return [...new Set(rows.flatMap((r) => JSON.parse(r.categories) as string[]))];
  }

  /** Every request of a contact, oldest first, for the evidence pack. */
  async of(db: Db, contactId: string) {
    const rows = await db.selectFrom('consent_requests').selectAll().where('contact_id', '=', contactId).orderBy('requested_at').execute();
    return rows.map((row) => ({ ...toRequest(row), requestedVia: row.requested_via, requestWording: row.request_wording, confirmedLocale: row.confirmed_locale as Locale | null }));
  }

  private async recentlyAsked(db: Db, contactId: string, categories: string[], now: number): Promise<boolean> {
    const rows = await db
      .selectFrom('consent_requests')
      .select('categories')
      .where('contact_id', '=', contactId)
      .where('kind', '=', 'double-opt-in')
      .where('confirmed_at', 'is', null)
      .where('requested_at', '>', new Date(now - RESEND_AFTER_MS).toISOString())
      .execute();
    return rows.some((r) => categories.every((c) => (JSON.parse(r.categories) as string[]).includes(c)));
  }

  /** Retention: unconfirmed requests a month after they expired; confirmed ones with the history they prove. */
  static async expire(trx: Transaction<Database>, unconfirmedBefore: string, historyBefore: string): Promise<number> {
    const unconfirmed = await trx.deleteFrom('consent_requests').where('confirmed_at', 'is', null).where('expires_at', '<', unconfirmedBefore).executeTakeFirst();
    const confirmed = await trx.deleteFrom('consent_requests').where('confirmed_at', '<', historyBefore).executeTakeFirst();
    return Number(unconfirmed.numDeletedRows) + Number(confirmed.numDeletedRows);
  }
}

function toRequest(row: Database['consent_requests']): ConsentRequest {
  return {
    id: row.id,
    contactId: row.contact_id,
    kind: row.kind,
    categories: JSON.parse(row.categories) as string[],
    wordingVersion: row.wording_version,
    lapsesAt: row.lapses_at,
    requestedAt: row.requested_at,
    expiresAt: row.expires_at,
    confirmedAt: row.confirmed_at,
  };
}
