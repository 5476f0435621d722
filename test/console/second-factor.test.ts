// The fallback when the passkey is not at hand: an authenticator app (TOTP) set up from the
// Security page, its codes working once, and one-time recovery codes; in headless Chromium on the
// real server, codes computed by otplib as the member's phone would.
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { STORES } from '../support/stores.js';
import { startServer, type TestServer } from '../support/server.js';
import { launchChromium } from '../support/chromium.js';
import { eventually } from '../support/mail.js';
import { axeFindings, enrol, withPasskeyDevice } from './console-browser.js';
import { applyRetention } from '../../server/privacy/retention.js';
import { retentionOwners } from '../../server/services.js';

// A browser, a passkey ceremony and axe-core per step: more than the default 30 s when the machine is busy.
vi.setConfig({ testTimeout: 120_000 });

const OUT_DIR = 'test-artifacts/screenshots';

describe.each(STORES)('signing in to the console without a passkey on %s', (kind) => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(OUT_DIR, { recursive: true });
    server = await startServer(kind, { publicHost: 'localhost' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const nowStep = () => Math.floor(Date.now() / 1000);
  async function signOut(page: Page) {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in with a passkey' }).waitFor();
  }
  async function fallback(page: Page, form: 'code' | 'recovery', email: string, code: string) {
    if (!(await page.locator('details.fallback').getAttribute('open').then((v) => v !== null))) await page.getByText('No passkey at hand?').click();
    const prefix = form === 'code' ? 'code' : 'recovery';
    await page.locator(`#${prefix}-email`).fill(email);
    await page.locator(form === 'code' ? '#app-code' : '#recovery-code').fill(code);
    await page.getByRole('button', { name: form === 'code' ? 'Sign in with the code' : 'Sign in with a recovery code' }).click();
  }

  it('when a member sets up an authenticator app, then its codes sign them in once each, and each recovery code works once', async () => {
    const email = `app.${kind}@msp.example`;
    const { context, page } = await withPasskeyDevice(browser);
    await enrol(server, page, email, 'sender');

    // Without the session's CSRF token, nothing is set up.
    expect(await page.evaluate(async () => (await fetch('/console/api/authenticator', { method: 'POST' })).status)).toBe(403);

    await page.getByRole('link', { name: 'Security' }).click();
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    const secret = (await page.locator('code.secret').textContent())!.replace(/\s/g, '');
    const first = await generate({ secret, epoch: nowStep() });
    await page.getByLabel('Code from your authenticator app').fill(first);
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.getByRole('heading', { name: 'Your recovery codes' }).waitFor();
    const recovery = await page.locator('.codes code').allTextContents();
    expect(recovery).toHaveLength(10);
    expect(new Set(recovery).size).toBe(10);
    expect(await axeFindings(page)).toEqual([]);
    await page.screenshot({ path: `${OUT_DIR}/console-security-1280.png`, fullPage: true });

    await signOut(page);
    await page.getByText('No passkey at hand?').click();
    expect(await axeFindings(page)).toEqual([]);
    await page.screenshot({ path: `${OUT_DIR}/console-sign-in-fallback-1280.png`, fullPage: true });
    // The code that turned the app on was used: it does not sign in again.
    await fallback(page, 'code', email, first);
    await page.getByText('That did not work').waitFor();
    await fallback(page, 'code', email, await generate({ secret, epoch: nowStep() + 30 }));
    await page.getByRole('heading', { name: 'Queue' }).waitFor();

    await signOut(page);
    await fallback(page, 'recovery', email, recovery[3]!.toUpperCase());
    await page.getByRole('heading', { name: 'Queue' }).waitFor();
    await signOut(page);
    await fallback(page, 'recovery', email, recovery[3]!);
    await page.getByText('That did not work').waitFor();
    // Another member's recovery code is no key to this one.
    await fallback(page, 'code', `nobody.${kind}@msp.example`, '123456');
    await page.getByText('That did not work').waitFor();
    await context.close();

    const audit = await eventually(
      () => server.api.get('/api/v1/audit-log?limit=500'),
      (res) => res.body.items.some((e: { action: string; outcome: number }) => e.action === 'console.sign-in-recovery' && e.outcome === 401),
    );
    const actions = audit.body.items.map((e: { action: string; outcome: number }) => `${e.action} ${e.outcome}`);
    expect(actions).toEqual(expect.arrayContaining(['console.authenticator-on 200', 'console.sign-in-code 401', 'console.sign-in-code 200', 'console.sign-in-recovery 200', 'console.sign-in-recovery 401']));

    // Retention removes the sessions that ended (three sign-outs) and the challenges no one answered.
    const report = await applyRetention(server.testStore.store.db, retentionOwners(server.config.retention));
    expect(report.staffSessions).toBeGreaterThanOrEqual(3);
    const live = await server.testStore.store.db.selectFrom('staff_sessions').select('revoked_at').execute();
    expect(live.every((row) => row.revoked_at === null)).toBe(true);
  });
});
