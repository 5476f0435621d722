import type { ConsentBasis, ConsentSource } from '../../contract/index.js';

/** The bases that run out unless the relationship is renewed, and how long each lasts (CASL s. 10(10)). */
export const IMPLIED_MONTHS = {
  /** A purchase, lease, business opportunity or written contract: 2 years from it (s. 10(10)(a)–(c)). */
  'implied-relationship': 24,
  /** An inquiry or application: 6 months from it (s. 10(10)(d)). */
  'implied-inquiry': 6,
} as const satisfies Partial<Record<ConsentBasis, number>>;

export type ImpliedBasis = keyof typeof IMPLIED_MONTHS;

export const isImplied = (basis: string | null | undefined): basis is ImpliedBasis => basis === 'implied-relationship' || basis === 'implied-inquiry';

/** What renews implied consent: an invoice receipt sent is a purchase, a ticket update an inquiry. */
export type Renewal = 'purchase' | 'inquiry';
export const RENEWAL_MONTHS: Record<Renewal, number> = { purchase: IMPLIED_MONTHS['implied-relationship'], inquiry: IMPLIED_MONTHS['implied-inquiry'] };

/** A reconfirmation email goes this many days before implied consent lapses. */
export const RECONFIRM_DAYS_BEFORE = 30;

/** The people's own changes: switching a category on there is express consent. */
export const PERSON_SOURCES: ReadonlySet<ConsentSource> = new Set([
  'extension',
  'preference-page',
  'unsubscribe-page',
  'reconfirmation',
  'double-opt-in',
]);

/** `iso` plus whole calendar months (UTC), clamped to the month's last day like a lawyer counts. */
export function addMonths(iso: string, months: number): string {
  const date = new Date(iso);
  const day = date.getUTCDate();
  date.setUTCDate(1);
  date.setUTCMonth(date.getUTCMonth() + months);
  const last = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  date.setUTCDate(Math.min(day, last));
  return date.toISOString();
}

/**
 * When implied consent that started `since` lapses: its own period, or two years after the
 * organization's last purchase if that is later (either keeps the business relationship alive).
 */
export function impliedExpiry(basis: ImpliedBasis, since: string, lastPurchaseAt: string | null): string {
  const own = addMonths(since, IMPLIED_MONTHS[basis]);
  const byPurchase = lastPurchaseAt ? addMonths(lastPurchaseAt, IMPLIED_MONTHS['implied-relationship']) : own;
  return own > byPurchase ? own : byPurchase;
}

/** Why nothing is sent to an address on the suppression list, as a message's status says it. */
export const ON_SUPPRESSION_LIST = 'The address is on the suppression list.';

/** Why category mail is not sent to a contact who is not subscribed: a lapse says so, with its date. */
export function notSubscribedReason(state: { lapsedAt: string | null } | undefined): string {
  return state?.lapsedAt
    ? `Implied consent lapsed on ${state.lapsedAt.slice(0, 10)} (CASL s. 10(10)) and was not confirmed since.`
    : 'The contact is not subscribed to this category.';
}
