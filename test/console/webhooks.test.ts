// The console's Outgoing webhooks page as an MSP admin meets it: point the PSA at the service,
// copy the secret shown once (the receiver verifies with it), see deliveries and send one again;
// when the receiver has failed for 3 days the dashboard says so and the page shows why it was
// disabled; support sees neither. axe-core on each state; screenshots at 1280 and 375 px.
import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { launchChromium } from '../support/chromium.js';
import { eventually } from '../support/mail.js';
import { psa } from '../support/receiver.js';
import { axeFindings, csrfOf, enrol, withPasskeyDevice } from './console-browser.js';

// A browser, a passkey ceremony and axe-core per step: more than the default 30 s when the machine is busy.
vi.setConfig({ testTimeout: 120_000 });

const OUT_DIR = 'test-artifacts/screenshots';

// The page calls the same admin API as every other client, tested on both stores; its layout is the store's no matter.
describe('the console’s Outgoing webhooks page', () => {
  let server: TestServer;
  let browser: Browser;
  let receiver: Awaited<ReturnType<typeof psa>>;
  let organizationId: string;

  beforeAll(async () => {
    mkdirSync(OUT_DIR, { recursive: true });
    server = await startServer('sqlite', { publicHost: 'localhost', worker: true, env: { WEBHOOK_RETRY_BASE_MS: '50' } });
    browser = await launchChromium();
    receiver = await psa();
    organizationId = (await server.api.post('/api/v1/organizations', { name: 'Clinique Lavallée', locale: 'fr' })).body.id;
    await server.api.post('/api/v1/contacts', { organizationId, email: 'reception@lavallee.example' });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await receiver?.close();
  });

  it('when an admin adds an endpoint, then its secret is shown once and verifies what arrives; its deliveries show each answer and one can be sent again', async () => {
    const { context, page } = await withPasskeyDevice(browser);
    await enrol(server, page, 'admin.webhooks@msp.example', 'admin');
    await page.getByRole('navigation').getByRole('link', { name: 'Webhooks' }).click();
    await page.getByRole('heading', { level: 1, name: 'Outgoing webhooks' }).waitFor();
    await page.getByText('No endpoint yet.').waitFor();
    expect(await axeFindings(page)).toEqual([]);

    await page.getByLabel('URL').fill(receiver.url);
    await expect.poll(() => page.getByRole('checkbox', { name: /Consent changed/ }).isChecked()).toBe(true);
    await page.getByRole('checkbox', { name: /Contact erased/ }).check();
    await page.getByLabel('Organization').selectOption({ label: 'Clinique Lavallée' });
    await page.getByLabel('Description (optional)').fill('HaloPSA');
    await page.getByRole('button', { name: 'Add the endpoint' }).click();
    const secret = (await page.locator('.once code.secret').textContent())!;
    expect(secret).toMatch(/^whsec_/);
    receiver.secret = secret;
    const row = page.getByRole('row').filter({ hasText: receiver.url });
    await row.getByText('Delivering').waitFor();
    expect(await row.textContent()).toContain('2 event types');
    expect(await row.textContent()).toContain('Clinique Lavallée');
    await page.screenshot({ path: `${OUT_DIR}/console-webhooks-added-1280.png`, fullPage: true });

    // A change at the clinic reaches the PSA, signed with the secret the page showed.
    const person = await server.api.post('/api/v1/contacts', { organizationId, email: 'direction@lavallee.example' });
    expect((await server.api.put(`/api/v1/contacts/${person.body.id}/preferences`, { invoices: false })).status).toBe(200);
    await eventually(async () => receiver.received.length, (n) => n >= 1, 10_000);
    expect(receiver.received[0]).toMatchObject({ type: 'consent.changed', data: { contactId: person.body.id, category: 'invoices', new: false } });
    expect(receiver.refused).toEqual([]);

    await page.reload();
    await page.getByRole('button', { name: `Deliveries: ${receiver.url}` }).click();
    await page.getByRole('heading', { level: 2, name: `Latest deliveries to ${receiver.url}` }).waitFor();
    const delivery = page.locator('.webhook-deliveries tbody tr').first();
    await delivery.getByText('Delivered').waitFor();
    expect(await delivery.textContent()).toMatch(/Consent changed.*HTTP 200 · \d+ ms/);
    expect(await axeFindings(page)).toEqual([]);
    await delivery.getByRole('button', { name: /^Send again/ }).click();
    await page.getByText('Queued to be sent again.').waitFor();
    await eventually(async () => receiver.received.length, (n) => n >= 2, 10_000);
    expect(receiver.received[1]!.id).toBe(receiver.received[0]!.id);

    for (const width of [1280, 375]) {
      await page.setViewportSize({ width, height: 900 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth), `${width} px`).toBeLessThanOrEqual(width);
      await page.screenshot({ path: `${OUT_DIR}/console-webhooks-deliveries-${width}.png`, fullPage: true });
    }
    await context.close();
  });

  it('when the receiver has failed for 3 days, then the endpoint is disabled, the admin’s dashboard says so, the page says why, and it can be enabled again', async () => {
    const { context, page } = await withPasskeyDevice(browser, 375, 'fr-CA');
    // Nothing listens there: every delivery fails to connect.
    const down = 'http://127.0.0.1:9/psa-down';
    const endpoint = (await server.api.post('/api/v1/webhook-endpoints', { url: down, events: ['consent.changed'] })).body;
    await server.testStore.store.db.updateTable('webhook_endpoints').set({ failing_since: new Date(Date.now() - 3 * 86_400_000 - 60_000).toISOString() }).where('id', '=', endpoint.id).execute();
    const person = await server.api.post('/api/v1/contacts', { organizationId, email: 'compta@lavallee.example' });
    expect((await server.api.put(`/api/v1/contacts/${person.body.id}/preferences`, { marketing: { subscribed: true, basis: 'express' } })).status).toBe(200);
    await eventually(async () => (await server.api.get(`/api/v1/webhook-endpoints/${endpoint.id}`)).body.state, (state) => state === 'disabled', 10_000);

    await enrol(server, page, 'admin.alertes@msp.example', 'admin');
    const notice = page.getByRole('status').filter({ hasText: 'votre attention' });
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(/^Un point de terminaison demande votre attention/);
    expect(await axeFindings(page)).toEqual([]);
    await page.screenshot({ path: `${OUT_DIR}/console-webhooks-dashboard-notice-fr-375.png`, fullPage: true });
    await notice.getByRole('link', { name: 'Voir les webhooks' }).click();
    await page.getByRole('heading', { level: 1, name: 'Webhooks sortants' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: down });
    await row.getByText('Désactivé', { exact: true }).waitFor();
    expect(await row.textContent()).toMatch(/Tous les envois ont échoué pendant 3\u00a0jours à partir du /);
    expect(await row.textContent()).not.toMatch(/Disabled|failing/);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    expect(await axeFindings(page)).toEqual([]);
    await page.screenshot({ path: `${OUT_DIR}/console-webhooks-disabled-fr-375.png`, fullPage: true });

    await row.getByRole('button', { name: `Réactiver: ${down}` }).click();
    // Enabled, it is tried again (and, nothing listening, soon failing again).
    await row.getByRole('button', { name: `Désactiver: ${down}` }).waitFor();
    expect((await server.api.get(`/api/v1/webhook-endpoints/${endpoint.id}`)).body).toMatchObject({ enabled: true, disabledReason: null });

    await row.getByRole('button', { name: `Supprimer: ${down}` }).click();
    await row.getByRole('button', { name: 'Oui, supprimer' }).click();
    await expect.poll(() => page.getByRole('row').filter({ hasText: down }).count()).toBe(0);
    expect((await server.api.get(`/api/v1/webhook-endpoints/${endpoint.id}`)).status).toBe(404);
    await context.close();
  });

  it('when support signs in, then Webhooks is not in the menu and its routes answer 403', async () => {
    const { context, page } = await withPasskeyDevice(browser);
    await enrol(server, page, 'support.webhooks@msp.example', 'support');
    expect(await page.getByRole('navigation').getByRole('link', { name: 'Webhooks' }).count()).toBe(0);
    const csrf = await csrfOf(page);
    const statuses = await page.evaluate(async (token) => {
      const list = await fetch('/api/v1/webhook-endpoints');
      const create = await fetch('/api/v1/webhook-endpoints', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': token }, body: JSON.stringify({ url: 'https://psa.example/x', events: ['consent.changed'] }) });
      return [list.status, create.status];
    }, csrf);
    expect(statuses).toEqual([403, 403]);
    await context.close();
  });
});
