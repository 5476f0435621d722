import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Categories } from '../../server/consent/categories.js';

const category = (over: Record<string, unknown>) => ({
  key: 'news',
  label: { en: 'News', fr: 'Nouvelles' },
  description: { en: 'News.', fr: 'Nouvelles.' },
  subscribedByDefault: false,
  ...over,
});
const fromJson = (list: unknown[]) => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'categories-')), 'categories.json');
  fs.writeFileSync(file, JSON.stringify(list));
  return Categories.fromFile(file);
};

describe('the categories file and each category’s basis', () => {
  it('when the default file is read, then invoices and ticket updates are exempt, advisories and alerts implied by the relationship, marketing express-only', () => {
    const categories = Categories.fromFile();
    expect(Object.fromEntries(categories.list.map((c) => [c.key, c.basis]))).toEqual({
      'ticket-updates': 'exempt',
      invoices: 'exempt',
      'security-advisories': 'implied-relationship',
      'service-alerts': 'implied-relationship',
      marketing: 'express',
    });
    expect(categories.list.filter((c) => categories.isExpressOnly(c.key)).map((c) => c.key)).toEqual(['marketing']);
  });

  it('when a category leaves its basis out, then it follows its default: required exempt, on by default implied, off by default express', () => {
    const categories = fromJson([
      category({ key: 'notices', required: true, subscribedByDefault: true }),
      category({ key: 'alerts', subscribedByDefault: true }),
      category({ key: 'news' }),
    ]);
    expect(categories.list.map((c) => [c.key, c.basis])).toEqual([
      ['notices', 'exempt'],
      ['alerts', 'implied-relationship'],
      ['news', 'express'],
    ]);
  });

  it('when an express-only category is on by default, or a required one rests on implied consent, then the file is refused', () => {
    expect(() => fromJson([category({ basis: 'express', subscribedByDefault: true })])).toThrow(/cannot be subscribed by default/);
    expect(() => fromJson([category({ required: true, subscribedByDefault: true, basis: 'implied-relationship' })])).toThrow(/required category cannot rest on implied consent/);
    expect(() => fromJson([category({ basis: 'sometimes' })])).toThrow(/Invalid categories file/);
  });
});
