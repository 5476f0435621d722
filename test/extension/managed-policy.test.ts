// A client's IT deploys the extension by policy: Debian's Chromium reads a policy file from
// /etc/chromium/policies/managed/ (root's; CHROMIUM_POLICY_DIR for another Chromium), hands the
// extension its `3rdparty.extensions.<id>` values as storage.managed, and the popup then signs in
// on the policy's server with nobody touching a setting. The build gets a key of its own, so the
// policy names an id no other test's extension has, and the file is removed afterwards.
import { generateKeyPairSync } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Worker } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumExtensionId } from '../../server/config/extension-ids.js';
import { eventually } from '../support/mail.js';
import { startServer, type TestServer } from '../support/server.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';
import { buildExtension, launchExtension, type LaunchedExtension } from './launch.js';
import { extensionText, signInThroughPopup } from './popup-sign-in.js';

const POLICY_DIR = process.env['CHROMIUM_POLICY_DIR'] ?? '/etc/chromium/policies/managed';
// What the build has baked in: nothing answers there, so only the policy's server can work.
const BAKED_IN = 'http://127.0.0.1:9';
const EMAIL = 'alex.policy@client.example';
const text = extensionText('en');

/** What the extension's storage area holds, read in its service worker. */
const storage = (worker: Worker, area: 'local' | 'managed') =>
  worker.evaluate((name) => {
    type Area = { get(keys: null): Promise<Record<string, unknown>> };
    const { chrome } = globalThis as unknown as { chrome: { storage: Record<'local' | 'managed', Area> } };
    return chrome.storage[name].get(null);
  }, area);
const storedServerUrl = async (worker: Worker) => (await storage(worker, 'local'))['serverUrl'];

describe('the extension deployed by policy in Chromium', () => {
  let smtp: TestSmtp;
  let server: TestServer;
  let extensionDir: string;
  let extensionId: string;
  let policyFile: string | undefined;
  let launched: LaunchedExtension | undefined;

  beforeAll(async () => {
    await mkdir(POLICY_DIR, { recursive: true }).catch(() => undefined);
    await access(POLICY_DIR, constants.W_OK).catch(() => {
      throw new Error(`${POLICY_DIR} must be writable to test Chromium's policies (run as root, as CI does, or set CHROMIUM_POLICY_DIR)`);
    });
    // A production build, as the stores get it, under a key (so an id) of its own.
    extensionDir = await buildExtension(BAKED_IN, { dev: false });
    const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    const manifestPath = join(extensionDir, 'manifest.json');
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as Record<string, unknown>;
    await writeFile(manifestPath, JSON.stringify({ ...manifest, key }));
    extensionId = chromiumExtensionId(key);

    smtp = await startSmtp();
    // The server answers CORS to the ids in EXTENSION_IDS: in production, the ids the stores gave.
    server = await startServer('sqlite', { smtpUrl: smtp.url, env: { EXTENSION_IDS: extensionId } });
    const org = await server.api.post('/api/v1/organizations', { name: 'Client Co', locale: 'en' });
    await server.api.post('/api/v1/contacts', { organizationId: org.body.id, email: EMAIL, name: 'Alex Policy' });

    policyFile = join(POLICY_DIR, `serveitpro-test-${extensionId}.json`);
    await writeFile(policyFile, JSON.stringify({ '3rdparty': { extensions: { [extensionId]: { serverUrl: `${server.url}/`, signInEmailHint: EMAIL } } } }));
    launched = await launchExtension({ extensionDir });
  }, 120_000);

  afterAll(async () => {
    if (policyFile) await rm(policyFile, { force: true });
    await launched?.close();
    if (extensionDir) await rm(extensionDir, { recursive: true, force: true });
    await server?.close();
    await smtp?.close();
  });

  it('when a policy file names the extension, then storage.managed holds its values and the background stores its server URL', async () => {
    expect(launched!.extensionId).toBe(extensionId);
    const worker = launched!.serviceWorker;
    expect(await storage(worker, 'managed')).toEqual({ serverUrl: `${server.url}/`, signInEmailHint: EMAIL });
    await eventually(() => storedServerUrl(worker), (url) => url === server.url);
  });

  it('when the popup opens, then its email field holds the policy’s hint, and its code request and session go to the policy’s server, with no setting touched', async () => {
    await eventually(() => storedServerUrl(launched!.serviceWorker), (url) => url === server.url);
    const page = await launched!.context.newPage();
    await page.goto(launched!.url('popup.html'));
    await page.locator('input[type=email]').waitFor();
    // The policy's signInEmailHint, a whole address: the field starts with it.
    expect(await page.getByRole('textbox', { name: text('signin_email_label'), exact: true }).inputValue()).toBe(EMAIL);
    await signInThroughPopup(page, smtp, EMAIL, text);
    expect(smtp.to(EMAIL)).toHaveLength(1);
    await page.close();
  });

  it('when the options page opens, then the policy’s server is shown read-only as set by the organization, with who is signed in and Sign out', async () => {
    const page = await launched!.context.newPage();
    await page.goto(launched!.url('options.html'));
    await page.getByRole('heading', { name: 'Email preferences service' }).waitFor();
    const address = page.getByRole('textbox', { name: 'Address' });
    expect(await address.inputValue()).toBe(server.url);
    expect(await address.getAttribute('readonly')).not.toBeNull();
    expect(await page.getByText('Set by your organization.').isVisible()).toBe(true);
    expect(await page.getByRole('textbox', { name: 'Server URL' }).count()).toBe(0);
    expect(await page.locator('body').textContent()).not.toContain('CORS');

    await page.getByText(`Signed in as ${EMAIL}`).waitFor();
    const token = (await storage(launched!.serviceWorker, 'local'))['sessionToken'];
    expect(typeof token).toBe('string');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('Sign in with the toolbar button to edit your account.').waitFor();
    expect((await storage(launched!.serviceWorker, 'local'))['sessionToken']).toBeNull();
    // The server ended the session too: the old token no longer opens /me.
    const me = await fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${String(token)}` } });
    expect(me.status).toBe(401);
    await page.close();
  });

  it('when the policy is removed, then Chromium notices and the extension goes back to its built-in server', async () => {
    expect(await storedServerUrl(launched!.serviceWorker)).toBe(server.url);
    expect(await storage(launched!.serviceWorker, 'managed')).not.toEqual({});
    await rm(policyFile!, { force: true });
    const started = Date.now();
    await eventually(() => storage(launched!.serviceWorker, 'managed'), (managed) => Object.keys(managed).length === 0, 60_000);
    await eventually(() => storedServerUrl(launched!.serviceWorker), (url) => url === BAKED_IN);
    process.stdout.write(`[managed-policy] policy file removed → built-in server back after ${Date.now() - started} ms\n`);
  }, 90_000);
});
