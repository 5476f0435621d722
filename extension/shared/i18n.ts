import type enMessages from '../_locales/en/messages.json';
import type frMessages from '../_locales/fr/messages.json';
import type { Locale } from '../../contract/index.js';
import { browser } from './browser.js';

/** Every key of the default locale: calling `t` with any other string is a type error. */
export type MessageKey = keyof typeof enMessages;

// A key missing from the French file makes this `true` fail to type-check.
type MissingInFrench = Exclude<MessageKey, keyof typeof frMessages>;
const frenchHasEveryKey: [MissingInFrench] extends [never] ? true : MissingInFrench = true;
void frenchHasEveryKey;

export function t(key: MessageKey, substitutions?: string | string[]): string {
  // An empty answer means the key is missing at runtime (a stale build): show the key, not nothing.
  return browser.i18n.getMessage(key, substitutions) || key;
}

/** The browser's UI language narrowed to the locales the server knows. */
export function uiLocale(): Locale {
  return browser.i18n.getUILanguage().toLowerCase().startsWith('fr') ? 'fr' : 'en';
}

/** The browser's language for dates and times; French without a region is written as in Quebec ("10 h 34"). */
export function formatLocale(): string {
  const language = browser.i18n.getUILanguage();
  return language.toLowerCase() === 'fr' ? 'fr-CA' : language;
}

/** A date such as "November 26, 2026" or « 26 novembre 2026 », in the browser's language. */
export function formatDate(iso: string): string {
  return new Intl.DateTimeFormat(formatLocale(), { dateStyle: 'long' }).format(new Date(iso));
}

/** A time such as "10:34 AM" or « 10 h 34 », with the weekday when it is not today. */
export function formatTimeOfDay(at: number, now: number): string {
  const sameDay = new Date(at).toDateString() === new Date(now).toDateString();
  return new Intl.DateTimeFormat(formatLocale(), { hour: 'numeric', minute: '2-digit', ...(sameDay ? {} : { weekday: 'long' }) }).format(new Date(at));
}
