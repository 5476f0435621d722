import type { Locale } from '../../contract/index.js';
import en from './strings/en.json' with { type: 'json' };
import fr from './strings/fr.json' with { type: 'json' };

export type StringKey = keyof typeof en;
export type LocaleStrings = Readonly<Record<StringKey, string>>;

// Typed against the English file, so a key missing from French is a compile error.
const french: LocaleStrings = fr;

export const STRINGS: Readonly<Record<Locale, LocaleStrings>> = { en, fr: french };
