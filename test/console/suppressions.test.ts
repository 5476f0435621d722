// The console's Suppression list page as the support team meets it: look up an address that
// hard-bounced, read why, remove it with a reason; an erased person's address stays; a sender
// neither sees the page nor may call its routes. axe-core on each state; screenshots at 1280 and 375 px.
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { STORES } from '../support/stores.js';
import { startServer, type TestServer } from '../support/server.js';
import { launchChromium } from '../support/chromium.js';
import { eventually } from '../support/mail.js';
import { axeFindings, csrfOf, enrol, withPasskeyDevice } from './console-browser.js';

// A browser, a passkey ceremony and axe-core per step: more than the default 30 s when the machine is busy.
vi.setConfig({ testTimeout: 120_000 });

const OUT_DIR = 'test-artifacts/screenshots';

describe.each(STORES)('the console’s Suppression list page on %s', (kind) => {
  let server: TestServer;
  let browser: Browser;
  const bounced = `luc.bouchard.${kind}@clinique-lavallee.example`;
  const erased = `ancien.client.${kind}@clinique-lavallee.example`;

  const fitsWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);
  /** A call the page never offers, made from the signed-in browser with its cookie and CSRF token. */
  const forged = async (page: Page, method: string, path: string, body?: unknown) => {
    const csrf = await csrfOf(page);
    return page.evaluate(
      async ({ method, path, body, csrf }) => {
        const res = await fetch(path, { method, headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
        return res.status;
      },
      { method, path, body, csrf },
    );
  };

  beforeAll(async () => {
    mkdirSync(OUT_DIR, { recursive: true });
    server = await startServer(kind, { publicHost: 'localhost' });
    browser = await launchChromium();
    // Luc's mailbox was deleted by mistake and his messages hard-bounced; a former client asked to be erased.
    await server.services.suppressions.add(bounced, 'hard bounce (5.1.x)');
    const organizationId = (await server.api.post('/api/v1/organizations', { name: 'Clinique Lavallée' })).body.id;
    const former = await server.api.post('/api/v1/contacts', { organizationId, email: erased, name: 'Ancien Client' });
    expect((await server.api.delete(`/api/v1/contacts/${former.body.id}`)).status).toBe(200);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('when support looks up a hard-bounced address, then the page says why and since when; removing it needs a reason and a confirmation, and the audit log keeps the reason without the address', async () => {
    const { context, page } = await withPasskeyDevice(browser);
    await enrol(server, page, `support.suppressions.${kind}@msp.example`, 'support');
    await page.getByRole('navigation').getByRole('link', { name: 'Suppression list' }).click();
    await page.getByRole('heading', { level: 1, name: 'Suppression list' }).waitFor();
    expect(page.url()).toBe(`${server.config.publicUrl}/console/suppressions`);
    // The latest additions, without any address.
    await page.getByText('2 addresses on the list.').waitFor();
    expect(await page.locator('table.by-reason tbody tr').allInnerTexts()).toEqual(expect.arrayContaining([expect.stringContaining('Hard bounce'), expect.stringContaining('Erased at the person’s request')]));
    expect(await page.locator('.suppressions-page').innerText()).not.toContain('@');
    expect(await axeFindings(page)).toEqual([]);

    await page.getByLabel('Address').fill(bounced.toUpperCase());
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('Suppressed: no email goes to this address.').waitFor();
    const facts = page.locator('.result dl');
    expect(await facts.innerText()).toContain(bounced);
    expect(await facts.innerText()).toContain('The receiving server said the address does not exist (hard bounce).');
    // The address never went into the page's URL.
    expect(page.url()).toBe(`${server.config.publicUrl}/console/suppressions`);
    expect(await axeFindings(page)).toEqual([]);
    await page.screenshot({ path: `${OUT_DIR}/console-suppressions-1280.png`, fullPage: true });

    // No reason: said, and nothing sent.
    await page.getByRole('button', { name: 'Remove…' }).click();
    await page.getByRole('alert').filter({ hasText: 'Say why, in 3 to 500 characters.' }).waitFor();
    expect(await page.getByLabel('Reason for removing it').getAttribute('aria-invalid')).toBe('true');
    expect(await server.services.suppressions.reasonFor(bounced)).toBe('hard bounce (5.1.x)');

    await page.getByLabel('Reason for removing it').fill('Mailbox recreated; Luc confirmed by phone.');
    await page.getByRole('button', { name: 'Remove…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove this address from the suppression list?' });
    await dialog.waitFor();
    await dialog.getByText(`Email will go to ${bounced} again.`).waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    expect(await axeFindings(page)).toEqual([]);
    await page.screenshot({ path: `${OUT_DIR}/console-suppressions-confirm-1280.png` });
    // Cancel changes nothing.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await server.services.suppressions.reasonFor(bounced)).toBe('hard bounce (5.1.x)');

    await page.getByRole('button', { name: 'Remove…' }).click();
    await dialog.getByRole('button', { name: 'Remove it' }).click();
    await page.getByRole('status').filter({ hasText: `${bounced} was removed from the suppression list.` }).waitFor();
    await page.getByText('Not suppressed: email may go to this address.').waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('suppression-result-heading');
    expect(await server.services.suppressions.reasonFor(bounced)).toBeNull();
    await page.getByText('1 address on the list.').waitFor();

    const audit = await eventually(
      () => server.api.get(`/api/v1/audit-log?action=${encodeURIComponent('POST /api/v1/suppressions/remove')}`),
      (res) => res.body.items.some((e: { outcome: number }) => e.outcome === 204),
    );
    const removal = audit.body.items.find((e: { outcome: number }) => e.outcome === 204);
    expect(removal.keyId).toMatch(/^staff:/);
    expect(removal.detail).toBe('removed from the suppression list (was: hard bounce (5.1.x)); reason given: Mailbox recreated; Luc confirmed by phone.');
    expect(JSON.stringify(audit.body)).not.toContain('luc.bouchard');

    // At 375 px it fits, and stays accessible.
    await page.setViewportSize({ width: 375, height: 900 });
    expect(await fitsWidth(page)).toBeLessThanOrEqual(375);
    expect(await axeFindings(page)).toEqual([]);
    await page.screenshot({ path: `${OUT_DIR}/console-suppressions-375.png`, fullPage: true });
    await context.close();
  });

  it('when support looks up an erased person’s address, then it says why it stays and offers no removal; a forged removal is refused (409)', async () => {
    const { context, page } = await withPasskeyDevice(browser, 375);
    await enrol(server, page, `support.erasure.${kind}@msp.example`, 'support');
    await page.goto(`${server.config.publicUrl}/console/suppressions`);
    await page.getByLabel('Address').fill(erased);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('Suppressed: no email goes to this address.').waitFor();
    await page.getByText('The contact’s data was erased at their request.').waitFor();
    await page.getByText('This suppression protects a person who asked to be forgotten').waitFor();
    expect(await page.getByRole('button', { name: 'Remove…' }).count()).toBe(0);
    expect(await forged(page, 'POST', '/api/v1/suppressions/remove', { email: erased, reason: 'Removing it anyway' })).toBe(409);
    expect(await server.services.suppressions.reasonFor(erased)).toBe('erased at the contact’s request');
    expect(await fitsWidth(page)).toBeLessThanOrEqual(375);
    expect(await axeFindings(page)).toEqual([]);
    await page.screenshot({ path: `${OUT_DIR}/console-suppressions-erasure-375.png`, fullPage: true });
    await context.close();
  });

  it('when a sender signs in, then the menu has no Suppression list, its address shows another page, and forged calls to its routes answer 403', async () => {
    await server.services.suppressions.add(`sender.test.${kind}@clinique-lavallee.example`, 'hard bounce (5.1.x)');
    const { context, page } = await withPasskeyDevice(browser);
    await enrol(server, page, `sender.suppressions.${kind}@msp.example`, 'sender');
    expect(await page.getByRole('navigation').getByRole('link', { name: 'Suppression list' }).count()).toBe(0);
    await page.goto(`${server.config.publicUrl}/console/suppressions`);
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.locator('main h1').first().waitFor();
    expect(await page.getByRole('heading', { level: 1, name: 'Suppression list' }).count()).toBe(0);
    expect(await forged(page, 'POST', '/api/v1/suppressions/search', { email: `sender.test.${kind}@clinique-lavallee.example` })).toBe(403);
    expect(await forged(page, 'GET', '/api/v1/suppressions/recent')).toBe(403);
    expect(await forged(page, 'POST', '/api/v1/suppressions/remove', { email: `sender.test.${kind}@clinique-lavallee.example`, reason: 'Not mine to do' })).toBe(403);
    expect(await server.services.suppressions.reasonFor(`sender.test.${kind}@clinique-lavallee.example`)).toBe('hard bounce (5.1.x)');
    await context.close();
  });

  it('when the console is in French, then the page and the answer read in Canadian French, at 375 px', async () => {
    const { context, page } = await withPasskeyDevice(browser, 375, 'fr-CA');
    await enrol(server, page, `soutien.suppressions.${kind}@msp.example`, 'support');
    await page.getByRole('navigation').getByRole('link', { name: 'Liste d’exclusion' }).click();
    await page.getByRole('heading', { level: 1, name: 'Liste d’exclusion' }).waitFor();
    await page.getByLabel('Adresse').fill(erased);
    await page.getByRole('button', { name: 'Rechercher' }).click();
    await page.getByText('Exclue\u00a0: aucun courriel n’est envoyé à cette adresse.').waitFor();
    await page.getByText('Les données du contact ont été effacées à sa demande.').waitFor();
    expect(await fitsWidth(page)).toBeLessThanOrEqual(375);
    expect(await axeFindings(page)).toEqual([]);
    await page.screenshot({ path: `${OUT_DIR}/console-suppressions-fr-375.png`, fullPage: true });
    await context.close();
  });
});
