// The console's Contacts page as the support team meets it: find a person by name, see why last
// week's advisory did not reach them, download their data, correct their name; an admin erases a
// contact and reads the receipt. axe-core on each state; screenshots at 1280 and 375 px.
import { mkdirSync, readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { STORES } from '../support/stores.js';
import { startServer, type TestServer } from '../support/server.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';
import { launchChromium } from '../support/chromium.js';
import { eventually } from '../support/mail.js';
import { postAdvisory } from '../support/seed.js';
import { axeFindings, enrol, withPasskeyDevice } from './console-browser.js';

// A browser, a passkey ceremony and axe-core per step: more than the default 30 s when the machine is busy.
vi.setConfig({ testTimeout: 120_000 });

const OUT_DIR = 'test-artifacts/screenshots';

describe.each(STORES)('the console’s Contacts page on %s', (kind) => {
  let server: TestServer;
  let smtp: TestSmtp;
  let browser: Browser;
  let organizationId: string;
  let marie: { id: string; email: string };

  const fitsWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

  beforeAll(async () => {
    mkdirSync(OUT_DIR, { recursive: true });
    smtp = await startSmtp();
    server = await startServer(kind, { publicHost: 'localhost', smtpUrl: smtp.url });
    browser = await launchChromium();

    // Marie opted out of security advisories; then an advisory went to her whole organization.
    organizationId = (await server.api.post('/api/v1/organizations', { name: 'Clinique Lavallée' })).body.id;
    const created = await server.api.post('/api/v1/contacts', {
      organizationId,
      email: `marie.tremblay.${kind}@clinique-lavallee.example`,
      name: 'Marie Tremblay',
      jobTitle: 'Office manager',
      phone: '+1 418 555 0142',
    });
    expect(created.status).toBe(201);
    marie = { id: created.body.id, email: created.body.email };
    for (const [name, email] of [
      ['Jean Tremblay', `jean.tremblay.${kind}@clinique-lavallee.example`],
      ['Marie-Ève Roy', `me.roy.${kind}@clinique-lavallee.example`],
    ]) {
      expect((await server.api.post('/api/v1/contacts', { organizationId, email, name })).status).toBe(201);
    }
    // Earlier, on her preference page, she turned service alerts off (the history keeps the wording she saw).
    const preferences = await fetch(`${server.url}/p/${server.services.tokens.link('preferences', marie.id)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams([
        ['action', 'save'],
        ['wording', 'preference-page@1'],
        ['category', 'ticket-updates'],
        ['category', 'invoices'],
        ['category', 'security-advisories'],
      ]).toString(),
    });
    expect(preferences.status).toBe(200);
    expect((await server.api.put(`/api/v1/contacts/${marie.id}/preferences`, { 'security-advisories': false })).status).toBe(200);
    expect((await postAdvisory(server.url, { id: `ADV-contacts-${kind}`, severity: 'high', organizationIds: [organizationId] })).status).toBe(202);
    await eventually(
      () => server.api.get(`/api/v1/contacts/${marie.id}/evidence`),
      (res) => res.body.messages.some((m: { template: string; status: string }) => m.template === 'security-advisory' && m.status === 'suppressed'),
    );
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await smtp?.close();
  });

  it('when support searches "tremblay" and opens Marie, then the advisory shows as not sent with the reason; the export downloads her data; her name is corrected; Erase and the email field are not offered', async () => {
    const { context, page } = await withPasskeyDevice(browser);
    await enrol(server, page, `support.contacts.${kind}@msp.example`, 'support');
    await page.getByRole('link', { name: 'Contacts' }).click();
    await page.getByRole('heading', { level: 1, name: 'Contacts' }).waitFor();
    expect(page.url()).toBe(`${server.config.publicUrl}/console/contacts`);

    await page.getByLabel('Email or name').fill('tremblay');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('2 contacts found.').waitFor();
    const rows = page.locator('table.results tbody tr');
    expect(await rows.count()).toBe(2);
    const marieRow = rows.filter({ hasText: 'Marie Tremblay' });
    expect(await marieRow.locator('td').allInnerTexts()).toEqual(['Marie Tremblay', marie.email, 'Clinique Lavallée']);
    expect(await axeFindings(page)).toEqual([]);

    await page.getByRole('link', { name: 'Marie Tremblay' }).click();
    const contactHeading = page.getByRole('heading', { level: 2, name: 'Marie Tremblay' });
    await contactHeading.waitFor();
    // Focus moves to the contact once it is open.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('contact-heading');
    expect(page.url()).toBe(`${server.config.publicUrl}/console/contacts?contact=${marie.id}`);

    // Why did she not receive the advisory? The messages table says it in words.
    const advisoryRow = page.locator('table.messages tbody tr', { hasText: 'Security advisory' });
    expect(await advisoryRow.count()).toBe(1);
    const cells = await advisoryRow.locator('td').allInnerTexts();
    expect(cells[2]).toContain('Not sent');
    expect(cells[3]).toMatch(/^“Security advisories” is turned off for this person, since .+ \(MSP staff\)\.$/);
    await page.getByText('1 email was not sent.').waitFor();
    // What she receives now, and the history with the change that explains it.
    const receives = page.locator('table.receives tr[data-category="security-advisories"] td');
    expect((await receives.allInnerTexts())[1]).toContain('No');
    expect(await page.locator('table.history tbody tr', { hasText: 'MSP staff' }).count()).toBeGreaterThanOrEqual(1);
    // The wording she saw on her preference page, as kept.
    const pageChange = page.locator('table.history tbody tr', { hasText: 'Preference page' });
    expect((await pageChange.locator('td').allInnerTexts()).slice(1, 3)).toEqual(['Service alerts', expect.stringContaining('Turned off')]);
    await pageChange.getByText('preference-page@1, in English').click();
    await pageChange.locator('blockquote[lang="en-CA"]', { hasText: 'Check the emails you want from {brand}' }).waitFor();

    // Support may correct but not change the address, and may not erase.
    expect(await page.locator('#correct-email').count()).toBe(0);
    await page.getByText('Only an admin may change the email address').waitFor();
    expect(await page.getByRole('button', { name: /Erase/ }).count()).toBe(0);
    expect(await axeFindings(page)).toEqual([]);
    await page.screenshot({ path: `${OUT_DIR}/console-contacts-1280.png`, fullPage: true });

    // Export: a JSON file, downloaded.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download the export' }).click()]);
    expect(download.suggestedFilename()).toBe(`contact-export-${marie.id}.json`);
    const exported = JSON.parse(readFileSync((await download.path())!, 'utf8'));
    expect(exported.contact).toMatchObject({ id: marie.id, email: marie.email, name: 'Marie Tremblay' });
    expect(exported.messages.some((m: { template: string; status: string }) => m.template === 'security-advisory' && m.status === 'suppressed')).toBe(true);
    await page.getByText(`Downloaded contact-export-${marie.id}.json.`).waitFor();

    // Correction: her name, and nothing else.
    await page.getByLabel('Name', { exact: true }).fill('Marie Tremblay-Gagnon');
    await page.getByRole('button', { name: 'Save corrections' }).click();
    await page.getByText('Corrections saved.').waitFor();
    await page.getByRole('heading', { level: 2, name: 'Marie Tremblay-Gagnon' }).waitFor();
    const after = await server.api.get(`/api/v1/contacts/${marie.id}`);
    expect(after.body).toMatchObject({ name: 'Marie Tremblay-Gagnon', email: marie.email, jobTitle: 'Office manager', phone: '+1 418 555 0142' });
    expect((await server.api.get('/api/v1/contacts?name=gagnon')).body.items.map((c: { id: string }) => c.id)).toEqual([marie.id]);
    // The results list follows the correction.
    await page.locator('table.results').getByRole('link', { name: 'Marie Tremblay-Gagnon' }).waitFor();
    // Nothing changed: said so, nothing sent.
    await page.getByRole('button', { name: 'Save corrections' }).click();
    await page.getByText('Nothing to save: no field changed.').waitFor();

    // At 375 px it fits, and stays accessible.
    await page.setViewportSize({ width: 375, height: 900 });
    expect(await fitsWidth(page)).toBeLessThanOrEqual(375);
    expect(await axeFindings(page)).toEqual([]);
    await page.screenshot({ path: `${OUT_DIR}/console-contacts-375.png`, fullPage: true });

    // A name without a word to search for is said plainly.
    await page.getByLabel('Email or name').fill('a');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('alert').filter({ hasText: 'at least one word' }).waitFor();
    await context.close();
  });

  it('when the console is in French, then the reason and the page read in Canadian French, at 375 px', async () => {
    const { context, page } = await withPasskeyDevice(browser, 375, 'fr-CA');
    await enrol(server, page, `soutien.contacts.${kind}@msp.example`, 'support');
    await page.goto(`${server.config.publicUrl}/console/contacts?contact=${marie.id}`);
    await page.getByRole('heading', { level: 2, name: /Marie Tremblay/ }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('fr-CA');
    const advisoryRow = page.locator('table.messages tbody tr', { hasText: 'Avis de sécurité' });
    const cells = await advisoryRow.locator('td').allInnerTexts();
    expect(cells.join(' ')).toContain('Non envoyé');
    expect(cells.join(' ')).toContain('La catégorie «\u00a0Avis de sécurité\u00a0» est désactivée pour cette personne depuis le');
    expect(await fitsWidth(page)).toBeLessThanOrEqual(375);
    expect(await axeFindings(page)).toEqual([]);
    await page.screenshot({ path: `${OUT_DIR}/console-contacts-fr-375.png`, fullPage: true });
    await context.close();
  });

  it('when an admin erases a contact, then a confirmation names the person, and the receipt says what was erased and what is kept and why', async () => {
    const paul = await server.api.post('/api/v1/contacts', { organizationId, email: `paul.roy.${kind}@clinique-lavallee.example`, name: 'Paul Roy' });
    expect(paul.status).toBe(201);
    const { context, page } = await withPasskeyDevice(browser);
    await enrol(server, page, `admin.contacts.${kind}@msp.example`, 'admin');
    await page.getByRole('link', { name: 'Contacts' }).click();

    // An address finds one contact exactly.
    await page.getByLabel('Email or name').fill(paul.body.email.toUpperCase());
    await page.getByLabel('Organization').selectOption({ label: 'Clinique Lavallée' });
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('1 contact found.').waitFor();
    await page.getByRole('link', { name: 'Paul Roy' }).click();
    await page.getByRole('heading', { level: 2, name: 'Paul Roy' }).waitFor();
    // An admin may change the address.
    expect(await page.locator('#correct-email').inputValue()).toBe(paul.body.email);

    await page.getByRole('button', { name: 'Erase this contact…' }).click();
    const dialog = page.getByRole('dialog', { name: `Erase Paul Roy (${paul.body.email})?` });
    await dialog.waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    expect(await axeFindings(page)).toEqual([]);
    await page.screenshot({ path: `${OUT_DIR}/console-contacts-erase-1280.png` });
    // Cancel changes nothing.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect((await server.api.get(`/api/v1/contacts/${paul.body.id}`)).status).toBe(200);

    await page.getByRole('button', { name: 'Erase this contact…' }).click();
    await dialog.getByRole('button', { name: 'Erase Paul Roy' }).click();
    await page.getByRole('heading', { level: 2, name: 'Paul Roy was erased' }).waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('receipt-heading');
    const kept = await page.locator('table.kept tbody tr').allInnerTexts();
    expect(kept.some((row) => row.includes('consent history') && row.includes('CASL'))).toBe(true);
    await page.getByRole('listitem').filter({ hasText: /^email address$/ }).waitFor();
    expect((await server.api.get(`/api/v1/contacts/${paul.body.id}`)).status).toBe(404);
    // Gone from the results, too.
    expect(await page.locator('table.results').count()).toBe(0);
    expect(await axeFindings(page)).toEqual([]);
    await page.screenshot({ path: `${OUT_DIR}/console-contacts-receipt-1280.png`, fullPage: true });
    await page.setViewportSize({ width: 375, height: 900 });
    expect(await fitsWidth(page)).toBeLessThanOrEqual(375);
    await page.screenshot({ path: `${OUT_DIR}/console-contacts-receipt-375.png`, fullPage: true });
    await context.close();
  });
});
