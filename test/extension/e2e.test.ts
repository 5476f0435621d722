// The whole path a contact takes: the built extension in headless Chromium, the real server and
// worker on a real store, the code read from a real SMTP server's mail.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreKind } from '../support/stores.js';
import { startServer, type TestServer } from '../support/server.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';
import { eventually, linksIn } from '../support/mail.js';
import { codeIn, nthMailTo } from '../self-service/self-service-client.js';
import { launchExtension, type LaunchedExtension } from './launch.js';
import { BUILT_EXTENSION_IDS } from '../../server/config/extension-ids.js';

const messagesOf = (lang: 'en' | 'fr') =>
  JSON.parse(readFileSync(resolve(import.meta.dirname, '..', '..', 'extension', '_locales', lang, 'messages.json'), 'utf8')) as Record<
    string,
    { message: string }
  >;

// English on SQLite, French on PostgreSQL: both stores and both languages for the price of two runs.
const RUNS: { kind: StoreKind; lang: 'en' | 'fr'; marketing: string; alerts: string; confirmSubject: string }[] = [
  { kind: 'sqlite', lang: 'en', marketing: 'News and offers', alerts: 'Service alerts', confirmSubject: 'Confirm your subscription to SERVEITPRO' },
  {
    kind: 'postgres',
    lang: 'fr',
    marketing: 'Nouvelles et offres',
    alerts: 'Alertes de service',
    confirmSubject: 'Confirmez votre abonnement aux courriels de SERVEITPRO',
  },
];

describe.each(RUNS)('the extension end to end ($lang, $kind)', ({ kind, lang, marketing, alerts, confirmSubject }) => {
  let server: TestServer;
  let smtp: TestSmtp;
  let launched: LaunchedExtension | undefined;

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startServer(kind, { smtpUrl: smtp.url });
  });
  afterAll(async () => {
    await launched?.close();
    await server?.close();
    await smtp?.close();
  });

  it('when a contact signs in with the emailed code and flips switches, then changes are recorded with the wording shown, and news and offers wait for the emailed confirmation', async () => {
    const email = `e2e.${lang}@example.com`;
    const org = await server.api.post('/api/v1/organizations', { name: 'Clinique Boréale', locale: lang });
    const contact = (await server.api.post('/api/v1/contacts', { organizationId: org.body.id, email, name: 'Alex Martin' })).body;
    const contactNow = async () => (await server.api.get(`/api/v1/contacts/${contact.id}`)).body;
    const historyNow = async () => (await server.api.get(`/api/v1/contacts/${contact.id}/consent-history`)).body;
    const messages = messagesOf(lang);
    launched = await launchExtension({ serverUrl: server.url, ...(lang === 'fr' ? { lang } : {}) });
    // The manifest's key fixes the id: the one the server allows by default (EXTENSION_IDS).
    expect(launched.extensionId).toBe(BUILT_EXTENSION_IDS[0]);
    const page = await launched.context.newPage();

    const opened = performance.now();
    await page.goto(launched.url('popup.html'));
    await page.locator('input[type=email]').waitFor();
    const emailReady = performance.now();
    await page.locator('input[type=email]').fill(email);
    await page.locator('input[type=email]').press('Enter');

    const codeField = page.locator('input[autocomplete=one-time-code]');
    await codeField.waitFor();
    const code = codeIn(await nthMailTo(smtp, email, 1));
    const mailed = performance.now();
    await codeField.fill(code);
    const signingIn = performance.now();
    await page.getByRole('button', { name: messages.code_sign_in!.message, exact: true }).click();

    const marketingSwitch = page.getByRole('switch', { name: marketing, exact: true });
    await marketingSwitch.waitFor();
    expect(await marketingSwitch.isEnabled()).toBe(true);
    const interactiveMs = performance.now() - opened;
    const ms = (from: number, to: number) => `${(to - from).toFixed(0)} ms`;
    process.stdout.write(
      `[e2e ${lang}/${kind}] popup.html opened → preferences interactive after sign-in: ${interactiveMs.toFixed(0)} ms ` +
        `(email field ready ${ms(opened, emailReady)}, code mail received ${ms(emailReady, mailed)}, ` +
        `Sign in clicked → switches interactive ${ms(signingIn, opened + interactiveMs)})\n`,
    );
    expect(await marketingSwitch.getAttribute('aria-checked')).toBe('false');

    // The consent statement the server serves for the extension, in the popup's language, under the switches.
    const wording = (await server.api.get('/api/v1/consent-wordings/extension@1')).body;
    expect(await page.locator('.consent-wording').textContent()).toBe(wording.texts[lang].replaceAll('{brand}', 'SERVEITPRO'));
    expect(await page.locator('.consent-wording').isVisible()).toBe(true);

    // News and offers is express-only: switching it on emails a confirmation link and leaves it off.
    const marketingRow = page.locator('li.preference', { has: marketingSwitch });
    expect(await marketingRow.locator('.preference-pending').count()).toBe(0);
    await marketingSwitch.click();
    await page.getByText(messages.prefs_confirmation_sent!.message, { exact: true }).waitFor();
    expect(await marketingSwitch.getAttribute('aria-checked')).toBe('false');
    expect(await marketingRow.locator('.preference-pending').textContent()).toBe(messages.prefs_pending_confirmation!.message);
    expect(await marketingRow.locator('.preference-pending').isVisible()).toBe(true);
    expect((await contactNow()).preferences.marketing).toBe(false);

    const alertsSwitch = page.getByRole('switch', { name: alerts, exact: true });
    await alertsSwitch.click();
    await eventually(
      async () => (await contactNow()).preferences['service-alerts'],
      (subscribed) => subscribed === false,
    );
    expect(await alertsSwitch.getAttribute('aria-checked')).toBe('false');
    expect((await historyNow()).at(-1)).toEqual({
      category: 'service-alerts',
      subscribed: false,
      source: 'extension',
      at: expect.any(String),
      basis: 'implied-relationship',
      basisSince: expect.any(String),
      wordingVersion: 'extension@1',
      wordingLocale: lang,
    });

    // The confirmation email, in the contact's language; its link's page changes nothing on GET.
    const confirmation = await nthMailTo(smtp, email, 2);
    expect(confirmation.parsed.subject).toBe(confirmSubject);
    const confirmLinks = linksIn(confirmation).filter((link) => link.startsWith(`${server.url}/c/`));
    expect(confirmLinks).toHaveLength(1);
    const confirmUrl = confirmLinks[0]!;
    const confirmPage = await fetch(confirmUrl);
    expect(confirmPage.status).toBe(200);
    expect(await confirmPage.text()).toMatch(/<form method="post"[^>]*>[\s\S]*name="action" value="confirm"/);
    expect((await contactNow()).preferences.marketing).toBe(false);

    const confirmed = await fetch(confirmUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'action=confirm',
      redirect: 'manual',
    });
    // Post/redirect/get: the answer is a 303 to a page that shows the result, and reloading it changes nothing.
    expect(confirmed.status).toBe(303);
    const result = await fetch(new URL(confirmed.headers.get('location')!, confirmUrl));
    expect(result.status).toBe(200);
    expect((await contactNow()).preferences.marketing).toBe(true);
    const history = await historyNow();
    expect(history.at(-1)).toEqual({
      category: 'marketing',
      subscribed: true,
      source: 'double-opt-in',
      at: expect.any(String),
      basis: 'express',
      basisSince: null,
      wordingVersion: 'double-opt-in-email@1',
      wordingLocale: lang,
    });
    // The click in the popup asked; it changed nothing by itself.
    expect(history.filter((row: { category: string }) => row.category === 'marketing')).toEqual([
      { category: 'marketing', subscribed: false, source: 'default', at: expect.any(String), basis: 'express', basisSince: null, wordingVersion: null, wordingLocale: null },
      history.at(-1),
    ]);

    // Reopened, the popup shows it on and no longer waiting.
    await page.reload();
    await marketingSwitch.waitFor();
    expect(await marketingSwitch.getAttribute('aria-checked')).toBe('true');
    expect(await page.locator('.preference-pending').count()).toBe(0);

    const send = (category: string) =>
      server.api.post('/api/v1/messages', {
        category,
        template: 'announcement',
        to: { contactId: contact.id },
        data: { title: 'Maintenance', body: 'Tonight.' },
      });
    expect((await send('service-alerts')).body.status).toBe('suppressed');
    expect((await send('marketing')).body.status).toBe('queued');
  });
});
