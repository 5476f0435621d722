import fs from 'node:fs';
import { z } from 'zod';
import { quotedList } from '../rendering/format.js';
import { LOCALES, schemas, type ConsentWording, type Locale, type WordingSurface } from '../../contract/index.js';

const file = z.record(z.string().regex(/^[a-z-]+@[1-9]\d*$/, '<surface>@<n>'), z.object({ surface: schemas.wordingSurface, en: z.string().min(1), fr: z.string().min(1) }).strict());

/** What a person saw when they gave or withdrew consent: a version of a surface's wording, in a language. */
export interface WordingShown {
  version: string;
  locale: Locale;
}

export interface WordingValues {
  brand: string;
  /** Category labels, already in the wording's language. */
  categories?: string[];
  /** Already formatted in the wording's language. */
  date?: string;
}

/**
 * The consent wordings kept in the repository (consent-wordings.json), one version per text: a
 * text once shown never changes (test/consent/consent-wordings.test.ts holds each version's hash),
 * a new text is a new version, and the newest version of a surface is the one shown.
 */
export class ConsentWordings {
  private readonly byVersion: Map<string, ConsentWording>;
  private readonly current = new Map<WordingSurface, string>();

  constructor(source: Record<string, unknown> = JSON.parse(fs.readFileSync(new URL('./consent-wordings.json', import.meta.url), 'utf8'))) {
    const parsed = file.parse(source);
    this.byVersion = new Map(Object.entries(parsed).map(([version, w]) => [version, { version, surface: w.surface, texts: { en: w.en, fr: w.fr } }]));
    for (const wording of this.byVersion.values()) {
      if (!wording.version.startsWith(`${wording.surface}@`)) throw new Error(`consent wording ${wording.version} must be named after its surface`);
      const newest = this.current.get(wording.surface);
      if (!newest || numberOf(wording.version) > numberOf(newest)) this.current.set(wording.surface, wording.version);
    }
  }

  get(version: string): ConsentWording | undefined {
    return this.byVersion.get(version);
  }

  /** The version a surface shows now. */
  currentVersion(surface: WordingSurface): string {
    const version = this.current.get(surface);
    if (!version) throw new Error(`no consent wording for ${surface}`);
    return version;
  }

  /** The wording a request says it showed, if it is a version of that surface; else the current one. */
  shown(surface: WordingSurface, claimed: unknown, locale: unknown): WordingShown {
    const known = typeof claimed === 'string' ? this.byVersion.get(claimed) : undefined;
    return {
      version: known?.surface === surface ? known.version : this.currentVersion(surface),
      locale: LOCALES.includes(locale as Locale) ? (locale as Locale) : 'en',
    };
  }

  /** The text of a version in a language, with its values filled in, as a person reads it. */
  text(version: string, locale: Locale, values: WordingValues): string {
    const wording = this.byVersion.get(version);
    if (!wording) throw new Error(`unknown consent wording ${version}`);
    const categories = quotedList(values.categories ?? [], locale);
    return wording.texts[locale].replaceAll('{brand}', values.brand).replaceAll('{categories}', categories).replaceAll('{date}', values.date ?? '');
  }

  all(): ConsentWording[] {
    return [...this.byVersion.values()];
  }
}

const numberOf = (version: string) => Number(version.slice(version.indexOf('@') + 1));
