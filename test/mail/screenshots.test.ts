import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCALES } from '../../contract/index.js';
import { contrastRatio } from '../../server/rendering/brand.js';
import { compileTemplates, TEMPLATE_NAMES, type Renderer } from '../../server/rendering/render.js';
import { SEVERITIES } from '../../server/rendering/severity.js';
import { BRAND, contextFor, SAMPLE_DATA } from './fixtures.js';

const OUT_DIR = 'test-artifacts/screenshots';
const WIDTHS = [375, 800] as const;
const LOGO_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="320" height="64" viewBox="0 0 320 64"><rect width="64" height="64" rx="12" fill="#0b5cad"/><text x="80" y="44" font-family="Arial" font-size="34" font-weight="700" fill="#0b5cad">SERVEITPRO</text></svg>';

// A long unbreakable word is what pushes a phone layout sideways.
const LONG_WORD = 'https://psa.serveitpro.example/attachments/' + 'a1b2c3d4'.repeat(12);

let browser: Browser;
let renderer: Renderer;

beforeAll(async () => {
  mkdirSync(OUT_DIR, { recursive: true });
  renderer = await compileTemplates(BRAND);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

async function shoot(html: string, path: string, width: number, colorScheme: 'light' | 'dark' = 'light'): Promise<number> {
  const page = await browser.newPage({ colorScheme });
  try {
    await page.route('**/*', (route) =>
      route.request().url() === BRAND.logoUrl
        ? route.fulfill({ contentType: 'image/svg+xml', body: LOGO_SVG })
        : route.abort(),
    );
    await page.setViewportSize({ width, height: 900 });
    await page.setContent(html, { waitUntil: 'load' });
    await page.screenshot({ path, fullPage: true });
    return await page.evaluate(() => document.documentElement.scrollWidth);
  } finally {
    await page.close();
  }
}

describe('every email in a real browser', () => {
  for (const template of TEMPLATE_NAMES) {
    for (const locale of LOCALES) {
      it(`${template} (${locale}) fits a 375 px phone and an 800 px desktop`, async () => {
        const data = { ...SAMPLE_DATA[template] };
        if (template === 'ticket-update') data.message = `${String(data.message)}\nLog: ${LONG_WORD}`;
        const { html } = await renderer.render(template, data, contextFor(template, locale));
        for (const width of WIDTHS) {
          const scrollWidth = await shoot(html, `${OUT_DIR}/${template}.${locale}.${width}.png`, width);
          expect(scrollWidth).toBeLessThanOrEqual(width);
        }
      });
    }
  }

  for (const severity of SEVERITIES) {
    it(`the ${severity} advisory banner fits a 375 px phone`, async () => {
      const data = { ...SAMPLE_DATA['security-advisory'], severity };
      const { html } = await renderer.render('security-advisory', data, contextFor('security-advisory', 'fr'));
      expect(await shoot(html, `${OUT_DIR}/security-advisory.${severity}.fr.375.png`, 375)).toBeLessThanOrEqual(375);
    });
  }
});

/** `rgb(r, g, b)` as `#rrggbb`. */
const hex = (rgb: string) => `#${(rgb.match(/\d+/g) ?? []).slice(0, 3).map((n) => Number(n).toString(16).padStart(2, '0')).join('')}`;

describe('every email in dark mode, in a real browser', () => {
  for (const template of TEMPLATE_NAMES) {
    for (const locale of LOCALES) {
      it(`${template} (${locale}) turns dark and keeps its text, links and brand legible`, async () => {
        const { html } = await renderer.render(template, { ...SAMPLE_DATA[template] }, contextFor(template, locale));
        expect(await shoot(html, `${OUT_DIR}/${template}.${locale}.dark.375.png`, 375, 'dark')).toBeLessThanOrEqual(375);
        const page = await browser.newPage({ colorScheme: 'dark' });
        try {
          await page.route('**/*', (route) => route.abort());
          await page.setContent(html, { waitUntil: 'load' });
          const seen = await page.evaluate(() => {
            const color = (selector: string, property: 'color' | 'backgroundColor' | 'borderTopColor' = 'color') => {
              const element = document.querySelector(selector);
              return element ? getComputedStyle(element)[property] : null;
            };
            return {
              page: color('body', 'backgroundColor')!,
              card: color('.card', 'backgroundColor')!,
              heading: color('h1'),
              text: color('.text > div')!,
              footer: color('.footer > div')!,
              footerLink: color('.footer a')!,
              link: color('.card a:not(.button a)'),
              brandBar: color('.card p', 'borderTopColor')!,
              button: color('.button td', 'backgroundColor'),
              buttonText: color('.button a'),
              logoGround: color('.logo img', 'backgroundColor'),
            };
          });
          expect(contrastRatio(hex(seen.page), '#000000')).toBeLessThan(1.5);
          for (const [name, foreground] of [['text', seen.text], ['heading', seen.heading], ['link', seen.link]] as const) {
            if (foreground) expect(contrastRatio(hex(foreground), hex(seen.card)), name).toBeGreaterThanOrEqual(4.5);
          }
          expect(contrastRatio(hex(seen.footer), hex(seen.page))).toBeGreaterThanOrEqual(4.5);
          expect(contrastRatio(hex(seen.footerLink), hex(seen.page))).toBeGreaterThanOrEqual(4.5);
          // The brand: its colour bar and buttons unchanged, their text readable, the logo on a light ground.
          expect(hex(seen.brandBar)).toBe(BRAND.color);
          if (seen.button) {
            expect(hex(seen.button)).toBe(BRAND.color);
            expect(contrastRatio(hex(seen.buttonText!), BRAND.color)).toBeGreaterThanOrEqual(4.5);
          }
          expect(hex(seen.logoGround!)).toBe('#ffffff');
        } finally {
          await page.close();
        }
      });
    }
  }
});
