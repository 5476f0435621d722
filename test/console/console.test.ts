// The staff console as the MSP's people meet it: an enrolment link, a passkey made by Chromium's
// virtual authenticator (user verification on), sign-in, the dashboard, sign-out, roles held as in
// the API, CSRF, idle timeout, the audit log; axe-core on each page; screenshots at 1280 and 375 px.
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { STORES } from '../support/stores.js';
import { startServer, type TestServer } from '../support/server.js';
import { launchChromium } from '../support/chromium.js';
import { TestClock } from '../support/clock.js';
import { eventually } from '../support/mail.js';
import { axeFindings, csrfOf, enrol, withPasskeyDevice } from './console-browser.js';

// A browser, a passkey ceremony and axe-core per step: more than the default 30 s when the machine is busy.
vi.setConfig({ testTimeout: 120_000 });

const OUT_DIR = 'test-artifacts/screenshots';

describe.each(STORES)('the staff console on %s', (kind) => {
  let server: TestServer;
  let browser: Browser;
  const clock = new TestClock();
  let run = 0;

  beforeAll(async () => {
    mkdirSync(OUT_DIR, { recursive: true });
    server = await startServer(kind, { clock, publicHost: 'localhost' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  beforeEach(() => {
    clock.reset();
    run++;
  });

  const consoleFetch = (page: Page, method: string, path: string, body: unknown, csrf: string | null) =>
    page.evaluate(
      async ({ method, path, body, csrf }) => {
        const res = await fetch(path, { method, headers: { 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) }, body: JSON.stringify(body) });
        return { status: res.status, body: await res.json().catch(() => null) };
      },
      { method, path, body, csrf },
    );

  it('when an admin enrols from the one-time link, then a passkey with user verification signs them in, the dashboard shows the queue, and signing out and in again works', async () => {
    const org = (await server.api.post('/api/v1/organizations', { name: `Console ${run}` })).body.id;
    const contact = (await server.api.post('/api/v1/contacts', { organizationId: org, email: `c.${run}@console.example` })).body.id;
    expect((await server.api.post('/api/v1/messages', { category: 'invoices', template: 'invoice-receipt', to: { contactId: contact }, data: { invoiceNumber: 'F-1', amount: '10.00', currency: 'CAD', issuedAt: '2026-11-30' } })).status).toBe(202);

    const { context, page } = await withPasskeyDevice(browser);
    const email = `admin.${run}.${kind}@msp.example`;
    const token = await enrol(server, page, email, 'admin');
    expect(page.url()).toBe(`${server.config.publicUrl}/console`);
    expect(Number(await page.locator('[data-status=queued]').textContent())).toBeGreaterThanOrEqual(1);
    await expect(page.getByText(`${email} (admin)`).isVisible()).resolves.toBe(true);
    expect(await axeFindings(page)).toEqual([]);
    await page.screenshot({ path: `${OUT_DIR}/console-dashboard-1280.png`, fullPage: true });

    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'console_session')!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in with a passkey' }).waitFor();
    expect(await axeFindings(page)).toEqual([]);
    await page.screenshot({ path: `${OUT_DIR}/console-sign-in-1280.png`, fullPage: true });
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.getByRole('heading', { name: 'Queue' }).waitFor();

    // The enrolment link worked once.
    await page.goto(`${server.config.publicUrl}/console/enrol#${token}`);
    await page.getByRole('heading', { name: 'Queue' }).waitFor();
    const second = await browser.newContext();
    const fresh = await second.newPage();
    await fresh.goto(`${server.config.publicUrl}/console/enrol#${token}`);
    await fresh.getByText('This enrolment link does not work').waitFor();
    await second.close();

    const audit = await eventually(
      () => server.api.get('/api/v1/audit-log?limit=500'),
      (res) => res.body.items.filter((e: { action: string; outcome: number }) => e.action === 'console.sign-in' && e.outcome === 200).length >= 1,
    );
    const staffId = audit.body.items.find((e: { action: string; outcome: number }) => e.action === 'console.enrol' && e.outcome === 201).keyId;
    expect(staffId).toMatch(/^staff:/);
    expect(audit.body.items.filter((e: { action: string; keyId: string }) => e.keyId === staffId).map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['console.enrol', 'console.sign-out', 'console.sign-in']),
    );
    await context.close();
  });

  it('when a console change comes without the session’s CSRF token, then 403 and nothing changes; with it, the admin API answers as for a key of that role', async () => {
    const { context, page } = await withPasskeyDevice(browser);
    await enrol(server, page, `csrf.${run}.${kind}@msp.example`, 'admin');
    const without = await consoleFetch(page, 'POST', '/api/v1/api-keys', { name: 'from the console', role: 'sender' }, null);
    expect(without.status).toBe(403);
    const wrong = await consoleFetch(page, 'POST', '/api/v1/api-keys', { name: 'from the console', role: 'sender' }, 'x'.repeat(43));
    expect(wrong.status).toBe(403);
    const created = await consoleFetch(page, 'POST', '/api/v1/api-keys', { name: 'from the console', role: 'sender' }, await csrfOf(page));
    expect(created.status).toBe(201);
    const audit = await eventually(() => server.api.get('/api/v1/audit-log?limit=500'), (res) => res.body.items.some((e: { target: string }) => e.target === created.body.id));
    expect(audit.body.items.find((e: { target: string }) => e.target === created.body.id).keyId).toMatch(/^staff:/);
    await context.close();
  });

  it('when a support member is signed in, then roles hold exactly as in the API: a forged request to an admin route is 403', async () => {
    const { context, page } = await withPasskeyDevice(browser, 375);
    await enrol(server, page, `support.${run}.${kind}@msp.example`, 'support');
    await page.screenshot({ path: `${OUT_DIR}/console-dashboard-375.png`, fullPage: true });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    const forged = await consoleFetch(page, 'POST', '/api/v1/api-keys', { name: 'forged', role: 'admin' }, await csrfOf(page));
    expect(forged.status).toBe(403);
    const stats = await page.evaluate(async () => (await fetch('/api/v1/queue-stats')).status);
    expect(stats).toBe(200);
    await context.close();
  });

  it('when a session sits idle 30 minutes, then it is over: the console asks to sign in again and the API refuses its cookie', async () => {
    const { context, page } = await withPasskeyDevice(browser);
    await enrol(server, page, `idle.${run}.${kind}@msp.example`, 'sender');
    clock.setTo(Date.now() + 29 * 60_000);
    expect(await page.evaluate(async () => (await fetch('/api/v1/queue-stats')).status)).toBe(200);
    clock.setTo(Date.now() + 29 * 60_000 + 31 * 60_000);
    expect(await page.evaluate(async () => (await fetch('/api/v1/queue-stats')).status)).toBe(401);
    await page.reload();
    await page.getByRole('button', { name: 'Sign in with a passkey' }).waitFor();
    await context.close();
  });

  it('when an admin manages staff through the API, then the link enrols, a role change or disabling ends the member’s sessions, and only admins may do it', async () => {
    const email = `managed.${run}.${kind}@msp.example`;
    const created = await server.api.post('/api/v1/staff', { email, role: 'sender' });
    expect(created.status).toBe(201);
    expect(created.body.enrolmentUrl).toMatch(/\/console\/enrol#[\w-]{43}$/);
    expect((await server.api.post('/api/v1/staff', { email: email.toUpperCase(), role: 'admin' })).status).toBe(409);
    const support = (await server.api.post('/api/v1/api-keys', { name: `support ${run}`, role: 'support' })).body.key;
    expect((await server.api.as(support).post('/api/v1/staff', { email: `x.${run}@msp.example`, role: 'admin' })).status).toBe(403);
    expect((await server.api.as(support).get('/api/v1/staff')).status).toBe(403);

    const { context, page } = await withPasskeyDevice(browser);
    await page.goto(created.body.enrolmentUrl);
    await page.getByRole('button', { name: 'Create my passkey' }).click();
    await page.getByRole('heading', { name: 'Queue' }).waitFor();
    const listed = (await server.api.get('/api/v1/staff')).body.items.find((m: { email: string }) => m.email === email);
    expect(listed).toMatchObject({ role: 'sender', passkeys: 1, authenticatorApp: false, disabledAt: null });

    expect((await server.api.patch(`/api/v1/staff/${listed.id}`, { role: 'support' })).status).toBe(204);
    expect(await page.evaluate(async () => (await fetch('/api/v1/queue-stats')).status)).toBe(401);
    await page.reload();
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.getByText(`${email} (support)`).waitFor();

    expect((await server.api.patch(`/api/v1/staff/${listed.id}`, { disabled: true })).status).toBe(204);
    await page.reload();
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.getByRole('alert').waitFor();
    expect((await server.api.post(`/api/v1/staff/${listed.id}/enrolment`, {})).status).toBe(404);
    expect((await server.api.patch(`/api/v1/staff/${crypto.randomUUID()}`, { role: 'admin' })).status).toBe(404);
    await context.close();
  });

  it('when an admin opens the audit log, then entries filter by person, action and date, staff show by address, and a support member has no such page', async () => {
    const { context, page } = await withPasskeyDevice(browser);
    const email = `auditor.${run}.${kind}@msp.example`;
    await enrol(server, page, email, 'admin');
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await page.getByLabel('Person or key').selectOption({ label: email });
    await page.getByLabel('Action starts with').fill('console.');
    await page.getByRole('button', { name: 'Filter' }).click();
    // The unfiltered list shows first; the filtered one replaces it.
    await expect.poll(async () => [...new Set(await page.locator('tbody tr td:nth-child(2)').allTextContents())]).toEqual([email]);
    await page.getByRole('cell', { name: 'console.enrol' }).waitFor();
    expect(await axeFindings(page)).toEqual([]);
    await page.screenshot({ path: `${OUT_DIR}/console-audit-1280.png`, fullPage: true });

    const today = new Date().toISOString().slice(0, 10);
    const byDay = await server.api.get(`/api/v1/audit-log?action=console.&from=${today}`);
    expect(byDay.body.items.length).toBeGreaterThan(0);
    expect(byDay.body.items.every((e: { action: string }) => e.action.startsWith('console.'))).toBe(true);
    expect((await server.api.get(`/api/v1/audit-log?action=console.&to=${today}`)).body.items).toEqual([]);
    expect((await server.api.get('/api/v1/audit-log?from=yesterday')).status).toBe(400);
    await context.close();

    const support = await withPasskeyDevice(browser, 375);
    await enrol(server, support.page, `no-audit.${run}.${kind}@msp.example`, 'support');
    expect(await support.page.getByRole('link', { name: 'Audit log' }).count()).toBe(0);
    expect(await support.page.evaluate(async () => (await fetch('/api/v1/audit-log')).status)).toBe(403);
    await support.context.close();
  });

  it('when an admin uses the Staff and API keys pages, then a member is added with a one-time link, and a key is shown once, listed and revoked', async () => {
    const { context, page } = await withPasskeyDevice(browser);
    await enrol(server, page, `keeper.${run}.${kind}@msp.example`, 'admin');
    await page.getByRole('link', { name: 'Staff', exact: true }).click();
    const newcomer = `newcomer.${run}.${kind}@msp.example`;
    await page.getByLabel('Work email').fill(newcomer);
    await page.getByLabel('Role', { exact: true }).selectOption('sender');
    await page.getByRole('button', { name: 'Add and get the enrolment link' }).click();
    const link = await page.locator('.once code').textContent();
    expect(link).toMatch(new RegExp(`^${server.config.publicUrl}/console/enrol#[\\w-]{43}$`));
    await page.getByRole('cell', { name: newcomer }).waitFor();
    expect(await axeFindings(page)).toEqual([]);
    await page.screenshot({ path: `${OUT_DIR}/console-staff-1280.png`, fullPage: true });

    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByLabel('Name').fill(`PSA ${run}`);
    await page.getByRole('button', { name: 'Create the key' }).click();
    const key = (await page.locator('.once code').textContent())!;
    expect(key).toMatch(/^sk_/);
    expect((await server.api.as(key).post('/api/v1/messages', { category: 'invoices', template: 'invoice-receipt', to: { email: 'nobody@nowhere.example' }, data: {} })).status).toBe(400);
    await page.getByRole('button', { name: `Revoke: PSA ${run}` }).click();
    await page.getByRole('row', { name: new RegExp(`PSA ${run}.*Revoked`) }).waitFor();
    expect((await server.api.as(key).get('/api/v1/queue-stats')).status).toBe(401);
    expect(await axeFindings(page)).toEqual([]);
    await page.screenshot({ path: `${OUT_DIR}/console-api-keys-1280.png`, fullPage: true });
    await context.close();
  });

  it('when a browser without the passkey tries to sign in, then it is refused and the refusal is audited', async () => {
    const { context, page } = await withPasskeyDevice(browser);
    await page.goto(`${server.config.publicUrl}/console`);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.getByRole('alert').waitFor({ timeout: 20_000 });
    await context.close();
    const forged = await fetch(`${server.url}/console/api/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ challengeId: crypto.randomUUID(), response: { id: 'nope', rawId: 'nope', type: 'public-key', response: {} } }),
    });
    expect(forged.status).toBe(401);
    const audit = await eventually(() => server.api.get('/api/v1/audit-log?limit=500'), (res) => res.body.items.some((e: { action: string; outcome: number }) => e.action === 'console.sign-in' && e.outcome === 401));
    expect(audit.status).toBe(200);
  });
});
