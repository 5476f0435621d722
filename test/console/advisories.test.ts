// The console's Advisories page as the support team meets it: a sender writes an advisory in both
// languages, sees each email as clients will (sandboxed, at phone and desktop width), confirms the
// audience, sends, and follows the delivery to 100 %; checked against what a real SMTP server
// received. A field the server refuses shows its message beside it. axe-core before and after
// sending; screenshots at 1280 and 375 px.
import { mkdirSync } from 'node:fs';
import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { STORES } from '../support/stores.js';
import { startServer, type TestServer } from '../support/server.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';
import { launchChromium } from '../support/chromium.js';
import { eventually } from '../support/mail.js';
import { axeFindings, enrol, withPasskeyDevice } from './console-browser.js';

// A browser, a passkey ceremony and axe-core per step: more than the default 30 s when the machine is busy.
vi.setConfig({ testTimeout: 120_000 });

const OUT_DIR = 'test-artifacts/screenshots';

const EN = { title: 'Patch the VPN gateway now', summary: 'A flaw in the VPN gateway is being exploited.', body: 'Update to **7.2.8** today.\n\n- Back up first\n- Then restart' };
const FR = {
  title: 'Corrigez la passerelle RPV maintenant',
  summary: 'Une faille de la passerelle RPV est exploitée.',
  body: 'Passez à la version **7.2.8** aujourd’hui.\n\n- Faites une sauvegarde\n- Puis redémarrez',
};

describe.each(STORES)('the console’s Advisories page on %s', (kind) => {
  let server: TestServer;
  let smtp: TestSmtp;
  let browser: Browser;
  let run = 0;

  beforeAll(async () => {
    mkdirSync(OUT_DIR, { recursive: true });
    smtp = await startSmtp();
    server = await startServer(kind, { publicHost: 'localhost', smtpUrl: smtp.url });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await smtp?.close();
  });
  beforeEach(() => {
    run++;
  });

  async function organization(name: string, locale: 'en' | 'fr') {
    const res = await server.api.post('/api/v1/organizations', { name, locale });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }
  async function contact(organizationId: string, email: string, locale: 'en' | 'fr') {
    const res = await server.api.post('/api/v1/contacts', { organizationId, email, locale });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  /** Signed in as a sender, on the Advisories page, reached from the menu. */
  async function openAdvisories(width = 1280) {
    const { context, page } = await withPasskeyDevice(browser, width);
    await enrol(server, page, `sender.${run}.${kind}@msp.example`, 'sender');
    await page.getByRole('link', { name: 'Advisories' }).click();
    await page.getByRole('heading', { level: 1, name: 'Security advisories' }).waitFor();
    expect(page.url()).toBe(`${server.config.publicUrl}/console/advisories`);
    return { context, page };
  }

  const language = (page: Page, name: 'English' | 'French') => page.getByRole('group', { name });

  /**
   * The whole page, the preview frames included: Chromium draws a sandboxed frame in its own process,
   * which a full-page capture leaves blank, so the viewport is made as tall as the page instead.
   */
  async function screenshot(page: Page, name: string) {
    const viewport = page.viewportSize()!;
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    await page.setViewportSize({ width: viewport.width, height });
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${OUT_DIR}/${name}.png` });
    await page.setViewportSize(viewport);
  }

  it('when a sender writes an advisory in both languages, then both emails preview, the confirmation names the audience, and each contact gets it in their own language, none the one who opted out', async () => {
    const lavoie = await organization(`Clinique Lavoie ${kind}`, 'fr');
    const acme = await organization(`Acme Dental ${kind}`, 'en');
    await organization(`Not chosen ${kind}`, 'en');
    const people = {
      lavoieFr: `fr.${kind}@lavoie.example`,
      lavoieEn: `en.${kind}@lavoie.example`,
      lavoieOut: `out.${kind}@lavoie.example`,
      acmeFr: `fr.${kind}@acme.example`,
      acmeEn: `en.${kind}@acme.example`,
      acmeOut: `out.${kind}@acme.example`,
    };
    await contact(lavoie, people.lavoieFr, 'fr');
    await contact(lavoie, people.lavoieEn, 'en');
    await contact(acme, people.acmeFr, 'fr');
    await contact(acme, people.acmeEn, 'en');
    for (const [org, email] of [
      [lavoie, people.lavoieOut],
      [acme, people.acmeOut],
    ] as const) {
      const id = await contact(org, email, 'en');
      expect((await server.api.put(`/api/v1/contacts/${id}/preferences`, { 'security-advisories': false })).status).toBe(200);
    }

    const { context, page } = await openAdvisories();
    // Never more than one preview request at a time.
    let inFlight = 0;
    let mostInFlight = 0;
    let previews = 0;
    const isPreview = (r: Request) => r.url().endsWith('/api/v1/advisories/preview');
    page.on('request', (r) => {
      if (!isPreview(r)) return;
      previews++;
      mostInFlight = Math.max(mostInFlight, ++inFlight);
    });
    const done = (r: Request) => isPreview(r) && inFlight--;
    page.on('requestfinished', done);
    page.on('requestfailed', done);

    const idField = page.getByLabel('Advisory ID');
    await expect.poll(() => idField.inputValue()).toMatch(/^ADV-\d{4}-\d{2}-\d{2}-1$/);
    const advisoryId = await idField.inputValue();
    await expect(page.getByText('None selected: every organization receives it.').isVisible()).resolves.toBe(true);
    expect(await axeFindings(page)).toEqual([]);

    await page.getByLabel('Severity').selectOption('critical');
    const english = language(page, 'English');
    await english.getByLabel('Title').fill(EN.title);
    await english.getByLabel('Summary').fill(EN.summary);
    await english.getByLabel('Body').fill(EN.body);
    const french = language(page, 'French');
    await french.getByLabel('Title').fill(FR.title);
    await french.getByLabel('Summary').fill(FR.summary);
    // Typed key by key: the preview waits for a pause.
    await french.getByLabel('Body').pressSequentially(FR.body, { delay: 20 });
    await page.getByRole('checkbox', { name: `Clinique Lavoie ${kind}` }).check();
    await page.getByRole('checkbox', { name: `Acme Dental ${kind}` }).check();
    await page.getByText('2 organizations selected.').waitFor();

    // Both emails, as clients will see them: the subject above, the real HTML in sandboxed frames.
    const frenchEmail = page.locator('section[data-language=fr]');
    await expect.poll(() => frenchEmail.locator('[data-subject=fr]').textContent(), { timeout: 15_000 }).toBe(`[Critique] ${FR.title}`);
    await expect.poll(() => page.locator('[data-subject=en]').textContent()).toBe(`[Critical] ${EN.title}`);
    await expect.poll(() => page.locator('.adv-audience').getAttribute('data-queued'), { timeout: 15_000 }).toBe('4');
    expect(await page.locator('.adv-audience').getAttribute('data-suppressed')).toBe('2');
    const frames = frenchEmail.locator('iframe');
    expect(await frames.count()).toBe(2);
    for (let i = 0; i < 2; i++) {
      expect(await frames.nth(i).getAttribute('sandbox')).toBe('');
      expect(await frames.nth(i).getAttribute('srcdoc')).toContain(FR.title);
    }
    expect((await frames.nth(0).evaluate((f) => (f as HTMLIFrameElement).style.width))).toBe('375px');
    expect((await frames.nth(1).evaluate((f) => (f as HTMLIFrameElement).style.width))).toBe('800px');
    await frenchEmail.frameLocator('iframe').first().getByRole('heading', { name: FR.title }).waitFor();
    expect(await page.locator('section[data-language=en] iframe').first().getAttribute('srcdoc')).toContain(EN.title);
    expect(mostInFlight).toBe(1);
    // Far fewer requests than keystrokes.
    expect(previews).toBeLessThan(10);
    expect(await axeFindings(page)).toEqual([]);
    await screenshot(page, 'console-advisories-compose-1280');

    // The confirmation names the audience, takes focus, and Cancel gives it back.
    const send = page.getByRole('button', { name: 'Send…' });
    await send.click();
    const dialog = page.getByRole('dialog', { name: 'Send this advisory?' });
    await dialog.waitFor();
    await expect(dialog.innerText().then((text) => text.replace(/\s+/g, ' '))).resolves.toContain('Send to 4 contacts in 2 organizations? 2 will not receive it (opted out or below their threshold).');
    expect(await page.evaluate(() => Boolean(document.activeElement?.closest('dialog')))).toBe(true);
    expect(await axeFindings(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Send…');
    expect(smtp.received).toHaveLength(0);

    await send.click();
    await dialog.getByRole('button', { name: 'Send now' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByText(`Advisory ${advisoryId} is on its way to 4 contacts.`).waitFor();
    const progress = page.getByRole('heading', { name: `Delivery of ${advisoryId}` });
    await progress.waitFor();
    expect(await progress.evaluate((h) => h === document.activeElement)).toBe(true);
    await expect.poll(() => page.locator('progress').getAttribute('value'), { timeout: 20_000 }).toBe('100');
    await page.getByText('100% done: 6 of 6 messages.').waitFor();
    await page.getByText('Finished: nothing is waiting.').waitFor();
    expect(await page.locator('.adv-progress-status').getAttribute('aria-live')).toBe('polite');

    // Per organization: 2 sent, 1 not sent each; the list of recent advisories has it.
    for (const name of [`Clinique Lavoie ${kind}`, `Acme Dental ${kind}`]) {
      const row = page.getByRole('row', { name: new RegExp(`^${name}`) });
      await expect(row.locator('td[data-label=Sent]').textContent()).resolves.toBe('2');
      await expect(row.locator('td[data-label="Not sent"]').textContent()).resolves.toBe('1');
      await expect(row.locator('td[data-label=Failed]').textContent()).resolves.toBe('0');
    }
    await page.getByRole('button', { name: `Show delivery ${advisoryId}` }).waitFor();

    // What the relay received: French to the French, English to the English, nothing to those who opted out.
    await smtp.waitFor(4);
    await new Promise((r) => setTimeout(r, 500));
    expect(smtp.received).toHaveLength(4);
    for (const email of [people.lavoieFr, people.acmeFr]) {
      const [mail, ...more] = smtp.to(email);
      expect(more).toHaveLength(0);
      expect(mail!.parsed.subject).toBe(`[Critique] ${FR.title}`);
      expect(mail!.parsed.text).toContain(FR.summary);
      expect(mail!.parsed.text).not.toContain(EN.title);
    }
    for (const email of [people.lavoieEn, people.acmeEn]) {
      const [mail, ...more] = smtp.to(email);
      expect(more).toHaveLength(0);
      expect(mail!.parsed.subject).toBe(`[Critical] ${EN.title}`);
      expect(mail!.parsed.text).toContain(EN.summary);
      expect(mail!.parsed.text).not.toContain(FR.title);
    }
    expect(smtp.to(people.lavoieOut)).toHaveLength(0);
    expect(smtp.to(people.acmeOut)).toHaveLength(0);
    const report = await eventually(
      () => server.api.get(`/api/v1/advisories/${advisoryId}`),
      (res) => res.body.totals.sent === 4,
    );
    expect(report.body.totals).toMatchObject({ queued: 0, sending: 0, sent: 4, failed: 0, suppressed: 2 });

    expect(await axeFindings(page)).toEqual([]);
    await screenshot(page, 'console-advisories-1280');

    // Sending the same ID and revision again sends nothing, and says so.
    await expect(page.getByText('This ID was already sent (revision 1).', { exact: false }).isVisible()).resolves.toBe(true);
    await send.click();
    await dialog.getByRole('button', { name: 'Send now' }).click();
    await page.getByText(`Advisory ${advisoryId}, revision 1, was already sent: nothing was sent again.`).waitFor();
    await new Promise((r) => setTimeout(r, 500));
    expect(smtp.received).toHaveLength(4);

    // On a phone: nothing wider than the screen (the frames are drawn smaller to fit), in both languages.
    await page.setViewportSize({ width: 375, height: 800 });
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    expect(await axeFindings(page)).toEqual([]);
    await screenshot(page, 'console-advisories-375');
    await page.getByRole('button', { name: 'Français' }).click();
    await page.getByRole('heading', { level: 1, name: 'Avis de sécurité' }).waitFor();
    await page.getByText('100\u00a0% terminé\u00a0: 6 sur 6 messages.').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    expect(await axeFindings(page)).toEqual([]);
    await screenshot(page, 'console-advisories-fr-375');
    await context.close();
  });

  it('when the server refuses a field, then its message shows beside that field and Send takes the focus there; a language left half-written is named too', async () => {
    const { context, page } = await openAdvisories(375);
    const english = language(page, 'English');
    await english.getByLabel('Title').fill('T'.repeat(301));
    await english.getByLabel('Summary').fill('A summary.');
    await english.getByLabel('Body').fill('A body.');

    const title = english.getByLabel('Title');
    const error = page.locator('#adv-title-en-error');
    await error.waitFor({ timeout: 15_000 });
    await expect(error.textContent()).resolves.toContain('300');
    expect(await title.getAttribute('aria-invalid')).toBe('true');
    expect((await title.getAttribute('aria-describedby'))!.split(' ')).toContain('adv-title-en-error');
    await page.getByText('The server cannot send the advisory as it is: see the messages beside the fields.').waitFor();
    // Send goes to the field, no confirmation.
    await page.getByRole('button', { name: 'Send…' }).click();
    await expect.poll(() => title.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(await axeFindings(page)).toEqual([]);
    await screenshot(page, 'console-advisories-error-375');

    // Fixed: the error goes; French begun but not finished is named beside its empty fields.
    await title.fill('A fine title');
    await error.waitFor({ state: 'detached', timeout: 15_000 });
    const french = language(page, 'French');
    await french.getByLabel('Title').fill('Un titre');
    await page.getByRole('button', { name: 'Send…' }).click();
    const summaryFr = french.getByLabel('Summary');
    await expect.poll(() => summaryFr.evaluate((el) => el === document.activeElement)).toBe(true);
    await expect(page.locator('#adv-summary-fr-error').textContent()).resolves.toContain('Also write this in French, or leave every French field empty.');
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await context.close();
  });

  it('when a sender asks for a test, then the draft goes in English and in French to their own address only, marked as a test, with links that do nothing; nothing is recorded', async () => {
    const { context, page } = await openAdvisories();
    const member = `sender.${run}.${kind}@msp.example`;
    const before = smtp.received.length;
    const test = page.getByRole('button', { name: 'Send a test to me' });
    // An empty draft sends nothing and goes to the first field to write.
    await test.click();
    const english = language(page, 'English');
    await expect.poll(() => english.getByLabel('Title').evaluate((el) => el === document.activeElement)).toBe(true);

    await page.getByLabel('Severity').selectOption('high');
    await english.getByLabel('Title').fill(EN.title);
    await english.getByLabel('Summary').fill(EN.summary);
    await english.getByLabel('Body').fill(EN.body);
    const advisoryId = await page.getByLabel('Advisory ID').inputValue();
    await test.click();
    await page.getByText(`A test in English and one in French went to ${member}. Its links do nothing.`).waitFor();
    await smtp.waitFor(before + 2);
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.received).toHaveLength(before + 2);
    const mails = smtp.to(member);
    expect(mails.map((m) => m.parsed.subject).sort()).toEqual([`[Essai] [Élevée] ${EN.title}`, `[Test] [High] ${EN.title}`]);
    for (const mail of mails) {
      expect(mail.parsed.text).toContain(EN.summary);
      const links = [...String(mail.parsed.html).matchAll(/href="([^"]+)"/g)].map((m) => m[1]!).filter((href) => href.startsWith(server.config.publicUrl));
      expect(links.length).toBeGreaterThan(0);
      expect(new Set(links)).toEqual(new Set([`${server.config.publicUrl}/links/sample`]));
      expect(mail.parsed.headers.get('list-unsubscribe')).toBeUndefined();
    }
    const sample = await fetch(`${server.config.publicUrl}/links/sample`, { headers: { 'Accept-Language': 'fr-CA' } });
    expect(sample.status).toBe(200);
    expect(await sample.text()).toContain('Ce lien vient d’un exemple');
    expect((await server.api.get(`/api/v1/advisories/${encodeURIComponent(advisoryId)}`)).status).toBe(404);
    expect(await axeFindings(page)).toEqual([]);
    await context.close();

    // An API key has no address of its own to send a test to.
    const byKey = await server.api.post('/api/v1/advisories/test', { id: 'ADV-KEY-TEST', severity: 'low', title: 'T', summary: 'S', body: 'B' });
    expect(byKey.status).toBe(409);
    expect(byKey.body.type).toMatch(/no-own-address$/);
  });
});
