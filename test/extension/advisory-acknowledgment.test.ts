// A security advisory acknowledged for a whole organization, as its staff meet it: the signed
// webhook sends it, the popup says it waits, the options page takes "I have read this", and a
// colleague then sees who read it. The built extension in headless Chromium, the real server and
// worker on a real store, codes read from a real SMTP server's mail.
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MyAdvisories } from '../../contract/index.js';
import type { StoreKind } from '../support/stores.js';
import { startServer, type TestServer } from '../support/server.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';
import { postAdvisory } from '../support/seed.js';
import { nthMailTo, SelfServiceClient, signInByMail } from '../self-service/self-service-client.js';
import { launchExtension, type LaunchedExtension } from './launch.js';
import { extensionText, signInThroughPopup } from './popup-sign-in.js';

const root = resolve(import.meta.dirname, '..', '..');
const SCREENSHOTS = resolve(root, 'test-artifacts', 'screenshots');

const TITLE = { en: 'Patch the VPN gateway now', fr: 'Corrigez la passerelle RPV sans tarder' };
const SUMMARY = {
  en: 'A flaw in the gateway lets anyone in without a password.',
  fr: 'Une faille de la passerelle laisse entrer n’importe qui sans mot de passe.',
};

// English on SQLite, French on PostgreSQL, as the other end-to-end tests.
const RUNS: { kind: StoreKind; lang: 'en' | 'fr' }[] = [
  { kind: 'sqlite', lang: 'en' },
  { kind: 'postgres', lang: 'fr' },
];

describe.each(RUNS)('a security advisory acknowledged from the extension ($lang, $kind)', ({ kind, lang }) => {
  let server: TestServer;
  let smtp: TestSmtp;
  let launched: LaunchedExtension | undefined;
  const text = extensionText(lang);
  const dateOf = (iso: string) => new Intl.DateTimeFormat(lang, { dateStyle: 'long' }).format(new Date(iso));

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startServer(kind, { smtpUrl: smtp.url, env: { TRUST_PROXY: 'loopback' } });
  });
  afterAll(async () => {
    await launched?.close();
    await server?.close();
    await smtp?.close();
  });


  it('when one contact presses "I have read this" on the options page, then it shows read by them, and a colleague sees it read by their name', async () => {
    const firstEmail = `first.${lang}@example.com`;
    const secondEmail = `second.${lang}@example.com`;
    const organization = (await server.api.post('/api/v1/organizations', { name: 'Clinique Boréale', locale: lang })).body;
    const first = await server.api.post('/api/v1/contacts', { organizationId: organization.id, email: firstEmail, name: 'Marie Tremblay', locale: lang });
    const second = await server.api.post('/api/v1/contacts', { organizationId: organization.id, email: secondEmail, locale: lang });
    expect([first.status, second.status]).toEqual([201, 201]);

    const advisoryId = 'ADV-2026-014';
    const posted = await postAdvisory(server.url, {
      id: advisoryId,
      severity: 'critical',
      title: TITLE,
      summary: SUMMARY,
      body: { en: 'Install version 9.4.2 today.', fr: 'Installez la version 9.4.2 aujourd’hui.' },
      organizationIds: [organization.id],
    });
    expect(posted.status).toBe(202);
    // The advisory reached the organization's staff before anyone signs in.
    await nthMailTo(smtp, firstEmail, 1);
    await nthMailTo(smtp, secondEmail, 1);

    // The colleague, through the same API client the extension uses: it waits for the organization.
    const colleague = new SelfServiceClient(server);
    await signInByMail(colleague, smtp, secondEmail);
    const before = await colleague.request<MyAdvisories>('GET', '/api/v1/me/advisories');
    expect(before.status).toBe(200);
    expect(before.body.items).toEqual([expect.objectContaining({ id: advisoryId, severity: 'critical', asksApplied: true, read: null, applied: null })]);
    const { publishedAt } = before.body.items[0]!;

    launched = await launchExtension({ serverUrl: server.url, ...(lang === 'fr' ? { lang } : {}) });
    const popup = await launched.context.newPage();
    await popup.goto(launched.url('popup.html'));
    await signInThroughPopup(popup, smtp, firstEmail, text);

    // The popup's one line, which opens the options page at the advisories.
    const waitingLine = popup.getByRole('button', { name: text('prefs_advisories_waiting_one'), exact: true });
    await waitingLine.waitFor();
    const popupHeight = () => popup.evaluate(() => Math.round(document.querySelector('main')!.getBoundingClientRect().height));
    const withLine = await popupHeight();
    const [options] = await Promise.all([launched.context.waitForEvent('page'), waitingLine.click()]);
    await options.setViewportSize({ width: 1280, height: 900 });
    const section = options.getByRole('region', { name: text('options_advisories_heading'), exact: true });
    const item = section.getByRole('listitem').filter({ has: options.getByRole('heading', { name: TITLE[lang], exact: true }) });
    await item.waitFor();
    expect(await options.evaluate(() => document.activeElement?.id)).toBe('advisories-heading');

    expect(await item.getByText(SUMMARY[lang], { exact: true }).isVisible()).toBe(true);
    expect(await item.locator('.severity').textContent()).toBe(`${text('options_advisories_severity')} ${text('options_advisories_severity_critical')}`);
    expect(await item.getByText(text('options_advisories_published', dateOf(publishedAt)), { exact: true }).isVisible()).toBe(true);
    expect(await item.getByRole('button').allTextContents()).toEqual([text('options_advisories_mark_read'), text('options_advisories_mark_applied')]);

    const acknowledged = options.waitForResponse((response) => response.request().method() === 'POST' && response.url().includes('/acknowledgments'));
    await item.getByRole('button', { name: text('options_advisories_mark_read'), exact: true }).click();
    const answer = await acknowledged;
    expect(answer.status()).toBe(200);
    expect(new URL(answer.url()).pathname).toBe(`/api/v1/me/advisories/${encodeURIComponent(advisoryId)}/acknowledgments`);
    expect(answer.request().postDataJSON()).toEqual({ action: 'read' });
    const readAt = ((await answer.json()) as { read: { at: string } }).read.at;

    const readLine = item.getByText(text('options_advisories_read_by_you', dateOf(readAt)), { exact: true });
    await readLine.waitFor();
    expect(await readLine.evaluate((line) => line === document.activeElement)).toBe(true);
    expect(await item.getByRole('button').allTextContents()).toEqual([text('options_advisories_mark_applied')]);

    await mkdir(SCREENSHOTS, { recursive: true });
    await section.screenshot({ path: resolve(SCREENSHOTS, `options-advisories-${lang}-1280.png`) });

    // The colleague now sees it read by Marie Tremblay, not by them.
    const listed = await colleague.request<MyAdvisories>('GET', '/api/v1/me/advisories');
    expect(listed.status).toBe(200);
    expect(listed.body.items).toHaveLength(1);
    expect(listed.body.items[0]).toMatchObject({
      id: advisoryId,
      severity: 'critical',
      title: TITLE[lang],
      language: lang,
      asksApplied: true,
      read: { at: readAt, by: 'Marie Tremblay', byMe: false },
      applied: null,
    });

    // The fix still waits: the popup still says so, until the colleague (who gave no name) applies it.
    await popup.reload();
    await waitingLine.waitFor();
    const applied = await colleague.request('POST', `/api/v1/me/advisories/${encodeURIComponent(advisoryId)}/acknowledgments`, { action: 'applied' });
    expect(applied.status).toBe(200);
    expect(applied.body.applied).toMatchObject({ byMe: true });

    const listedInPopup = popup.waitForResponse((response) => new URL(response.url()).pathname === '/api/v1/me/advisories');
    await popup.reload();
    expect((await listedInPopup).status()).toBe(200);
    await popup.getByRole('switch').first().waitFor();
    await popup.evaluate(() => new Promise((done) => requestAnimationFrame(done)));
    expect(await popup.locator('.open-advisories').count()).toBe(0);
    const withoutLine = await popupHeight();
    process.stdout.write(`[advisories ${lang}/${kind}] popup height: ${withLine} px with the advisories line, ${withoutLine} px without\n`);
    // The line is all the popup gains: one line of text and the gap above it.
    expect(withLine - withoutLine).toBeGreaterThan(0);
    expect(withLine - withoutLine).toBeLessThanOrEqual(40);
    await options.reload();
    await item.waitFor();
    const appliedAt = applied.body.applied.at as string;
    await item.getByText(text('options_advisories_applied_by_colleague', dateOf(appliedAt)), { exact: true }).waitFor();
    expect(await item.getByRole('button').count()).toBe(0);
  });
});
