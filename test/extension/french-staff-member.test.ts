// The "done when", as a French-speaking staff member lives it: she pastes the line with
// the code from the email, signs in, asks why each recent email came, stops one category from its
// row, and meets no English on the way. The built extension in headless Chromium (French UI), the
// real server and worker on PostgreSQL, the mail read from a real SMTP server.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from '../support/axe.js';
import { startServer, type TestServer } from '../support/server.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';
import { codeIn, nthMailTo } from '../self-service/self-service-client.js';
import { launchExtension, type LaunchedExtension } from './launch.js';
import { extensionText } from './popup-sign-in.js';

const english = JSON.parse(readFileSync(resolve(import.meta.dirname, '..', '..', 'extension', '_locales', 'en', 'messages.json'), 'utf8')) as Record<
  string,
  { message: string }
>;
const fr = extensionText('fr');

/** English sentences of the extension that differ from their French, cut at their placeholders: none may show on a French page. */
const ENGLISH_FRAGMENTS = Object.entries(english)
  .filter(([key, { message }]) => message !== fr(key) && !/^(ext_|options_language_)/.test(key))
  .flatMap(([, { message }]) => message.split(/\$[A-Z_]+\$/))
  .map((fragment) => fragment.trim())
  .filter((fragment) => fragment.length >= 12);

/** axe-core's moderate, serious and critical findings, as `rule: target` lines. */
const axeFindings = async (page: Page) =>
  (await axeViolations(page, ['moderate', 'serious', 'critical'])).flatMap((v) => v.targets.map((target) => `${v.id}: ${target}`));

const englishOn = async (page: Page) => {
  const text = await page.evaluate(() => document.body.innerText);
  return ENGLISH_FRAGMENTS.filter((fragment) => text.includes(fragment));
};

describe('a French-speaking staff member', () => {
  let server: TestServer;
  let smtp: TestSmtp;
  let launched: LaunchedExtension | undefined;

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startServer('postgres', { smtpUrl: smtp.url });
    launched = await launchExtension({ serverUrl: server.url, lang: 'fr' });
  });
  afterAll(async () => {
    await launched?.close();
    await server?.close();
    await smtp?.close();
  });

  it('when she pastes the code line from the email, then she is in; "Pourquoi ces courriels?" shows why each came, a row stops its category, and no English shows', async () => {
    const email = 'marie-eve.tremblay@clinique-boreale.example';
    const org = await server.api.post('/api/v1/organizations', { name: 'Clinique Boréale', locale: 'fr' });
    const contact = (await server.api.post('/api/v1/contacts', { organizationId: org.body.id, email, name: 'Marie-Ève Tremblay', locale: 'fr' })).body;
    const send = (body: Record<string, unknown>) => server.api.post('/api/v1/messages', { to: { contactId: contact.id }, ...body });
    const ticket = await send({ category: 'ticket-updates', template: 'ticket-update', data: { ticketId: 'T-7', subject: 'Imprimante', status: 'Ouvert', message: 'On s’en occupe.' } });
    const invoice = await send({
      category: 'invoices',
      template: 'invoice-receipt',
      data: { invoiceNumber: 'F-2026-118', amount: 240, currency: 'CAD', issuedAt: '2026-11-28' },
    });
    const offer = await send({ category: 'marketing', template: 'announcement', data: { title: 'Nos offres', body: 'Bientôt.' } });
    expect([ticket.body.status, invoice.body.status, offer.body.status]).toEqual(['queued', 'queued', 'suppressed']);
    for (const id of [ticket.body.id, invoice.body.id]) {
      await expect.poll(async () => (await server.api.get(`/api/v1/messages/${id}`)).body.status, { timeout: 15_000 }).toBe('sent');
    }
    // The two mails may arrive in either order.
    const subjects = [(await nthMailTo(smtp, email, 1)).parsed.subject!, (await nthMailTo(smtp, email, 2)).parsed.subject!];
    const invoiceSubject = subjects.find((subject) => subject.includes('F-2026-118'))!;
    expect(invoiceSubject).toBeDefined();

    const popup = await launched!.context.newPage();
    await popup.goto(launched!.url('popup.html'));
    await popup.locator('input[type=email]').fill(email);
    await popup.locator('input[type=email]').press('Enter');
    const codeField = popup.locator('input[autocomplete=one-time-code]');
    await codeField.waitFor();
    const code = codeIn(await nthMailTo(smtp, email, 3));
    // What Outlook puts on the clipboard when the line is copied: words, a no-break space, the code in two groups.
    await codeField.fill(`Votre code de connexion\u00a0: ${code.slice(0, 3)} ${code.slice(3)}`);
    expect(await codeField.inputValue()).toBe(code);
    await popup.getByRole('button', { name: fr('code_sign_in'), exact: true }).click();
    await popup.getByRole('heading', { name: fr('prefs_heading'), exact: true }).waitFor();
    expect(await englishOn(popup)).toEqual([]);

    const [options] = await Promise.all([
      launched!.context.waitForEvent('page'),
      popup.getByRole('button', { name: fr('prefs_why_these_emails'), exact: true }).click(),
    ]);
    const recent = options.locator('#recent');
    for (const subject of subjects) await recent.getByText(subject, { exact: true }).waitFor();
    await expect.poll(() => options.evaluate(() => document.activeElement?.id)).toBe('recent');
    // The offer was never sent, and the row says why in French.
    await recent.getByText(fr('recent_reason_not_subscribed'), { exact: false }).waitFor();
    expect(await englishOn(options)).toEqual([]);
    expect(await axeFindings(options)).toEqual([]);
    await options.screenshot({ path: 'test-artifacts/screenshots/options-fr-recent-emails.png', fullPage: true });

    // Stop invoices from the invoice's own row.
    const invoiceRow = recent.getByRole('listitem').filter({ hasText: invoiceSubject });
    await invoiceRow.getByRole('switch').click();
    await expect.poll(async () => (await server.api.get(`/api/v1/contacts/${contact.id}`)).body.preferences.invoices).toBe(false);
    const history = (await server.api.get(`/api/v1/contacts/${contact.id}/consent-history`)).body as { category: string; source: string }[];
    expect(history.at(-1)).toMatchObject({ category: 'invoices', subscribed: false, source: 'extension' });
    expect(await englishOn(options)).toEqual([]);
  });
});
