import { LOCALES, type Locale } from '../../contract/index.js';

/** A text in one language (a plain string, in the message's `language`) or in both. */
export type InLanguages = string | { en?: string; fr?: string };

/** The text in `locale`, or in the other language when only that one was written. */
export function inLanguage(value: InLanguages, locale: Locale, plainLanguage: Locale = 'en'): { text: string; lang: Locale } {
  if (typeof value === 'string') return { text: value, lang: plainLanguage };
  const lang = value[locale] !== undefined ? locale : LOCALES.find((l) => value[l] !== undefined)!;
  return { text: value[lang]!, lang };
}

/** A text as `{en?, fr?}`, whatever shape it came in. */
export function byLanguage(value: InLanguages, plainLanguage: Locale = 'en'): { en?: string; fr?: string } {
  return typeof value === 'string' ? { [plainLanguage]: value } : { ...value };
}
