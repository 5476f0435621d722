// An in-memory stand-in for extension/shared/browser.ts in component tests:
//   vi.mock('../shared/browser.js', () => import('./fake-browser.js'));
// Messages come from the real _locales files, so tests see the strings users see.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

interface MessageEntry {
  message: string;
  placeholders?: Record<string, { content: string }>;
}
type Messages = Record<string, MessageEntry>;

const localesDir = resolve(import.meta.dirname, '..', '..', 'extension', '_locales');
const catalogs: Record<string, Messages> = {};
function catalog(language: string): Messages {
  const locale = language.toLowerCase().startsWith('fr') ? 'fr' : 'en';
  catalogs[locale] ??= JSON.parse(readFileSync(resolve(localesDir, locale, 'messages.json'), 'utf8')) as Messages;
  return catalogs[locale];
}

/** Chrome's rules: $NAME$ → the placeholder's content, whose $1…$9 are the substitutions. */
function format(entry: MessageEntry, substitutions: string[]): string {
  const fill = (text: string) => text.replace(/\$(\d)/g, (_, n: string) => substitutions[Number(n) - 1] ?? '');
  return entry.message.replace(/\$([a-z0-9_@]+)\$/gi, (_, name: string) =>
    fill(entry.placeholders?.[name.toLowerCase()]?.content ?? ''),
  );
}

export const fake = {
  language: 'en',
  storage: new Map<string, unknown>(),
  /** What a policy set (storage.managed); `managedArea` 'rejects' as Firefox does with no policy, 'missing' as where the area is undefined. */
  managed: new Map<string, unknown>(),
  managedArea: 'present' as 'present' | 'rejects' | 'missing',
  openedOptions: 0,
  reset(language = 'en') {
    this.language = language;
    this.storage.clear();
    this.managed.clear();
    this.managedArea = 'present';
    this.openedOptions = 0;
  },
};

export const browser = {
  i18n: {
    getUILanguage: () => fake.language,
    getMessage(key: string, substitutions?: string | string[]): string {
      const entry = catalog(fake.language)[key];
      if (!entry) return '';
      return format(entry, substitutions === undefined ? [] : ([] as string[]).concat(substitutions));
    },
  },
  storage: {
    local: {
      async get(keys: null | string | string[]): Promise<Record<string, unknown>> {
        const wanted = keys === null ? [...fake.storage.keys()] : ([] as string[]).concat(keys);
        return Object.fromEntries(wanted.filter((k) => fake.storage.has(k)).map((k) => [k, fake.storage.get(k)]));
      },
      async set(items: Record<string, unknown>): Promise<void> {
        for (const [key, value] of Object.entries(items)) fake.storage.set(key, structuredClone(value));
      },
      async remove(keys: string | string[]): Promise<void> {
        for (const key of ([] as string[]).concat(keys)) fake.storage.delete(key);
      },
    },
    get managed() {
      if (fake.managedArea === 'missing') return undefined;
      return {
        async get(keys: null | string | string[]): Promise<Record<string, unknown>> {
          if (fake.managedArea === 'rejects') throw new Error('Managed storage manifest not found');
          const wanted = keys === null ? [...fake.managed.keys()] : ([] as string[]).concat(keys);
          return Object.fromEntries(wanted.filter((k) => fake.managed.has(k)).map((k) => [k, fake.managed.get(k)]));
        },
      };
    },
    onChanged: { addListener() {} },
  },
  runtime: {
    async openOptionsPage(): Promise<void> {
      fake.openedOptions += 1;
    },
    onInstalled: { addListener() {} },
  },
};
