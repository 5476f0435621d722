// Every page of the console's menu, as an admin sees it (admins see them all), in English and
// French at desktop and phone width: a heading, nothing wider than the screen, no serious or
// critical axe-core finding, and a screenshot of each in test-artifacts/. The page's own tests
// check what it does; this one checks that no page is left out of the look and the checks.
// Layout does not depend on the store, so it runs on the embedded one.
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';
import { launchChromium } from '../support/chromium.js';
import { axeFindings, enrol, withPasskeyDevice } from './console-browser.js';

vi.setConfig({ testTimeout: 300_000 });

const OUT_DIR = 'test-artifacts/screenshots';
const WIDTHS = [1280, 375];

describe('every console page', () => {
  let server: TestServer;
  let smtp: TestSmtp;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(OUT_DIR, { recursive: true });
    smtp = await startSmtp();
    server = await startServer('sqlite', { publicHost: 'localhost', smtpUrl: smtp.url });
    browser = await launchChromium();
    const organization = await server.api.post('/api/v1/organizations', { name: 'Clinique Lavoie', locale: 'fr' });
    expect(organization.status).toBe(201);
    const contact = await server.api.post('/api/v1/contacts', { organizationId: organization.body.id, email: 'marie.lavoie@lavoie.example', name: 'Marie Lavoie', locale: 'fr' });
    expect(contact.status).toBe(201);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await smtp?.close();
  });

  /** The innermost elements that reach past the right edge of the screen (a scrolling region holds what it scrolls). */
  const overflowing = (page: Page) =>
    page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      const scrolls = (el: Element) => el.scrollWidth > el.clientWidth && getComputedStyle(el).overflowX !== 'visible';
      const inScroller = (from: Element | null) => {
        for (let p = from; p; p = p.parentElement) if (scrolls(p)) return true;
        return false;
      };
      // An absolutely placed element is held by its containing block, not by its parent.
      const holder = (el: Element) => (['absolute', 'fixed'].includes(getComputedStyle(el).position) ? (el as HTMLElement).offsetParent : el.parentElement);
      const wide = [...document.body.querySelectorAll('*')].filter((el) => el.getBoundingClientRect().right > width + 0.5 && !inScroller(holder(el)));
      return wide.filter((el) => !wide.some((other) => other !== el && el.contains(other))).map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} "${(el.textContent ?? '').trim().slice(0, 40)}"`);
    });

  /** Checks the page at each width, and keeps its picture. */
  async function look(page: Page, name: string) {
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      await page.locator('main h1').first().waitFor();
      await expect.poll(() => overflowing(page), { message: `${name} at ${width} px` }).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth), `${name} at ${width} px`).toBeLessThanOrEqual(width);
      expect({ name, width, findings: await axeFindings(page) }).toEqual({ name, width, findings: [] });
      await page.screenshot({ path: `${OUT_DIR}/console-every-${name}-${width}.png`, fullPage: true });
    }
  }

  it.each([
    ['en', 'en-CA'],
    ['fr', 'fr-CA'],
  ])('when an admin opens each page of the menu in %s, then each has its heading, fits a phone, and axe-core finds nothing serious', async (language, locale) => {
    const { context, page } = await withPasskeyDevice(browser, 1280, locale);
    await enrol(server, page, `every.${language}@msp.example`, 'admin');
    const links = await page.locator('nav a').evaluateAll((anchors) => anchors.map((a) => ({ href: (a as HTMLAnchorElement).pathname, text: a.textContent!.trim() })));
    expect(links.length).toBeGreaterThanOrEqual(7);
    for (const { href, text } of links) {
      await page.getByRole('navigation').getByRole('link', { name: text, exact: true }).click();
      await expect.poll(() => new URL(page.url()).pathname).toBe(href);
      await look(page, `${href.slice(1).replaceAll('/', '-')}-${language}`);
    }
    await page.getByRole('button', { name: /Sign out|Me déconnecter/ }).click();
    await look(page, `sign-in-${language}`);
    await context.close();
  });
});
