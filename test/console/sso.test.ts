// Staff single sign-on by OpenID Connect against a real provider (`oidc-provider`) on loopback: the
// role from a claim, members created at their first sign-in, a passkey or code here unless the IdP
// asserts a multi-factor sign-in (`amr`), and the login bound to the browser that started it.
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { STORES } from '../support/stores.js';
import { startServer, type TestServer } from '../support/server.js';
import { launchChromium } from '../support/chromium.js';
import { startIdp, type TestAccount, type TestIdp } from '../support/identity-provider.js';
import { axeFindings, enrol, withPasskeyDevice } from './console-browser.js';
import { mappedRole, mfaAsserted } from '../../server/staff/sso.js';
import { generate } from 'otplib';

// A browser, an IdP round trip, a passkey ceremony and axe-core per step.
vi.setConfig({ testTimeout: 120_000 });

const OUT_DIR = 'test-artifacts/screenshots';
const ROLE_MAP = 'Console.Admin=admin,Console.Support=support,Console.Sender=sender';

type AuditItem = { action: string; outcome: number; keyId: string | null; detail: string | null };

describe('mapping the IdP’s claims', () => {
  const map = new Map([
    ['Console.Admin', 'admin'],
    ['Console.Support', 'support'],
    ['Console.Sender', 'sender'],
  ] as const);

  it('when the role claim holds several mapped roles, then the most powerful decides; a string works as a one-item array; nothing mapped is null', () => {
    expect(mappedRole(['Console.Sender', 'Console.Support'], map)).toBe('support');
    expect(mappedRole(['Console.Sender', 'Other', 'Console.Admin'], map)).toBe('admin');
    expect(mappedRole('Console.Sender', map)).toBe('sender');
    expect(mappedRole(['Other', 42], map)).toBeNull();
    expect(mappedRole(undefined, map)).toBeNull();
  });

  it('when amr holds one of the accepted values, then the IdP asserted a multi-factor sign-in; otherwise, or without amr, it did not', () => {
    expect(mfaAsserted(['pwd', 'mfa'], ['mfa'])).toBe(true);
    expect(mfaAsserted(['pwd'], ['mfa'])).toBe(false);
    expect(mfaAsserted('mfa', ['mfa'])).toBe(false);
    expect(mfaAsserted(undefined, ['mfa'])).toBe(false);
    expect(mfaAsserted(['mfa'], [])).toBe(false);
  });
});

describe.each(STORES)('staff single sign-on on %s', (kind) => {
  let idp: TestIdp;
  let server: TestServer;
  let browser: Browser;
  let run = 0;

  beforeAll(async () => {
    mkdirSync(OUT_DIR, { recursive: true });
    idp = await startIdp();
    server = await startServer(kind, {
      publicHost: 'localhost',
      env: { OIDC_ISSUER: idp.issuer, OIDC_CLIENT_ID: idp.clientId, OIDC_CLIENT_SECRET: idp.clientSecret, OIDC_ROLE_MAP: ROLE_MAP, OIDC_LABEL: 'Test IdP' },
    });
    idp.register(`${server.config.publicUrl}/console/sso/callback`);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await idp?.close();
  });
  beforeEach(() => {
    run++;
  });

  /** An IdP account for this run: its login name, and the address the ID token gives. */
  const account = (name: string, claims: Omit<TestAccount, 'email'>, email = `${name}.${run}.${kind}@msp.example`) => {
    const login = `${name}-${run}`;
    idp.accounts.set(login, { email, ...claims });
    return { login, email };
  };
  /** The sign-in page's single sign-on button, then the IdP's own page. */
  async function signInAtIdp(page: Page, login: string) {
    await page.goto(`${server.config.publicUrl}/console`);
    await page.getByRole('link', { name: /^(Sign in with|Me connecter avec) Test IdP$/ }).click();
    await page.getByLabel('User name').fill(login);
    await page.getByRole('button', { name: 'Continue' }).click();
  }
  const member = async (email: string) => (await server.api.get('/api/v1/staff')).body.items.find((m: { email: string }) => m.email === email);
  const auditOf = async (keyId: string) => ((await server.api.get('/api/v1/audit-log?action=console.&limit=500')).body.items as AuditItem[]).filter((e) => e.keyId === keyId);
  const cookieValue = (res: Response, name: string) =>
    res.headers
      .getSetCookie()
      .map((line) => line.split(';')[0]!)
      .find((pair) => pair.startsWith(`${name}=`))
      ?.slice(name.length + 1);
  /** `GET /console/sso` by fetch: the login's cookie and the IdP's authorization URL. */
  async function startByFetch() {
    const res = await fetch(`${server.url}/console/sso`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    return { binding: cookieValue(res, 'console_sso')!, authorizationUrl: res.headers.get('location')! };
  }
  const callback = (url: string, binding: string | null) =>
    fetch(url.replace(server.config.publicUrl, server.url), { redirect: 'manual', headers: binding === null ? {} : { cookie: `console_sso=${binding}` } });

  it('when the IdP asserts a multi-factor sign-in and maps the role, then the member is created with that role and lands in the console signed in; a later role at the IdP replaces it', async () => {
    const { login, email } = account('mfa', { roles: ['Unrelated', 'Console.Support'], amr: ['pwd', 'mfa'] });
    const { context, page } = await withPasskeyDevice(browser);
    await page.goto(`${server.config.publicUrl}/console`);
    await page.getByRole('link', { name: 'Sign in with Test IdP' }).waitFor();
    expect(await axeFindings(page)).toEqual([]);
    await page.screenshot({ path: `${OUT_DIR}/console-sign-in-sso-1280.png`, fullPage: true });

    await signInAtIdp(page, login);
    await page.getByRole('heading', { name: 'Queue' }).waitFor();
    expect(page.url()).toBe(`${server.config.publicUrl}/console`);
    await page.getByText(`${email} (support)`).waitFor();
    expect(await page.getByRole('link', { name: 'Contacts' }).count()).toBe(1);
    expect(await page.getByRole('link', { name: 'API keys' }).count()).toBe(0);
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'console_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(cookies.find((c) => c.name === 'console_sso')).toBeUndefined();
    await context.close();

    const created = await member(email);
    expect(created).toMatchObject({ role: 'support', passkeys: 0, authenticatorApp: false, disabledAt: null });
    const audit = await auditOf(`staff:${created.id}`);
    expect(audit.map((e) => `${e.action} ${e.outcome}`)).toEqual(expect.arrayContaining(['console.sso-member-created 201', 'console.sign-in-sso 200']));
    expect(audit.every((e) => !e.detail?.includes(email))).toBe(true);

    idp.accounts.set(login, { email, roles: 'Console.Admin', amr: ['mfa'] });
    const again = await withPasskeyDevice(browser);
    await signInAtIdp(again.page, login);
    await again.page.getByText(`${email} (admin)`).waitFor();
    expect(await again.page.getByRole('link', { name: 'API keys' }).count()).toBe(1);
    await again.context.close();
    expect((await auditOf(`staff:${created.id}`)).find((e) => e.action === 'console.sso-role-changed')).toMatchObject({ outcome: 200, detail: 'support → admin' });
  });

  it('when the IdP asserts no multi-factor sign-in, then a member with a passkey confirms with it; another member’s passkey is refused', async () => {
    const email = `passkey.${run}.${kind}@msp.example`;
    const { context, page } = await withPasskeyDevice(browser);
    await enrol(server, page, email, 'sender');
    await page.getByRole('button', { name: 'Sign out' }).click();
    const { login } = account('passkey', { roles: ['Console.Sender'], amr: ['pwd'] }, email);

    await signInAtIdp(page, login);
    await page.getByRole('heading', { name: 'Confirm it’s you' }).waitFor();
    await page.getByText(`The identity provider signed you in as ${email}`).waitFor();
    expect(await page.getByLabel('Code from your authenticator app, or a recovery code').count()).toBe(0);
    expect(await axeFindings(page)).toEqual([]);
    await page.screenshot({ path: `${OUT_DIR}/console-sso-second-factor-1280.png`, fullPage: true });
    await page.getByRole('button', { name: 'Confirm with your passkey' }).click();
    await page.getByRole('heading', { name: 'Queue' }).waitFor();
    await page.getByText(`${email} (sender)`).waitFor();
    const staffId = (await member(email)).id;
    expect((await auditOf(`staff:${staffId}`)).map((e) => `${e.action} ${e.outcome}`)).toEqual(expect.arrayContaining(['console.sign-in-sso 202', 'console.sso-second-factor 200']));
    await context.close();

    // Another member signs in at the IdP as this one, then answers with their own passkey.
    const other = await withPasskeyDevice(browser);
    await enrol(server, other.page, `other.${run}.${kind}@msp.example`, 'admin');
    await other.page.getByRole('button', { name: 'Sign out' }).click();
    await signInAtIdp(other.page, login);
    await other.page.getByRole('heading', { name: 'Confirm it’s you' }).waitFor();
    const refused = await other.page.evaluate(async () => {
      const b64 = (bytes: ArrayBuffer) => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
      const unb64 = (text: string) => Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
      const { challengeId, options } = await (await fetch('/console/api/sso/passkey/options', { method: 'POST' })).json();
      // The options name only the signed-in member's passkeys; left out, the device offers its own.
      const credential = (await navigator.credentials.get({ publicKey: { challenge: unb64(options.challenge), rpId: options.rpId, userVerification: 'required' } })) as PublicKeyCredential;
      const answer = credential.response as AuthenticatorAssertionResponse;
      const response = {
        id: credential.id,
        rawId: b64(credential.rawId),
        type: 'public-key',
        clientExtensionResults: {},
        response: { clientDataJSON: b64(answer.clientDataJSON), authenticatorData: b64(answer.authenticatorData), signature: b64(answer.signature), userHandle: answer.userHandle ? b64(answer.userHandle) : undefined },
      };
      const res = await fetch('/console/api/sso/passkey', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ challengeId, response }) });
      return { status: res.status, body: await res.json(), session: (await fetch('/console/api/session')).status };
    });
    expect(refused).toMatchObject({ status: 401, body: { detail: 'This passkey is another member’s.' }, session: 404 });
    await other.context.close();
    expect((await auditOf(`staff:${staffId}`)).some((e) => e.action === 'console.sso-second-factor' && e.outcome === 401)).toBe(true);
  });

  it('when the IdP asserts no multi-factor sign-in for a member with an authenticator app, then a wrong code is refused, the right one signs in once, and five refusals end the login', async () => {
    const email = `app.${run}.${kind}@msp.example`;
    const { member: withApp } = await server.services.staffAccounts.create(email, 'support');
    const { cookie } = await server.services.staffConsole.startSession(withApp.id);
    const { csrfToken } = await server.services.staffConsole.session(cookie);
    const { secret } = await server.services.staffConsole.setUpAuthenticator(cookie, csrfToken);
    const nowStep = () => Math.floor(Date.now() / 1000);
    await server.services.staffConsole.confirmAuthenticator(cookie, csrfToken, await generate({ secret, epoch: nowStep() }));
    const { login } = account('app', { roles: 'Console.Support', amr: ['pwd'] }, email);
    const waiting = async () => {
      const started = await startByFetch();
      const res = await callback(await idp.signInByFetch(started.authorizationUrl, login), started.binding);
      expect(res.headers.get('location')).toBe('/console?sso=second-factor');
      expect(cookieValue(res, 'console_session')).toBeUndefined();
      return started.binding;
    };
    const sso = (binding: string, method: string, path: string, body?: unknown) =>
      fetch(`${server.url}${path}`, { method, headers: { cookie: `console_sso=${binding}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });

    const binding = await waiting();
    expect(await (await sso(binding, 'GET', '/console/api/sso/pending')).json()).toEqual({ email, passkey: false, authenticatorApp: true });
    expect((await sso(binding, 'POST', '/console/api/sso/enrolment/options')).status).toBe(403);
    expect((await sso(binding, 'POST', '/console/api/sso/code', { code: '000000' })).status).toBe(401);
    const right = await sso(binding, 'POST', '/console/api/sso/code', { code: await generate({ secret, epoch: nowStep() + 30 }) });
    expect(right.status).toBe(200);
    expect((await right.json()).staff).toMatchObject({ email, role: 'support' });
    expect(cookieValue(right, 'console_session')).toMatch(/^[\w-]{43}$/);
    expect(cookieValue(right, 'console_sso')).toBe('');
    expect((await sso(binding, 'GET', '/console/api/sso/pending')).status).toBe(401);

    const tried = await waiting();
    for (let i = 0; i < 5; i++) expect((await sso(tried, 'POST', '/console/api/sso/code', { code: '000000' })).status).toBe(401);
    expect((await sso(tried, 'GET', '/console/api/sso/pending')).status).toBe(401);
    const audit = await auditOf(`staff:${withApp.id}`);
    expect(audit.filter((e) => e.action === 'console.sso-second-factor' && e.outcome === 401)).toHaveLength(6);
    expect(audit.find((e) => e.action === 'console.sso-second-factor' && e.outcome === 200)).toMatchObject({ detail: 'authenticator code' });
  });

  it('when the IdP asserts no multi-factor sign-in for a member with neither passkey nor app, then the console offers to create a passkey, which signs them in', async () => {
    const { login, email } = account('first', { roles: 'Console.Sender', amr: ['pwd'] });
    const { context, page } = await withPasskeyDevice(browser, 375, 'fr-CA');
    await signInAtIdp(page, login);
    await page.getByRole('heading', { name: 'Confirmez votre identité' }).waitFor();
    await page.getByText('Vous n’avez pas encore de clé d’accès ici').waitFor();
    expect(await axeFindings(page)).toEqual([]);
    await page.screenshot({ path: `${OUT_DIR}/console-sso-first-passkey-375-fr.png`, fullPage: true });
    await page.getByRole('button', { name: 'Créer ma clé d’accès' }).click();
    await page.getByText(`${email} (sender)`).waitFor();
    await context.close();
    const created = await member(email);
    expect(created).toMatchObject({ role: 'sender', passkeys: 1 });
    expect((await auditOf(`staff:${created.id}`)).find((e) => e.action === 'console.sso-second-factor')).toMatchObject({ outcome: 201 });
  });

  it('when no role the IdP gives maps to a console role, then the sign-in is refused with the reason shown, no session starts and no member is created', async () => {
    const { login, email } = account('norole', { roles: ['Finance.Reader'], amr: ['pwd', 'mfa'] });
    const { context, page } = await withPasskeyDevice(browser);
    await signInAtIdp(page, login);
    await page.getByRole('alert').filter({ hasText: 'Your account has no console role at the identity provider' }).waitFor();
    expect(page.url()).toBe(`${server.config.publicUrl}/console`);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).waitFor();
    expect(await page.evaluate(async () => (await fetch('/console/api/session')).status)).toBe(404);
    expect(await axeFindings(page)).toEqual([]);
    await context.close();
    expect(await member(email)).toBeUndefined();
    const refusals = ((await server.api.get('/api/v1/audit-log?action=console.sign-in-sso&limit=500')).body.items as AuditItem[]).filter((e) => e.outcome === 403);
    expect(refusals.some((e) => e.keyId === null && e.detail === 'the roles claim maps to no console role')).toBe(true);
  });

  it('when the callback comes without this browser’s cookie, with another login’s, or a second time, then it is refused and no session starts', async () => {
    const { login } = account('binding', { roles: 'Console.Support', amr: ['mfa'] });

    const first = await startByFetch();
    const firstCallback = await idp.signInByFetch(first.authorizationUrl, login);
    // Without the cookie: refused.
    const bare = await callback(firstCallback, null);
    expect(bare.status).toBe(302);
    expect(bare.headers.get('location')).toBe('/console?sso=refused');
    expect(cookieValue(bare, 'console_session')).toBeUndefined();

    // A login started in the victim's browser, completed with the attacker's IdP answer: refused.
    const victim = await startByFetch();
    const forced = await callback(firstCallback, victim.binding);
    expect(forced.headers.get('location')).toBe('/console?sso=refused');
    expect(cookieValue(forced, 'console_session')).toBeUndefined();
    // A made-up cookie: refused.
    expect((await callback(firstCallback, 'x'.repeat(43))).headers.get('location')).toBe('/console?sso=refused');

    // The right cookie signs in, once.
    const fresh = await startByFetch();
    const freshCallback = await idp.signInByFetch(fresh.authorizationUrl, login);
    const signedIn = await callback(freshCallback, fresh.binding);
    expect(signedIn.headers.get('location')).toBe('/console');
    const session = cookieValue(signedIn, 'console_session')!;
    expect(session).toMatch(/^[\w-]{43}$/);
    expect(cookieValue(signedIn, 'console_sso')).toBe('');
    expect((await fetch(`${server.url}/console/api/session`, { headers: { cookie: `console_session=${session}` } })).status).toBe(200);
    // Neither the code, the state, the login's cookie nor the session reach a log line.
    const logged = server.logs.join('\n');
    for (const secret of [new URL(freshCallback).searchParams.get('code')!, new URL(freshCallback).searchParams.get('state')!, fresh.binding, session]) expect(logged).not.toContain(secret);
    const replayed = await callback(freshCallback, fresh.binding);
    expect(replayed.headers.get('location')).toBe('/console?sso=refused');
    expect(cookieValue(replayed, 'console_session')).toBeUndefined();

    // The second-factor calls need a login waiting in this browser.
    expect((await fetch(`${server.url}/console/api/sso/pending`, { headers: { cookie: `console_sso=${fresh.binding}` } })).status).toBe(401);
    const code = await fetch(`${server.url}/console/api/sso/code`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: `console_sso=${victim.binding}` }, body: JSON.stringify({ code: '123456' }) });
    expect(code.status).toBe(401);
    const refusals = ((await server.api.get('/api/v1/audit-log?action=console.sign-in-sso&limit=500')).body.items as AuditItem[]).filter((e) => e.outcome === 401);
    expect(refusals.length).toBeGreaterThanOrEqual(4);
  });

  it('when the member the IdP names is disabled here, then the sign-in is refused', async () => {
    const email = `disabled.${run}.${kind}@msp.example`;
    const { member: disabled } = await server.services.staffAccounts.create(email, 'support');
    await server.services.staffAccounts.update(disabled.id, { disabled: true });
    const { login } = account('disabled', { roles: 'Console.Support', amr: ['mfa'] }, email);
    const started = await startByFetch();
    const res = await callback(await idp.signInByFetch(started.authorizationUrl, login), started.binding);
    expect(res.headers.get('location')).toBe('/console?sso=disabled');
    expect(cookieValue(res, 'console_session')).toBeUndefined();
    expect((await auditOf(`staff:${disabled.id}`)).find((e) => e.action === 'console.sign-in-sso')).toMatchObject({ outcome: 403, detail: 'the member is disabled' });
    expect(await member(email)).toMatchObject({ role: 'support' });
  });

  it('when the IdP names the member by preferred_username only, then that address is used', async () => {
    const email = `upn.${run}.${kind}@msp.example`;
    const login = `upn-${run}`;
    idp.accounts.set(login, { preferred_username: email.toUpperCase(), roles: 'Console.Sender', amr: ['mfa'] });
    const started = await startByFetch();
    const res = await callback(await idp.signInByFetch(started.authorizationUrl, login), started.binding);
    expect(res.headers.get('location')).toBe('/console');
    expect(await member(email)).toMatchObject({ role: 'sender' });
  });
});

describe('single sign-on off, or its IdP unreachable', () => {
  it('when OIDC_ISSUER is not set, then the console offers no single sign-on and its routes answer 404', async () => {
    const server = await startServer('sqlite');
    try {
      expect((await server.api.get('/console/api/sign-in/methods')).body).toEqual({ sso: null });
      const start = await server.api.get('/console/sso');
      expect(start.status).toBe(404);
      expect(start.body.type).toBe('/problems/sso-off');
      expect((await server.api.get('/console/api/sso/pending')).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('when the IdP does not answer, then the server still starts, and the sign-in goes back to the console saying so (audited 502)', async () => {
    const server = await startServer('sqlite', {
      env: { OIDC_ISSUER: 'http://127.0.0.1:9/', OIDC_CLIENT_ID: 'console', OIDC_CLIENT_SECRET: 'secret', OIDC_ROLE_MAP: 'A=admin' },
    });
    try {
      expect((await server.api.get('/console/api/sign-in/methods')).body).toEqual({ sso: { label: null } });
      const start = await server.api.get('/console/sso');
      expect(start.status).toBe(302);
      expect(start.headers.get('location')).toBe('/console?sso=unavailable');
      expect(start.headers.getSetCookie()).toEqual([]);
      const audit = await server.api.get('/api/v1/audit-log?action=console.sign-in-sso');
      expect(audit.body.items[0]).toMatchObject({ outcome: 502, detail: 'Try again in a minute, or sign in with a passkey.' });
    } finally {
      await server.close();
    }
  });
});
