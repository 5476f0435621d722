import type { Kysely, Transaction } from 'kysely';
import { ADVISORY_CATEGORY, TICKETS_CATEGORY, type TicketDelivery, type AdvisoryThreshold, type ConsentBasis, type ConsentHistoryEntry, type ConsentSource, type Locale, type Preferences } from '../../contract/index.js';
import type { Database } from '../store/schema.js';
import { chunks } from '../store/batches.js';
import { deleteOlderThan } from '../store/append-only.js';
import type { Categories } from './categories.js';
import type { Dialect } from '../store/dialect.js';
import { invalid } from '../errors.js';
import { impliedExpiry, isImplied, PERSON_SOURCES } from './basis.js';
import type { WordingShown } from './consent-wordings.js';
import { QuickOptOut, type ChangeProof } from './quick-opt-out.js';
import type { EventLog } from '../events/event-log.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Where a consent change came from: the source, the wording shown, and for a web request its truncated address and agent. */
export interface ChangeOrigin {
  source: ConsentSource;
  at: string;
  ip?: string | null;
  userAgent?: string | null;
  wording?: WordingShown | null;
}

/** One category wanted on or off; on rests on `basis` (express from a person, the category's default from an admin or import). */
export interface ConsentChange {
  subscribed: boolean;
  basis?: ConsentBasis;
  /** The start of an implied basis; the change's time when left out. */
  since?: string;
  /** The advisory category only. */
  advisoryThreshold?: AdvisoryThreshold;
  /** The ticket-update category only. */
  ticketDelivery?: TicketDelivery;
}

/** What a contact's consent to one category is now, and what it rests on. */
export interface ConsentState {
  /** The advisory category only: which severities the contact receives. */
  advisoryThreshold: AdvisoryThreshold;
  /** The ticket-update category only: at once, or one email a day. */
  ticketDelivery: TicketDelivery;
  /** What the contact receives: on when required, locked by its organization, or its own choice. */
  subscribed: boolean;
  /** Its organization requires it for its staff: on, and nobody may turn it off (organization-policy.ts). */
  locked: boolean;
  /** The contact's own consent, which a lock overrides and lifting the lock restores. */
  own: boolean;
  basis: ConsentBasis;
  basisSince: string | null;
  expiresAt: string | null;
  renewedAt: string | null;
  renewedBy: string | null;
  lapsedAt: string | null;
}

const bit = (value: boolean) => (value ? 1 : 0);

/** Sources that are someone's choice for the contact: an organization's default no longer applies after one. */
const CHOICES: ReadonlySet<ConsentSource> = new Set(['one-click', 'unsubscribe-page', 'preference-page', 'extension', 'admin', 'import', 'reconfirmation', 'double-opt-in']);

/**
 * Told, inside the transaction, of every change of what a contact receives (coverage.ts), but for
 * a quick opt-out (optOutAtOnce): that one happens only while someone else at the contact's
 * organization still receives the category by their own consent.
 */
export type ConsentListener = (trx: Transaction<Database>, contactId: string, changed: { category: string; subscribed: boolean }[], at: string) => Promise<void>;

/** Consent lives in one row per contact and category; every change appends a history row. */
export class ConsentRecords {
  private readonly listeners: ConsentListener[] = [];
  private readonly quickOptOut: QuickOptOut;

  constructor(
    private readonly categories: Categories,
    private readonly dialect: Dialect,
    private readonly events: EventLog,
  ) {
    this.quickOptOut = new QuickOptOut(dialect, events);
  }

  /** Adds a listener told of every change of what a contact receives. */
  observe(listener: ConsentListener): void {
    this.listeners.push(listener);
  }

  /** A change of what a contact receives: its consent.changed events (event-log.ts), then the listeners. */
  private async told(trx: Transaction<Database>, contactId: string, changed: { category: string; subscribed: boolean; basis: string | null }[], origin: ChangeOrigin): Promise<void> {
    if (!changed.length) return;
    for (const { category, subscribed, basis } of changed) {
      await this.events.consentChanged(trx, contactId, origin.at, { category, old: !subscribed, new: subscribed, source: origin.source, basis });
    }
    for (const listener of this.listeners) await listener(trx, contactId, changed, origin.at);
  }

  /** Current preferences; a category with no row yet (added after the contact) reads as its default. */
  async preferencesOf(db: Db, contactIds: string[], options: { lock?: boolean } = {}): Promise<Map<string, Preferences>> {
    const states = await this.statesOf(db, contactIds, options);
    return new Map([...states].map(([id, byCategory]) => [id, Object.fromEntries(Object.entries(byCategory).map(([key, s]) => [key, s.subscribed]))]));
  }

  /** Each category's state and basis per contact; a category with no row yet reads as its default. */
  async statesOf(db: Db, contactIds: string[], options: { lock?: boolean } = {}): Promise<Map<string, Record<string, ConsentState>>> {
    const result = new Map<string, Record<string, ConsentState>>(contactIds.map((id) => [id, this.defaultStates()]));
    for (const ids of chunks(contactIds, 500)) {
      if (!ids.length) continue;
      let query = db
        .selectFrom('consents as cs')
        .innerJoin('contacts as c', 'c.id', 'cs.contact_id')
        .leftJoin('organization_policies as p', (join) => join.onRef('p.organization_id', '=', 'c.organization_id').onRef('p.category', '=', 'cs.category'))
        .select([
          'cs.contact_id',
          'cs.category',
          'cs.subscribed',
          'cs.basis',
          'cs.basis_since',
          'cs.expires_at',
          'cs.renewed_at',
          'cs.renewed_by',
          'cs.lapsed_at',
          'cs.advisory_threshold',
          'cs.ticket_delivery',
          'p.locked',
        ])
        .where('cs.contact_id', 'in', ids);
      // PostgreSQL: serialize concurrent changes of one contact so each history row has the true old value.
      // SQLite: a transaction already holds the only connection.
      if (options.lock && this.dialect === 'postgres') query = query.forUpdate('cs');
      const rows = await query.execute();
      for (const row of rows) {
        const category = this.categories.get(row.category);
        if (!category) continue;
        const locked = row.locked === 1;
        result.get(row.contact_id)![row.category] = {
          subscribed: category.required || locked || row.subscribed === 1,
          locked,
          own: row.subscribed === 1,
          advisoryThreshold: (row.advisory_threshold ?? 'all') as AdvisoryThreshold,
          ticketDelivery: (row.ticket_delivery ?? 'immediate') as TicketDelivery,
          basis: (row.basis ?? category.basis) as ConsentBasis,
          basisSince: row.basis_since,
          expiresAt: row.expires_at,
          renewedAt: row.renewed_at,
          renewedBy: row.renewed_by,
          lapsedAt: row.lapsed_at,
        };
      }
    }
    return result;
  }

  defaults(): Preferences {
    return Object.fromEntries(this.categories.list.map((c) => [c.key, c.subscribedByDefault]));
  }

  private defaultStates(): Record<string, ConsentState> {
    return Object.fromEntries(
      this.categories.list.map((c) => [
        c.key,
        { subscribed: c.subscribedByDefault, locked: false, own: c.subscribedByDefault, advisoryThreshold: 'all' as const, ticketDelivery: 'immediate' as const, basis: c.basis, basisSince: null, expiresAt: null, renewedAt: null, renewedBy: null, lapsedAt: null },
      ]),
    );
  }

  /**
   * The starting consent of new contacts, recorded as history too (`default`, or `import`): each
   * category on its default basis. Implied consent rests on the organization's last purchase.
   */
  async initialize(trx: Transaction<Database>, contactIds: string[], origin: ChangeOrigin): Promise<void> {
    const organizations = await this.organizationsOf(trx, contactIds);
    const defaults = await this.organizationDefaults(trx, contactIds);
    const rows = contactIds.flatMap((contactId) => {
      const { organizationId, lastPurchaseAt } = organizations.get(contactId)!;
      return this.categories.list.map((c) => {
        const since = c.basis === 'implied-relationship' ? (lastPurchaseAt ?? origin.at) : origin.at;
        const subscribed = c.required || (defaults.get(contactId)?.get(c.key) ?? c.subscribedByDefault);
        return { ...this.consentRow(contactId, c.key, { subscribed, basis: c.basis, since }, lastPurchaseAt, origin), organization_id: organizationId };
      });
    });
    for (const batch of chunks(rows, 1000)) {
      await trx
        .insertInto('consents')
        .values(batch.map((row) => ({ ...row, chosen: 0 })))
        .execute();
      await trx
        .insertInto('consent_history')
        .values(batch.map((r) => this.historyRow(r, null, origin)))
        .execute();
    }
  }

  /** Turns off every category the contact receives and may leave (neither required nor locked by its organization); answers which. */
  async withdrawLeavable(trx: Transaction<Database>, contactId: string, origin: ChangeOrigin): Promise<string[]> {
    const current = (await this.statesOf(trx, [contactId], { lock: true })).get(contactId);
    if (!current) return [];
    const leavable = Object.entries(current).filter(([key, state]) => state.subscribed && !state.locked && !this.categories.get(key)?.required);
    if (!leavable.length) return [];
    return this.change(trx, contactId, Object.fromEntries(leavable.map(([key]) => [key, false])), origin);
  }

  /**
   * Applies the changes that differ from the current state and records each in the history: a
   * category turned on or off, or an explicit basis that differs from the current one. Returns
   * the categories that changed. The caller validates keys and required ones.
   */
  async change(trx: Transaction<Database>, contactId: string, wanted: Record<string, boolean | ConsentChange>, origin: ChangeOrigin): Promise<string[]> {
    const current = (await this.statesOf(trx, [contactId], { lock: true })).get(contactId)!;
    const resolved = Object.entries(wanted).map(([category, value]) => {
      const change = typeof value === 'boolean' ? { subscribed: value } : value;
      return { category, value, resolved: this.resolve(category, change, current[category]!, origin) };
    });
    const lockedOff = resolved.filter((r) => !r.resolved.subscribed && current[r.category]!.locked && origin.source !== 'organization-policy');
    if (lockedOff.length) {
      throw invalid(
        'The contact’s organization requires some of these categories.',
        lockedOff.map((r) => ({ pointer: `#/${r.category}`, detail: 'Locked on by the contact’s organization: only it can lift the lock.' })),
      );
    }
    // Only implied consent turned on needs the organization's last purchase (one-click never does).
    const needsPurchase = resolved.some((r) => r.resolved.subscribed && isImplied(r.resolved.basis));
    const lastPurchase = needsPurchase ? ((await this.organizationsOf(trx, [contactId])).get(contactId)?.lastPurchaseAt ?? null) : null;
    const rows = resolved.flatMap(({ category, value, resolved: change }) => {
      const before = current[category]!;
      // Under a lock the contact keeps their own consent (another setting may change, like the
      // advisory threshold); what they receive stays on.
      const underLock = before.locked && origin.source !== 'organization-policy';
      const row = this.consentRow(contactId, category, underLock ? { ...change, subscribed: before.own } : change, lastPurchase, origin);
      const receives = underLock || row.subscribed === 1;
      const explicit = typeof value !== 'boolean' && value.basis !== undefined;
      const differs =
        receives !== before.subscribed ||
        (explicit && (row.basis !== before.basis || row.basis_since !== before.basisSince)) ||
        (row.advisory_threshold ?? 'all') !== before.advisoryThreshold ||
        (row.ticket_delivery ?? 'immediate') !== before.ticketDelivery;
      if (!differs) return [];
      if (row.expires_at !== null && row.expires_at <= origin.at) {
        throw invalid('This implied consent has already run out.', [
          { pointer: `#/${category}/since`, detail: `Implied consent from ${row.basis_since!.slice(0, 10)} lapsed on ${row.expires_at.slice(0, 10)} (CASL s. 10(10)).` },
        ]);
      }
      // The advisory threshold is in the history where it is not the default, or just changed.
      const threshold = row.advisory_threshold ?? 'all';
      const delivery = row.ticket_delivery ?? 'immediate';
      return [
        {
          row,
          receives,
          previous: before.subscribed,
          historyThreshold: threshold !== 'all' || threshold !== before.advisoryThreshold ? threshold : null,
          historyDelivery: delivery !== 'immediate' || delivery !== before.ticketDelivery ? delivery : null,
        },
      ];
    });
    for (const { row } of rows) {
      const { contact_id: _c, category: _k, chosen, ...kept } = row;
      // A lapse or an organization's policy is nobody's choice: it keeps whether someone chose.
      const set = chosen ? { ...kept, chosen } : kept;
      await trx
        .insertInto('consents')
        .values({ ...row, organization_id: (eb) => eb.selectFrom('contacts').select('organization_id').where('id', '=', contactId) })
        .onConflict((oc) => oc.columns(['contact_id', 'category']).doUpdateSet(set))
        .execute();
    }
    if (rows.length) {
      await trx
        .insertInto('consent_history')
        .values(
          rows.map(({ row, receives, previous, historyThreshold, historyDelivery }) =>
            this.historyRow({ ...row, subscribed: bit(receives), history_threshold: historyThreshold, history_delivery: historyDelivery }, bit(previous), origin),
          ),
        )
        .execute();
    }
    const receiving = rows.filter(({ receives, previous }) => receives !== previous);
    await this.told(trx, contactId, receiving.map(({ row, receives }) => ({ category: row.category, subscribed: receives, basis: row.basis })), origin);
    return rows.map(({ row }) => row.category);
  }

  /**
   * The usual unsubscribe (one-click, a page's button) without reading first: a person's choice to
   * turn off one optional category they receive, not locked, that someone else at the
   * organization still receives. One statement, written with the other opt-outs of the same
   * moment (quick-opt-out.ts), recorded exactly as change() records it. Answers false, having
   * written nothing, in any other case: the caller then calls change(), which decides.
   */
  async optOutAtOnce(db: Kysely<Database>, contactId: string, category: string, origin: ChangeOrigin): Promise<boolean> {
    if (!CHOICES.has(origin.source) || this.categories.get(category)?.required !== false) return false;
    return this.quickOptOut.run(db, contactId, category, proofOf(origin));
  }

  /**
   * History rows for what contacts receive changing without their own consent row changing: an
   * organization locking a category on, or lifting the lock.
   */
  async recordReceiving(trx: Transaction<Database>, changes: { contactId: string; category: string; state: ConsentState }[], origin: ChangeOrigin): Promise<void> {
    for (const batch of chunks(changes, 500)) {
      if (!batch.length) continue;
      await trx
        .insertInto('consent_history')
        .values(
          batch.map(({ contactId, category, state }) =>
            this.historyRow(
              { contact_id: contactId, category, subscribed: bit(state.subscribed), basis: state.locked ? 'b2b' : state.basis, basis_since: state.locked ? null : state.basisSince },
              bit(!state.subscribed),
              origin,
            ),
          ),
        )
        .execute();
    }
    for (const { contactId, category, state } of changes) {
      await this.told(trx, contactId, [{ category, subscribed: state.subscribed, basis: state.locked ? 'b2b' : state.basis }], origin);
    }
  }

  /** Turns off, as `expiry`, the contact's implied consent that has run out by `now`; returns the categories. */
  async lapse(trx: Transaction<Database>, contactId: string, now: string): Promise<string[]> {
    const states = (await this.statesOf(trx, [contactId], { lock: true })).get(contactId)!;
    // A locked category stays on whatever its own consent says: the organization requires it.
    const due = Object.entries(states).filter(([, s]) => s.subscribed && !s.locked && s.expiresAt !== null && s.expiresAt <= now && isImplied(s.basis));
    if (!due.length) return [];
    return this.change(trx, contactId, Object.fromEntries(due.map(([key]) => [key, false])), { source: 'expiry', at: now });
  }

  /** On, or off: what a wanted change rests on, from who made it and what it says. */
  private resolve(category: string, change: ConsentChange, before: ConsentState, origin: ChangeOrigin): ConsentChange {
    const advisoryThreshold = change.advisoryThreshold ?? before.advisoryThreshold;
    const ticketDelivery = change.ticketDelivery ?? before.ticketDelivery;
    if (!change.subscribed) return { subscribed: false, advisoryThreshold, ticketDelivery, basis: change.basis ?? before.basis, ...(before.basisSince ? { since: before.basisSince } : {}) };
    if (before.subscribed && change.basis === undefined) return { subscribed: true, advisoryThreshold, ticketDelivery, basis: before.basis, ...(before.basisSince ? { since: before.basisSince } : {}) };
    const basis = change.basis ?? (PERSON_SOURCES.has(origin.source) ? 'express' : this.categories.get(category)!.basis);
    return { subscribed: true, advisoryThreshold, ticketDelivery, basis, ...(change.since ? { since: change.since } : {}) };
  }

  private consentRow(contactId: string, category: string, change: ConsentChange, lastPurchase: string | null, origin: ChangeOrigin) {
    const basis = change.basis ?? this.categories.get(category)!.basis;
    const implied = isImplied(basis);
    const since = implied ? (change.since ?? origin.at) : null;
    return {
      contact_id: contactId,
      category,
      subscribed: bit(change.subscribed),
      updated_at: origin.at,
      basis,
      basis_since: since,
      expires_at: implied && change.subscribed ? impliedExpiry(basis, since!, lastPurchase) : null,
      renewed_at: null,
      renewed_by: null,
      lapsed_at: origin.source === 'expiry' ? origin.at : null,
      reconfirm_sent_at: null,
      chosen: CHOICES.has(origin.source) ? 1 : 0,
      advisory_threshold: category === ADVISORY_CATEGORY && change.advisoryThreshold && change.advisoryThreshold !== 'all' ? change.advisoryThreshold : null,
      ticket_delivery: category === TICKETS_CATEGORY && change.ticketDelivery === 'daily' ? 'daily' : null,
    };
  }

  /** The defaults the contacts' organizations set, per contact and category. */
  private async organizationDefaults(db: Db, contactIds: string[]): Promise<Map<string, Map<string, boolean>>> {
    const result = new Map<string, Map<string, boolean>>();
    for (const ids of chunks(contactIds, 500)) {
      if (!ids.length) continue;
      const rows = await db
        .selectFrom('contacts as c')
        .innerJoin('organization_policies as p', 'p.organization_id', 'c.organization_id')
        .select(['c.id', 'p.category', 'p.default_subscribed'])
        .where('c.id', 'in', ids)
        .where('p.default_subscribed', 'is not', null)
        .execute();
      for (const row of rows) {
        if (!result.has(row.id)) result.set(row.id, new Map());
        result.get(row.id)!.set(row.category, row.default_subscribed === 1);
      }
    }
    return result;
  }

  /** Each contact's organization, and that organization's last purchase (what implied consent rests on). */
  private async organizationsOf(db: Db, contactIds: string[]): Promise<Map<string, { organizationId: string; lastPurchaseAt: string | null }>> {
    const result = new Map<string, { organizationId: string; lastPurchaseAt: string | null }>();
    for (const ids of chunks(contactIds, 500)) {
      if (!ids.length) continue;
      const rows = await db
        .selectFrom('contacts as c')
        .innerJoin('organizations as o', 'o.id', 'c.organization_id')
        .select(['c.id', 'c.organization_id', 'o.last_purchase_at'])
        .where('c.id', 'in', ids)
        .execute();
      for (const row of rows) result.set(row.id, { organizationId: row.organization_id, lastPurchaseAt: row.last_purchase_at });
    }
    return result;
  }

  /**
   * Renews the implied consent an activity keeps alive: a purchase, of everyone at the
   * organization; an inquiry, of the contact who made it. Returns how many categories it pushed back.
   */
  async renew(trx: Transaction<Database>, scope: { organizationId: string } | { contactId: string }, kind: 'purchase' | 'inquiry', expiresAt: string, at: string): Promise<number> {
    let query = trx
      .updateTable('consents')
      .set({ expires_at: expiresAt, renewed_at: at, renewed_by: kind, reconfirm_sent_at: null })
      .where('subscribed', '=', 1)
      .where('basis', 'in', ['implied-relationship', 'implied-inquiry'])
      .where('expires_at', '<', expiresAt);
    query =
      'contactId' in scope
        ? query.where('contact_id', '=', scope.contactId)
        : query.where('contact_id', 'in', (eb) => eb.selectFrom('contacts').select('id').where('organization_id', '=', scope.organizationId));
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Implied consent lapsing by `until` that no reconfirmation was asked for yet: marks it asked, and returns it. */
  async claimReconfirmations(trx: Transaction<Database>, now: string, until: string, limit: number) {
    const due = await trx
      .selectFrom('consents')
      .select(['contact_id', 'category', 'expires_at'])
      .where('subscribed', '=', 1)
      .where('reconfirm_sent_at', 'is', null)
      .where('expires_at', '>', now)
      .where('expires_at', '<=', until)
      .orderBy('contact_id')
      .limit(limit)
      .execute();
    const claimed: { contactId: string; category: string; expiresAt: string }[] = [];
    for (const row of due) {
      // Claimed one by one, so two servers running the job never ask twice.
      const result = await trx
        .updateTable('consents')
        .set({ reconfirm_sent_at: now })
        .where('contact_id', '=', row.contact_id)
        .where('category', '=', row.category)
        .where('reconfirm_sent_at', 'is', null)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 1) claimed.push({ contactId: row.contact_id, category: row.category, expiresAt: row.expires_at! });
    }
    return claimed;
  }

  /** Contacts with implied consent that has run out by `now` (the daily job lapses them one by one). */
  async dueToLapse(db: Db, now: string, limit: number): Promise<string[]> {
    const rows = await db
      .selectFrom('consents')
      .select('contact_id')
      .distinct()
      .where('subscribed', '=', 1)
      .where('expires_at', '<=', now)
      .limit(limit)
      .execute();
    return rows.map((r) => r.contact_id);
  }

  /** Rows from before bases existed get their category's default, with implied consent resting on the organization's last purchase. */
  async fillMissingBases(db: Kysely<Database>): Promise<number> {
    const rows = await db
      .selectFrom('consents as cs')
      .innerJoin('contacts as c', 'c.id', 'cs.contact_id')
      .innerJoin('organizations as o', 'o.id', 'c.organization_id')
      .select(['cs.contact_id', 'cs.category', 'cs.subscribed', 'cs.updated_at', 'o.last_purchase_at'])
      .where('cs.basis', 'is', null)
      .execute();
    for (const batch of chunks(rows, 500)) {
      await db.transaction().execute(async (trx) => {
        for (const row of batch) {
          const basis = this.categories.get(row.category)?.basis ?? 'express';
          const since = isImplied(basis) ? (row.last_purchase_at ?? row.updated_at) : null;
          await trx
            .updateTable('consents')
            .set({ basis, basis_since: since, expires_at: since && row.subscribed === 1 ? impliedExpiry(basis as 'implied-relationship', since, row.last_purchase_at) : null })
            .where('contact_id', '=', row.contact_id)
            .where('category', '=', row.category)
            .where('basis', 'is', null)
            .execute();
        }
      });
    }
    return rows.length;
  }

  /** Retention: history older than `before` (proof of consent is kept for years, then no longer). */
  static expireHistory(trx: Transaction<Database>, before: string): Promise<number> {
    return deleteOlderThan(trx, 'consent_history', before);
  }

  /** The contact's current consent goes (an erasure); its history stays, as proof. */
  async forget(trx: Transaction<Database>, contactId: string): Promise<void> {
    await trx.deleteFrom('consents').where('contact_id', '=', contactId).execute();
  }

  async history(db: Db, contactId: string): Promise<ConsentHistoryEntry[]> {
    return (await this.fullHistory(db, contactId)).map(({ previous: _p, ip: _i, userAgent: _u, ...entry }) => entry);
  }

  /** The full history with the origin of each change, for an export or the evidence pack. */
  async fullHistory(db: Db, contactId: string) {
    const rows = await db.selectFrom('consent_history').selectAll().where('contact_id', '=', contactId).orderBy('id').execute();
    return rows.map((r) => ({
      category: r.category,
      previous: r.old_value === null ? null : r.old_value === 1,
      subscribed: r.new_value === 1,
      source: r.source as ConsentSource,
      at: r.at,
      basis: r.basis as ConsentBasis | null,
      basisSince: r.basis_since,
      wordingVersion: r.wording_version,
      wordingLocale: r.wording_locale as Locale | null,
      ...(r.advisory_threshold ? { advisoryThreshold: r.advisory_threshold as AdvisoryThreshold } : {}),
      ...(r.ticket_delivery ? { ticketDelivery: r.ticket_delivery as TicketDelivery } : {}),
      ip: r.ip,
      userAgent: r.user_agent,
    }));
  }

  private historyRow(
    row: {
      contact_id: string;
      category: string;
      subscribed: number;
      basis: string;
      basis_since: string | null;
      history_threshold?: string | null;
      history_delivery?: string | null;
    },
    oldValue: number | null,
    origin: ChangeOrigin,
  ) {
    return {
      contact_id: row.contact_id,
      category: row.category,
      old_value: oldValue,
      new_value: row.subscribed,
      ...proofOf(origin),
      basis: row.basis,
      basis_since: row.basis_since,
      advisory_threshold: row.history_threshold ?? null,
      ticket_delivery: row.history_delivery ?? null,
    };
  }
}

/** The history columns a change's origin fills: who, when, from where, and the wording shown. */
function proofOf(origin: ChangeOrigin): ChangeProof {
  return {
    source: origin.source,
    at: origin.at,
    ip: origin.ip ?? null,
    user_agent: origin.userAgent ? origin.userAgent.slice(0, 256) : null,
    wording_version: origin.wording?.version ?? null,
    wording_locale: origin.wording?.locale ?? null,
  };
}
