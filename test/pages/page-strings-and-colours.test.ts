import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PAGE_STRINGS } from '../../server/pages/page-strings.js';
import { frenchProblems } from '../support/french-typography.js';

/** Every French page string, functions called with a sample argument, each with its key. */
function frenchStrings(): [string, string][] {
  const out: [string, string][] = [];
  const walk = (value: unknown, key: string) => {
    if (typeof value === 'string') out.push([key, value]);
    else if (typeof value === 'function') out.push([key, String((value as (...a: string[]) => string)('Clinique Lavoie', '3 juin'))]);
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, key ? `${key}.${k}` : k);
  };
  walk(PAGE_STRINGS.fr, '');
  // The switch to English is English on purpose (it carries lang="en").
  return out.filter(([key]) => key !== 'switchLanguageLabel' && key !== 'switchLanguage');
}

describe('the French of the link pages', () => {
  const strings = frenchStrings();

  it('when any French string is read, then it follows the Quebec convention shared with the extension and the emails: no-break spaces before ":" and "»" and after "«", none before "?", "!" or ";", ’ only, neutral wording, no "prestataire"', () => {
    expect(strings.length).toBeGreaterThan(50);
    expect(Object.fromEntries(strings.map(([key, text]) => [key, frenchProblems(text)]).filter(([, found]) => found!.length > 0))).toEqual({});
    expect(strings.filter(([, text]) => text.includes('’')).length).toBeGreaterThan(10);
  });
});

const css = readFileSync(new URL('../../server/pages/assets/page.css', import.meta.url), 'utf8');
const colour = (name: string) => {
  const found = new RegExp(`--${name}:\\s*(#[0-9a-f]{6})`, 'i').exec(css)?.[1];
  if (!found) throw new Error(`--${name} is not a six-digit colour in page.css`);
  return found;
};
/** WCAG 2.x contrast ratio of two sRGB colours. */
function contrast(a: string, b: string): number {
  const luminance = (hex: string) => {
    const [r, g, bl] = hex.match(/[0-9a-f]{2}/gi)!.map((h) => parseInt(h, 16) / 255).map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light! + 0.05) / (dark! + 0.05);
}

describe('the link pages’ colours (WCAG 1.4.3 text, 1.4.11 controls and focus)', () => {
  const white = '#ffffff';
  it.each([
    ['an input, select or checkbox edge on a card', 'control', white, 3],
    ['an edge on the page grey', 'control', 'page', 3],
    ['the focus ring on a card', 'focus', white, 3],
    ['the focus ring on the page grey', 'focus', 'page', 3],
    ['the white focus ring in the header, on the brand', white, 'brand', 3],
    ['a checked box (brand) on a card', 'brand', white, 3],
    ['muted text', 'muted', white, 4.5],
    ['a done message on its green', 'ok', 'ok-bg', 4.5],
    ['an error', 'problem', white, 4.5],
  ] as const)('when %s is drawn, then its contrast is at least the minimum', (_what, fore, back, minimum) => {
    const value = (c: string) => (c.startsWith('#') ? c : colour(c));
    expect(contrast(value(fore), value(back))).toBeGreaterThanOrEqual(minimum);
  });

  it('when an element takes focus, then the ring uses --focus (the header’s is white)', () => {
    expect(css).toMatch(/:focus-visible \{ outline: 3px solid var\(--focus\)/);
    expect(css).toMatch(/header :focus-visible \{ outline-color: #fff; \}/);
  });
});
