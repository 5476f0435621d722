// Convention test: every locale has every key, keys are scope_item, and English explains each one.
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { frenchProblems } from '../../test/support/french-typography.js';

interface Entry {
  message: string;
  description?: string;
  placeholders?: Record<string, { content: string; example?: string }>;
}

const dir = resolve(import.meta.dirname, '..', '_locales');
const load = (locale: string) =>
  JSON.parse(readFileSync(resolve(dir, locale, 'messages.json'), 'utf8')) as Record<string, Entry>;
const en = load('en');
const locales = readdirSync(dir);
const placeholdersIn = (text: string) => [...text.matchAll(/\$([a-z0-9_]+)\$/gi)].map((m) => m[1]!.toLowerCase()).sort();

describe('messages', () => {
  it('when listing locales, then English and French are there', () => {
    expect(locales.sort()).toEqual(['en', 'fr']);
  });

  it('when reading English, then every key is scope_item and has a description for translators', () => {
    for (const [key, entry] of Object.entries(en)) {
      expect(key).toMatch(/^[a-z]+_[a-z0-9_]+$/);
      expect(entry.description, key).toBeTruthy();
    }
  });

  for (const locale of locales) {
    it(`when reading ${locale}, then it has exactly the English keys with the same placeholders`, () => {
      const messages = load(locale);
      expect(Object.keys(messages).sort()).toEqual(Object.keys(en).sort());
      for (const [key, entry] of Object.entries(messages)) {
        expect(entry.message.trim(), key).not.toBe('');
        expect(placeholdersIn(entry.message), key).toEqual(placeholdersIn(en[key]!.message));
        for (const name of placeholdersIn(entry.message)) expect(entry.placeholders?.[name], `${key} ${name}`).toBeTruthy();
      }
    });
  }
});

describe('the French', () => {
  it('when a French message is read, then it follows the link pages\' Quebec typography and neutral wording', () => {
    const problems = Object.entries(load('fr'))
      .map(([key, { message }]) => [key, frenchProblems(message)] as const)
      .filter(([, found]) => found.length > 0);
    expect(Object.fromEntries(problems)).toEqual({});
  });
});

describe('message use', () => {
  const sourceDir = resolve(import.meta.dirname, '..');
  const sources = [
    readFileSync(resolve(sourceDir, '..', 'manifest.json'), 'utf8'),
    ...readdirSync(sourceDir, { recursive: true, encoding: 'utf8' })
      .filter((file) => /\.tsx?$/.test(file) && !file.includes('.test.'))
      .map((file) => readFileSync(resolve(sourceDir, file), 'utf8')),
  ].join('\n');

  it('when scanning the sources, then every English key is used (no dead strings for translators)', () => {
    const unused = Object.keys(en).filter((key) => !sources.includes(`'${key}'`) && !sources.includes(`__MSG_${key}__`));
    expect(unused).toEqual([]);
  });
});
