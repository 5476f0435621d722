// The console's Organizations page: every client with who receives what it needs at a glance, one
// organization's coverage over time and its policy; a sender sees the list alone, as the API lets
// it. axe-core on each state; screenshots at 1280 and 375 px.
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { STORES } from '../support/stores.js';
import { startServer, type TestServer } from '../support/server.js';
import { launchChromium } from '../support/chromium.js';
import { axeFindings, csrfOf, enrol, withPasskeyDevice } from './console-browser.js';

// A browser, a passkey ceremony and axe-core per step: more than the default 30 s when the machine is busy.
vi.setConfig({ testTimeout: 120_000 });

const OUT_DIR = 'test-artifacts/screenshots';

describe.each(STORES)('the console’s Organizations page on %s', (kind) => {
  let server: TestServer;
  let browser: Browser;
  let lavallee: string;
  let gagnon: string;

  const fitsWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);
  const statusOf = (page: Page, path: string) => csrfOf(page).then(() => page.evaluate(async (p) => (await fetch(p)).status, path));

  beforeAll(async () => {
    mkdirSync(OUT_DIR, { recursive: true });
    server = await startServer(kind, { publicHost: 'localhost' });
    browser = await launchChromium();
    const organization = async (body: Record<string, unknown>) => {
      const res = await server.api.post('/api/v1/organizations', body);
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    const contact = async (organizationId: string, email: string) => {
      const res = await server.api.post('/api/v1/contacts', { organizationId, email });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    // The clinic is covered, and locks security advisories on for its staff; at the accounting
    // firm the only person receiving invoices turned them off; the workshop has nobody yet.
    lavallee = await organization({ name: 'Clinique Lavallée', locale: 'fr', timeZone: 'America/Toronto' });
    gagnon = await organization({ name: 'Bureau comptable Gagnon', timeZone: 'America/Vancouver' });
    await organization({ name: 'Atelier Vide' });
    await contact(lavallee, `reception.${kind}@lavallee.example`);
    await contact(lavallee, `direction.${kind}@lavallee.example`);
    const only = await contact(gagnon, `compta.${kind}@gagnon.example`);
    expect((await server.api.put(`/api/v1/contacts/${only}/preferences`, { invoices: false })).status).toBe(200);
    expect((await server.api.put(`/api/v1/organizations/${lavallee}/policy`, { 'security-advisories': { locked: true }, 'ticket-updates': { default: false } })).status).toBe(200);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('when support opens Organizations, then each organization shows its contacts and who receives each category; one opens to its coverage, its losses and its policy', async () => {
    const { context, page } = await withPasskeyDevice(browser);
    await enrol(server, page, `support.orgs.${kind}@msp.example`, 'support');
    await page.getByRole('navigation').getByRole('link', { name: 'Organizations' }).click();
    await page.getByRole('heading', { level: 1, name: 'Organizations' }).waitFor();
    expect(page.url()).toBe(`${server.config.publicUrl}/console/organizations`);
    await page.getByText('3 organizations.').waitFor();
    await page.getByText('2 organizations have nobody to receive a category they need.').waitFor();
    const headers = await page.locator('table.organizations thead th').allInnerTexts();
    expect(headers).toEqual(['Name', 'Language', 'Time zone', 'Contacts', 'Invoices and receipts', 'Service alerts', 'Security advisories']);
    const rows = page.locator('table.organizations tbody tr');
    expect(await rows.locator('td.name').allInnerTexts()).toEqual(['Atelier Vide', 'Bureau comptable Gagnon', 'Clinique Lavallée']);
    expect(await rows.filter({ hasText: 'Clinique Lavallée' }).locator('td').allInnerTexts()).toEqual(['Clinique Lavallée', 'French', 'America/Toronto', '2', '2', '2', '2']);
    expect(await rows.filter({ hasText: 'Gagnon' }).locator('td').allInnerTexts()).toEqual(['Bureau comptable Gagnon', 'English', 'America/Vancouver', '1', 'Nobody', '1', '1']);
    expect(await axeFindings(page)).toEqual([]);
    await page.screenshot({ path: `${OUT_DIR}/console-organizations-1280.png`, fullPage: true });

    // The filter narrows the list, and says so.
    await page.getByLabel('Filter by name').fill('clinique');
    await page.getByText('1 of 3 organizations.').waitFor();
    await page.getByRole('link', { name: 'Clinique Lavallée' }).click();
    await page.getByRole('heading', { level: 2, name: 'Clinique Lavallée' }).waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('organization-heading');
    expect(page.url()).toBe(`${server.config.publicUrl}/console/organizations?organization=${lavallee}`);
    const coverage = page.locator('table.coverage tbody tr');
    await coverage.first().waitFor();
    expect(await coverage.allInnerTexts()).toEqual([expect.stringMatching(/Invoices and receipts\s+2\s+Yes/), expect.stringMatching(/Service alerts\s+2\s+Yes/), expect.stringMatching(/Security advisories\s+2\s+Yes/)]);
    await page.getByText('Never: someone always received each category.').waitFor();
    expect(await page.locator('table.policy tr[data-category="security-advisories"] td').allInnerTexts()).toEqual(['Security advisories', 'The category’s own default', 'Yes: nobody may turn it off']);
    expect(await page.locator('table.policy tr[data-category="ticket-updates"] td').allInnerTexts()).toEqual(['Ticket updates', 'Off', 'No']);
    expect(await axeFindings(page)).toEqual([]);

    // The accounting firm: nobody receives its invoices since its only receiver turned them off.
    await page.getByLabel('Filter by name').fill('');
    await page.getByRole('link', { name: 'Bureau comptable Gagnon' }).click();
    await page.getByRole('heading', { level: 2, name: 'Bureau comptable Gagnon' }).waitFor();
    await page.locator('table.coverage tr[data-category="invoices"]').getByText('No', { exact: true }).waitFor();
    expect(await page.locator('table.losses tbody tr').allInnerTexts()).toEqual([expect.stringMatching(/^Invoices and receipts\s+.+\s+Still nobody$/)]);
    expect(await axeFindings(page)).toEqual([]);
    await page.screenshot({ path: `${OUT_DIR}/console-organizations-detail-1280.png`, fullPage: true });

    await page.setViewportSize({ width: 375, height: 900 });
    expect(await fitsWidth(page)).toBeLessThanOrEqual(375);
    expect(await axeFindings(page)).toEqual([]);
    await page.screenshot({ path: `${OUT_DIR}/console-organizations-375.png`, fullPage: true });
    // Back to the list.
    await page.getByRole('button', { name: 'All organizations' }).click();
    await expect.poll(() => page.url()).toBe(`${server.config.publicUrl}/console/organizations`);
    expect(await page.getByRole('heading', { level: 2, name: 'Bureau comptable Gagnon' }).count()).toBe(0);
    await context.close();
  });

  it('when a sender opens Organizations, then the list shows without coverage, an organization without its coverage and policy, and the coverage routes answer 403', async () => {
    const { context, page } = await withPasskeyDevice(browser);
    await enrol(server, page, `sender.orgs.${kind}@msp.example`, 'sender');
    expect(await page.getByRole('navigation').getByRole('link', { name: 'Suppression list' }).count()).toBe(0);
    await page.getByRole('navigation').getByRole('link', { name: 'Organizations' }).click();
    await page.getByText('3 organizations.').waitFor();
    expect(await page.locator('table.organizations thead th').allInnerTexts()).toEqual(['Name', 'Language', 'Time zone']);
    await page.getByRole('link', { name: 'Clinique Lavallée' }).click();
    await page.getByRole('heading', { level: 2, name: 'Clinique Lavallée' }).waitFor();
    expect(await page.locator('table.coverage, table.policy').count()).toBe(0);
    expect(await statusOf(page, '/api/v1/coverage')).toBe(403);
    expect(await statusOf(page, `/api/v1/organizations/${gagnon}/coverage`)).toBe(403);
    expect(await axeFindings(page)).toEqual([]);
    await page.screenshot({ path: `${OUT_DIR}/console-organizations-sender-1280.png`, fullPage: true });
    await context.close();
  });

  it('when the console is in French, then the list reads in Canadian French and fits 375 px', async () => {
    const { context, page } = await withPasskeyDevice(browser, 375, 'fr-CA');
    await enrol(server, page, `fr.orgs.${kind}@msp.example`, 'support');
    await page.getByRole('navigation').getByRole('link', { name: 'Organisations' }).click();
    await page.getByRole('heading', { level: 1, name: 'Organisations' }).waitFor();
    await page.getByText('3 organisations.').waitFor();
    await page.getByText('2 organisations n’ont personne pour recevoir une catégorie dont elles ont besoin.').waitFor();
    expect(await page.locator('table.organizations tbody tr', { hasText: 'Gagnon' }).locator('td[data-category="invoices"]').innerText()).toContain('Personne');
    expect(await fitsWidth(page)).toBeLessThanOrEqual(375);
    expect(await axeFindings(page)).toEqual([]);
    await page.screenshot({ path: `${OUT_DIR}/console-organizations-fr-375.png`, fullPage: true });
    await context.close();
  });
});
