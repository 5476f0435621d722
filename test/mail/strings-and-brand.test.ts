import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkBrand, contrastRatio, textColorOn } from '../../server/rendering/brand.js';
import { TEMPLATES_DIR } from '../../server/rendering/compile-mjml.js';
import { compileTemplates, TEMPLATE_NAMES } from '../../server/rendering/render.js';
import { SEVERITIES, SEVERITY_STYLES } from '../../server/rendering/severity.js';
import { STRINGS } from '../../server/rendering/strings.js';
import { stringPrefix } from '../../server/rendering/template-names.js';
import { BRAND } from './fixtures.js';

function mjmlFiles(dir = TEMPLATES_DIR): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? mjmlFiles(join(dir, entry.name)) : entry.name.endsWith('.mjml') ? [join(dir, entry.name)] : [],
  );
}

describe('the string files', () => {
  it('have the same keys in English and French, and every template has a subject and preheader', () => {
    expect(Object.keys(STRINGS.fr).sort()).toEqual(Object.keys(STRINGS.en).sort());
    for (const template of TEMPLATE_NAMES) {
      expect(STRINGS.en).toHaveProperty([`${stringPrefix(template)}.subject`]);
      expect(STRINGS.en).toHaveProperty([`${stringPrefix(template)}.preheader`]);
    }
  });

  it('never insert unescaped values', () => {
    for (const value of [...Object.values(STRINGS.en), ...Object.values(STRINGS.fr)]) expect(value).not.toContain('{{{');
  });

  it('use French typography: no-break space before a colon and inside « », no straight quotes', () => {
    for (const [key, value] of Object.entries(STRINGS.fr)) {
      expect(value, key).not.toMatch(/ [:;!?»]|« |"|'/);
      expect(value, key).not.toMatch(/[^\u00a0]:|«[^\u00a0]|[^\u00a0]»/);
    }
  });
});

describe('the templates', () => {
  it('hold no translated text: only placeholders between their tags', () => {
    for (const file of mjmlFiles()) {
      const source = readFileSync(file, 'utf8')
        .replace(/<!--[\s\S]*?-->/g, '')
        .replace(/<mj-style[\s\S]*?<\/mj-style>/g, '')
        .replace(/<[^>]*>/g, ' ')
        .replace(/\{\{[^}]*\}\}\}?|\[\[[^\]]*\]\]/g, ' ');
      expect(source.replace(/[\s:#]+/g, ''), file).toBe('');
    }
  });

  it('insert raw HTML only for the sanitized Markdown body', () => {
    const raw = mjmlFiles().flatMap((file) => readFileSync(file, 'utf8').match(/\{\{\{[^}]*\}\}\}/g) ?? []);
    expect(new Set(raw)).toEqual(new Set(['{{{bodyHtml}}}']));
  });
});

describe('the brand', () => {
  it('when its colour or URLs are unsafe, then compiling refuses', async () => {
    await expect(compileTemplates({ ...BRAND, color: 'red;background:url(x)' })).rejects.toThrow(/color/);
    expect(() => checkBrand({ ...BRAND, logoUrl: 'javascript:alert(1)' })).toThrow(/logoUrl/);
    expect(() => checkBrand({ ...BRAND, postalAddress: ' ' })).toThrow(/postalAddress/);
    expect(checkBrand({ ...BRAND, color: '#0AF' }).color).toBe('#00aaff');
  });

  it('then button text is readable on any brand colour', () => {
    for (const color of ['#0b5cad', '#ffd400', '#111111', '#ffffff', '#e11d48', '#22c55e']) {
      expect(contrastRatio(color, textColorOn(color))).toBeGreaterThanOrEqual(4.5);
    }
  });
});

describe('the severity banner', () => {
  it('then every level has AA contrast, and critical is the red one', () => {
    for (const severity of SEVERITIES) {
      const style = SEVERITY_STYLES[severity];
      expect(contrastRatio(style.background, style.text), severity).toBeGreaterThanOrEqual(4.5);
    }
    const red = (hex: string) => parseInt(hex.slice(1, 3), 16) > 150 && parseInt(hex.slice(3, 5), 16) < 60;
    expect(SEVERITIES.filter((s) => red(SEVERITY_STYLES[s].background))).toEqual(['critical']);
  });
});
