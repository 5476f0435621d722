import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { navigating } from '../support/pages.js';
import { postAdvisory } from '../support/seed.js';

const OUT_DIR = 'test-artifacts/screenshots';

describe('the unsubscribe page in a phone browser', () => {
  let browser: Browser;
  let server: TestServer;
  let contactId: string;

  beforeAll(async () => {
    mkdirSync(OUT_DIR, { recursive: true });
    server = await startServer('sqlite');
    const org = (await server.api.post('/api/v1/organizations', { name: 'Phone' })).body.id;
    contactId = (await server.api.post('/api/v1/contacts', { organizationId: org, email: 'phone@links.example' })).body.id;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it.each(['en', 'fr'] as const)('when opened at 375 px in %s, then it fits, works by keyboard without JavaScript, and unsubscribes', async (lang) => {
    const context = await browser.newContext({ viewport: { width: 375, height: 740 }, javaScriptEnabled: false, locale: lang });
    const page = await context.newPage();
    const url = `${server.url}/u/${server.services.tokens.link('unsubscribe', contactId, 'invoices')}?lang=${lang}`;
    await page.goto(url);
    await page.screenshot({ path: `${OUT_DIR}/unsubscribe-${lang}-375.png`, fullPage: true });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);

    const label = lang === 'en' ? 'Invoices and receipts' : 'Factures et reçus';
    const checkboxes = page.getByRole('checkbox');
    expect(await checkboxes.count()).toBe(5);
    await expect(page.getByRole('checkbox', { name: label }).isChecked()).resolves.toBe(true);

    // Focus order: the language switch, then the confirm button.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement?.textContent);
    expect(focused).toBe(lang === 'en' ? 'Unsubscribe' : 'Me désabonner');
    await navigating(page, () => page.keyboard.press('Enter'));
    await page.screenshot({ path: `${OUT_DIR}/unsubscribed-${lang}-375.png`, fullPage: true });
    await expect(page.getByRole('checkbox', { name: label }).isChecked()).resolves.toBe(false);
    expect(await page.getByRole('status').textContent()).toContain(label);
    expect((await server.api.get(`/api/v1/contacts/${contactId}`)).body.preferences.invoices).toBe(false);

    await navigating(page, () => page.getByRole('button', { name: lang === 'en' ? /Undo/ : /Annuler/ }).click());
    expect((await server.api.get(`/api/v1/contacts/${contactId}`)).body.preferences.invoices).toBe(true);
    await context.close();
  });

  it.each(['en', 'fr'] as const)('when an advisory acknowledgment link is opened at 375 px in %s, then it fits, confirms by keyboard without JavaScript, and says so', async (lang) => {
    const org = (await server.api.post('/api/v1/organizations', { name: `Clinique ${lang}` })).body.id;
    const contact = (await server.api.post('/api/v1/contacts', { organizationId: org, email: `ack.${lang}@links.example`, locale: lang })).body.id;
    const posted = await postAdvisory(server.url, {
      id: `ADV-page-${lang}`,
      organizationIds: [org],
      title: { en: 'Patch the firewall before Friday', fr: 'Corrigez le pare-feu avant vendredi' },
    });
    expect(posted.status).toBe(202);
    const advisoryId = (await server.testStore.store.db.selectFrom('fan_outs').select('id').where('external_id', '=', `ADV-page-${lang}`).executeTakeFirstOrThrow()).id;
    const context = await browser.newContext({ viewport: { width: 375, height: 740 }, javaScriptEnabled: false, locale: lang });
    const page = await context.newPage();
    await page.goto(`${server.url}/a/${server.services.tokens.acknowledgeLink(contact, advisoryId, 'applied')}`);
    await page.screenshot({ path: `${OUT_DIR}/acknowledge-${lang}-375.png`, fullPage: true });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(lang === 'en' ? 'Yes, we have applied the fix' : 'Oui, nous avons appliqué le correctif');
    await navigating(page, () => page.keyboard.press('Enter'));
    await page.screenshot({ path: `${OUT_DIR}/acknowledged-${lang}-375.png`, fullPage: true });
    expect(await page.getByRole('status').textContent()).toContain(lang === 'en' ? 'Thank you.' : 'Merci.');
    await context.close();
  });
});
