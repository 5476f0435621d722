import type { Locale } from '../../contract/index.js';

const INTL_LOCALE: Record<Locale, string> = { en: 'en-CA', fr: 'fr-CA' };

// A date-only value is a calendar day, not an instant: format it in UTC so no zone moves it a day.
// An instant is shown in Eastern time, where SERVEITPRO and most of its clients are.
const DISPLAY_TIME_ZONE = 'America/Toronto';

const cache = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();
function cached<F extends Intl.DateTimeFormat | Intl.NumberFormat>(key: string, make: () => F): F {
  let format = cache.get(key);
  if (!format) {
    format = make();
    cache.set(key, format);
  }
  return format as F;
}

export function formatDate(iso: string, locale: Locale): string {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(iso);
  const timeZone = dateOnly ? 'UTC' : DISPLAY_TIME_ZONE;
  const format = cached(`date:${locale}:${timeZone}`, () =>
    new Intl.DateTimeFormat(INTL_LOCALE[locale], { dateStyle: 'long', timeZone }),
  );
  const parts = format.formatToParts(new Date(iso));
  // French writes the first of the month as an ordinal: « 1er novembre », which Intl does not do.
  if (locale === 'fr') return parts.map((p) => (p.type === 'day' && p.value === '1' ? '1er' : p.value)).join('');
  return parts.map((p) => p.value).join('');
}

/** An instant with its time, in Eastern time, naming the zone (an outage's start, its expected end). */
export function formatDateTime(iso: string, locale: Locale): string {
  const format = cached(`datetime:${locale}`, () =>
    new Intl.DateTimeFormat(INTL_LOCALE[locale], { dateStyle: 'long', timeStyle: 'short', timeZone: DISPLAY_TIME_ZONE }),
  );
  const zone = cached(`zone:${locale}`, () => new Intl.DateTimeFormat(INTL_LOCALE[locale], { timeZoneName: 'short', timeZone: DISPLAY_TIME_ZONE }));
  const name = zone.formatToParts(new Date(iso)).find((p) => p.type === 'timeZoneName')?.value ?? '';
  return `${format.format(new Date(iso))} ${name}`.trim();
}

export function formatMoney(amount: number | string, currency: string, locale: Locale): string {
  const code = currency.toUpperCase();
  const format = cached(`money:${locale}:${code}`, () =>
    new Intl.NumberFormat(INTL_LOCALE[locale], { style: 'currency', currency: code }),
  );
  // A decimal string is formatted exactly (no float rounding): Intl accepts decimal strings.
  return format.format(typeof amount === 'string' ? (amount as Intl.StringNumericLiteral) : amount);
}

export function formatMinutes(minutes: number, locale: Locale): string {
  const format = cached(`minutes:${locale}`, () =>
    new Intl.NumberFormat(INTL_LOCALE[locale], { style: 'unit', unit: 'minute', unitDisplay: 'long' }),
  );
  return format.format(minutes);
}

/** Category labels as a sentence lists them, each quoted the way the language quotes. */
export function quotedList(labels: string[], locale: Locale): string {
  const quoted = labels.map((label) => (locale === 'fr' ? `«\u00a0${label}\u00a0»` : `“${label}”`));
  return quoted.length > 1 ? `${quoted.slice(0, -1).join(', ')} ${locale === 'fr' ? 'et' : 'and'} ${quoted.at(-1)}` : (quoted[0] ?? '');
}
