// The popup as a person meets it in Chrome: every state fits Chrome's 600 px popup with the five
// default categories in both languages, the placeholder is the size of what replaces it, and
// axe-core finds nothing moderate or worse in any state. The built extension in headless
// Chromium, the real server on a real store, codes read from a real SMTP server's mail.
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from '../support/axe.js';
import { startServer, type TestServer } from '../support/server.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';
import { codeIn, nthMailTo } from '../self-service/self-service-client.js';
import { launchExtension, type LaunchedExtension } from './launch.js';
import { extensionText, signInThroughPopup } from './popup-sign-in.js';

/** Chrome cuts a popup taller than this (and wider than 800 px) and makes it scroll. */
const CHROME_POPUP_MAX_HEIGHT = 600;

/** axe-core's moderate, serious and critical findings, as `rule: target` lines. */
const axeFindings = async (page: Page) =>
  (await axeViolations(page, ['moderate', 'serious', 'critical'])).flatMap((v) => v.targets.map((target) => `${v.id}: ${target}`));

const SHOTS = 'test-artifacts/screenshots';
mkdirSync(SHOTS, { recursive: true });

/** The popup's own height: what Chrome sizes the popup window to. */
const popupHeight = (page: Page) => page.evaluate(() => Math.ceil(document.body.getBoundingClientRect().height));

describe.each(['en', 'fr'] as const)('the popup as people use it (%s)', (lang) => {
  let server: TestServer;
  let smtp: TestSmtp;
  let launched: LaunchedExtension | undefined;
  const text = extensionText(lang);

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startServer('sqlite', { smtpUrl: smtp.url });
    launched = await launchExtension({ serverUrl: server.url, ...(lang === 'fr' ? { lang } : {}) });
  });
  afterAll(async () => {
    await launched?.close();
    await server?.close();
    await smtp?.close();
  });

  async function contact(email: string) {
    const org = await server.api.post('/api/v1/organizations', { name: 'Clinique Boréale-Saint-Laurent', locale: lang });
    await server.api.post('/api/v1/contacts', { organizationId: org.body.id, email, name: 'Marie-Ève Tremblay-Gagnon', locale: lang });
  }

  /** The stored session token; with an argument, sets it first (null: signed out). */
  async function storedSession(set?: null): Promise<unknown> {
    return launched!.serviceWorker.evaluate(async (clear) => {
      const { chrome } = globalThis as unknown as {
        chrome: { storage: { local: { get(key: string): Promise<{ sessionToken?: unknown }>; remove(keys: string[]): Promise<void> } } };
      };
      if (clear) await chrome.storage.local.remove(['sessionToken', 'sessionExpiresAt', 'pendingEmail']);
      return (await chrome.storage.local.get('sessionToken')).sessionToken ?? null;
    }, set === null);
  }

  async function openPopup(): Promise<Page> {
    const page = await launched!.context.newPage();
    await page.setViewportSize({ width: 360, height: CHROME_POPUP_MAX_HEIGHT });
    await page.goto(launched!.url('popup.html'));
    return page;
  }

  /** The state's height and axe's findings, both checked at the end so one run reports every state. */
  async function look(page: Page, state: string, seen: Map<string, { height: number; findings: string[] }>) {
    seen.set(state, { height: await popupHeight(page), findings: await axeFindings(page) });
    await page.screenshot({ path: `${SHOTS}/popup-${lang}-${state.replace(/\W+/g, '-')}.png`, fullPage: true });
  }

  it('when a person signs in and meets every state, then each fits 600 px, the placeholder matches the list, and axe finds nothing', async () => {
    const email = `fit.${lang}.a-rather-long-mailbox-name@clinique-boreale-saint-laurent.example`;
    await contact(email);
    const seen = new Map<string, { height: number; findings: string[] }>();
    const page = await openPopup();

    const emailField = page.locator('input[type=email]');
    await emailField.waitFor();
    await look(page, 'email', seen);
    await emailField.fill('not an address');
    await emailField.press('Enter');
    await page.getByRole('alert').waitFor();
    await look(page, 'email invalid', seen);

    await emailField.fill(email);
    await emailField.press('Enter');
    const codeField = page.locator('input[autocomplete=one-time-code]');
    await codeField.waitFor();
    await look(page, 'code', seen);
    const code = codeIn(await nthMailTo(smtp, email, 1));
    const wrong = code === '000000' ? '000001' : '000000';
    const signIn = page.getByRole('button', { name: text('code_sign_in'), exact: true });
    for (let i = 0; i < 2; i++) {
      await codeField.fill(wrong);
      await signIn.click();
      await page.getByRole('alert').waitFor();
    }
    await expect.poll(() => page.getByRole('alert').textContent()).toContain(text('code_wrong_tries_left', '3'));
    await look(page, 'code wrong, tries left', seen);

    // Held back, so the placeholder can be measured before the list replaces it.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/api/v1/me', async (route) => {
      await held;
      await route.continue();
    });
    await codeField.fill(code);
    await signIn.click();
    await page.locator('.skeleton').waitFor();
    await look(page, 'loading', seen);
    release();
    await page.getByRole('heading', { name: text('prefs_heading'), exact: true }).waitFor();
    await page.unroute('**/api/v1/me');
    await look(page, 'preferences', seen);
    // Focus follows the person to the new screen rather than falling back to the page.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('prefs-heading');

    await page.route('**/api/v1/me/preferences*', (route) => route.abort('connectionrefused'));
    await page.getByRole('switch', { name: lang === 'fr' ? 'Factures et reçus' : 'Invoices and receipts', exact: true }).click();
    await page.getByRole('button', { name: text('common_retry'), exact: true }).waitFor();
    await look(page, 'save failed', seen);
    await page.unroute('**/api/v1/me/preferences*');

    await page.route('**/api/v1/me', (route) => route.abort('connectionrefused'));
    await page.reload();
    await page.getByRole('button', { name: text('prefs_sign_out'), exact: true }).waitFor();
    await look(page, 'server unreachable', seen);
    await page.unroute('**/api/v1/me');

    const report = [...seen].map(([state, { height, findings }]) => `${state}: ${height} px${findings.length ? `, axe: ${findings.join('; ')}` : ''}`);
    process.stdout.write(`[popup ${lang}] ${report.join(' | ')}\n`);
    for (const [state, { height, findings }] of seen) {
      expect(height, `${state} is ${height} px tall`).toBeLessThanOrEqual(CHROME_POPUP_MAX_HEIGHT);
      expect(findings, state).toEqual([]);
    }
    const placeholder = seen.get('loading')!.height;
    const list = seen.get('preferences')!.height;
    expect(Math.abs(placeholder - list), `placeholder ${placeholder} px, list ${list} px`).toBeLessThanOrEqual(24);
    await page.close();
  });

  it('when the server cannot be reached, then the person can still sign out, and the popup then asks for an address', async () => {
    const email = `offline.${lang}@example.com`;
    await contact(email);
    await storedSession(null);
    const page = await openPopup();
    await page.locator('input[type=email]').fill(email);
    await page.locator('input[type=email]').press('Enter');
    const codeField = page.locator('input[autocomplete=one-time-code]');
    await codeField.waitFor();
    await codeField.fill(codeIn(await nthMailTo(smtp, email, 1)));
    await page.getByRole('button', { name: text('code_sign_in'), exact: true }).click();
    await page.getByRole('heading', { name: text('prefs_heading'), exact: true }).waitFor();

    await page.route('**/api/v1/**', (route) => route.abort('connectionrefused'));
    await page.reload();
    await page.getByRole('button', { name: text('prefs_sign_out'), exact: true }).click();
    await page.locator('input[type=email]').waitFor();
    // The token is gone from the only place that held it.
    expect(await storedSession()).toBeNull();
    await page.close();
  });

  it('when a person goes through the options page, then axe finds nothing in any state: signed out, signed in, unreachable, the erasure question and its receipt', async () => {
    const email = `options.${lang}@example.com`;
    await contact(email);
    await storedSession(null);
    const findings = new Map<string, string[]>();
    const options = await launched!.context.newPage();
    const check = async (state: string) => {
      findings.set(state, await axeFindings(options));
      await options.screenshot({ path: `${SHOTS}/options-${lang}-${state.replace(/\W+/g, '-')}.png`, fullPage: true });
    };
    await options.goto(launched!.url('options.html'));
    await options.getByText(text('options_signed_out'), { exact: true }).waitFor();
    await check('signed out');

    const popup = await openPopup();
    await signInThroughPopup(popup, smtp, email, text);
    await popup.close();
    await options.reload();
    await options.getByRole('heading', { name: text('recent_heading'), exact: true }).waitFor();
    await check('signed in');

    await options.route('**/api/v1/me', (route) => route.abort('connectionrefused'));
    await options.reload();
    await options.getByRole('button', { name: text('common_retry'), exact: true }).first().waitFor();
    await check('server unreachable');
    await options.unroute('**/api/v1/me');
    await options.reload();

    await options.getByRole('button', { name: text('options_data_delete'), exact: true }).click();
    await options.getByRole('group', { name: text('options_data_delete_heading'), exact: true }).waitFor();
    await check('erasure question');
    await options.getByRole('button', { name: text('options_data_delete_confirm'), exact: true }).click();
    await options.getByRole('heading', { name: text('options_data_deleted_heading'), exact: true }).waitFor();
    await check('erasure receipt');

    expect(Object.fromEntries(findings)).toEqual(Object.fromEntries([...findings.keys()].map((state) => [state, []])));
    await options.close();
  });
});
