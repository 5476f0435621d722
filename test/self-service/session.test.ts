import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withRequiredCategory } from '../support/categories.js';
import { STORES } from '../support/stores.js';
import { ADMIN_KEY, startServer, type TestServer } from '../support/server.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';
import { codeIn, nthMailTo, SelfServiceClient, signedInContact, signInByMail } from './self-service-client.js';
import { eventually, header, linksIn } from '../support/mail.js';

const categories = withRequiredCategory();

const EXTENSION_ORIGIN = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';
const FIREFOX_ORIGIN = 'moz-extension://2f0a6a4e-1c1b-4b8e-9a57-0c1f6f0e4d11';

describe.each(STORES)('the signed-in contact’s own data on %s', (kind) => {
  let server: TestServer;
  let smtp: TestSmtp;

  const signedIn = (email: string) => signedInContact(server, smtp, email);

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startServer(kind, {
      smtpUrl: smtp.url,
      categories,
      env: { TRUST_PROXY: 'loopback', EXTENSION_IDS: `${EXTENSION_ORIGIN.split('//')[1]}, ${FIREFOX_ORIGIN.split('//')[1]}` },
    });
  });
  afterAll(async () => {
    await server.close();
    await smtp.close();
  });

  it('when a support key tries to change a contact’s email, then 403 and nothing changes: the address decides where sign-in codes go', async () => {
    const { id, ext } = await signedIn(`support-target-${kind}@example.com`);
    const support = (await server.api.post('/api/v1/api-keys', { name: 'helpdesk', role: 'support' })).body.key as string;
    const res = await server.api.as(support).patch(`/api/v1/contacts/${id}`, { email: `attacker-${kind}@evil.example`, name: 'Renamed' });
    expect(res.status).toBe(403);
    expect(res.body.detail).toMatch(/admin/);
    const contact = (await server.api.get(`/api/v1/contacts/${id}`)).body;
    expect(contact).toMatchObject({ email: `support-target-${kind}@example.com`, name: 'Ana Tremblay' });
    expect((await ext.me()).status).toBe(200);
    // Support still corrects everything else.
    expect((await server.api.as(support).patch(`/api/v1/contacts/${id}`, { name: 'Ana T.', phone: '+1 514 555 0101' })).status).toBe(200);
  });

  it('when an admin changes a contact’s email, then its sessions and unused codes die, the old address is told (with no link in), and the audit log says so', async () => {
    const old = `moving-${kind}@example.com`;
    const next = `moved-${kind}@example.com`;
    const { id, ext } = await signedIn(old);
    const pending = new SelfServiceClient(server);
    await pending.requestCode(old);
    const unusedCode = codeIn(await nthMailTo(smtp, old, 2));

    const res = await server.api.patch(`/api/v1/contacts/${id}`, { email: next.toUpperCase() });
    expect(res.status).toBe(200);
    expect(res.body.email).toBe(next);
    expect((await ext.me()).status).toBe(401);
    expect((await pending.signIn(old, unusedCode)).status).toBe(401);
    expect((await pending.signIn(next, unusedCode)).status).toBe(401);

    const notice = await nthMailTo(smtp, old, 3);
    expect(notice.parsed.subject).toBe('Your email address at SERVEITPRO was changed');
    expect(notice.parsed.text).not.toContain(next);
    expect(linksIn(notice).filter((l) => /\/(u|p)\//.test(l))).toEqual([]);
    expect(header(notice, 'List-Unsubscribe')).toBeUndefined();
    expect(smtp.to(next)).toHaveLength(0);

    const fresh = new SelfServiceClient(server);
    await signInByMail(fresh, smtp, next);
    expect((await fresh.me()).body.contact.email).toBe(next);

    const audit = await eventually(
      () => server.api.get('/api/v1/audit-log?limit=50'),
      (r) => r.body.items.some((e: { action: string; target: string; detail: string | null }) => e.action === 'PATCH /api/v1/contacts/:id' && e.target === id && e.detail),
    );
    const entry = audit.body.items.find((e: { target: string; detail: string | null }) => e.target === id && e.detail);
    expect(entry).toMatchObject({ keyId: 'bootstrap', outcome: 200, detail: expect.stringMatching(/email changed.*revoked.*notified/) });
    expect(JSON.stringify(audit.body)).not.toContain(old);
  });

  it('when a contact’s email is set to the address it already has, then nothing is revoked and no notice goes', async () => {
    const email = `same-${kind}@example.com`;
    const { id, ext } = await signedIn(email);
    expect((await server.api.patch(`/api/v1/contacts/${id}`, { email: email.toUpperCase() })).status).toBe(200);
    expect((await ext.me()).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.to(email)).toHaveLength(1);
  });

  it('when a preference is changed from the extension, then it is saved with source extension and the wording shown, and later mail in that category is suppressed', async () => {
    const { id, ext } = await signedIn('toggler@example.com');
    const off = await ext.setPreferences({ 'service-alerts': false });
    expect(off.status).toBe(200);
    expect(off.body.preferences['service-alerts']).toBe(false);
    // The extension says which wording it showed, and in which language: here French.
    const changed = await ext.request(
      'PUT',
      '/api/v1/me/preferences?wording=extension%401&locale=fr',
      { 'service-alerts': true, invoices: false },
      { 'user-agent': 'Extension/0.1' },
    );
    expect(changed.status).toBe(200);
    expect(changed.body.preferences).toEqual({
      'ticket-updates': true,
      invoices: false,
      'security-advisories': true,
      'service-alerts': true,
      marketing: false,
      'account-notices': true,
    });
    expect(changed.body.pending).toEqual([]);
    expect(changed.body.contact.id).toBe(id);

    const history = (await server.api.get(`/api/v1/contacts/${id}/consent-history`)).body;
    expect(history.slice(-3)).toEqual([
      {
        category: 'service-alerts',
        subscribed: false,
        source: 'extension',
        at: expect.any(String),
        basis: 'implied-relationship',
        basisSince: expect.any(String),
        wordingVersion: 'extension@1',
        wordingLocale: 'en',
      },
      // Switched back on by the person: express consent now, which does not lapse.
      { category: 'service-alerts', subscribed: true, source: 'extension', at: expect.any(String), basis: 'express', basisSince: null, wordingVersion: 'extension@1', wordingLocale: 'fr' },
      { category: 'invoices', subscribed: false, source: 'extension', at: expect.any(String), basis: 'exempt', basisSince: null, wordingVersion: 'extension@1', wordingLocale: 'fr' },
    ]);
    const [row] = await server.testStore.store.db
      .selectFrom('consent_history')
      .selectAll()
      .where('contact_id', '=', id)
      .orderBy('id', 'desc')
      .limit(1)
      .execute();
    expect(row).toMatchObject({ source: 'extension', user_agent: 'Extension/0.1', ip: '198.51.0.0', wording_version: 'extension@1', wording_locale: 'fr' });

    const message = await server.api.post('/api/v1/messages', {
      category: 'invoices',
      template: 'invoice-receipt',
      to: { contactId: id },
      data: { invoiceNumber: 'INV-1', amount: 10, currency: 'CAD', issuedAt: '2026-01-01' },
    });
    expect(message.status).toBe(202);
    expect(message.body.status).toBe('suppressed');
  });

  it('when an express-only category is switched on from the extension, then it stays off and pending, nothing is recorded, and a confirmation goes to the contact’s own address', async () => {
    const email = 'asks.for.news@example.com';
    const { id, ext } = await signedIn(email);
    const asked = await ext.setPreferences({ marketing: true });
    expect(asked.status).toBe(200);
    expect(asked.body.preferences.marketing).toBe(false);
    expect(asked.body.pending).toEqual(['marketing']);
    expect((await ext.me()).body.pending).toEqual(['marketing']);
    expect((await server.api.get(`/api/v1/contacts/${id}`)).body.preferences.marketing).toBe(false);

    const confirmation = await nthMailTo(smtp, email, 2);
    expect(confirmation.parsed.subject).toBe('Confirm your subscription to SERVEITPRO');
    expect(linksIn(confirmation).filter((link) => link.startsWith(`${server.url}/c/`))).toHaveLength(1);
    const history = (await server.api.get(`/api/v1/contacts/${id}/consent-history`)).body;
    expect(history.filter((h: { category: string }) => h.category === 'marketing')).toEqual([
      { category: 'marketing', subscribed: false, source: 'default', at: expect.any(String), basis: 'express', basisSince: null, wordingVersion: null, wordingLocale: null },
    ]);

    // Asked again at once (a second click): still pending, and no second email.
    expect((await ext.setPreferences({ marketing: true })).body.pending).toEqual(['marketing']);
    await server.services.selfService.idle();
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.to(email)).toHaveLength(2);
  });

  it('when a required category is turned off, or a category is unknown, then 400 and nothing changes', async () => {
    const { id, ext } = await signedIn('required.one@example.com');
    for (const body of [{ 'account-notices': false }, { newsletter: true }, {}, { marketing: 'yes' }]) {
      const res = await ext.setPreferences(body);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    const required = await ext.setPreferences({ 'account-notices': false, marketing: true });
    expect(required.body.errors).toEqual([{ pointer: '#/account-notices', detail: expect.stringMatching(/required/) }]);
    const me = (await ext.me()).body;
    expect(me.preferences).toMatchObject({ 'account-notices': true, marketing: false });
    // Refused whole: not even the confirmation of marketing was asked.
    expect(me.pending).toEqual([]);
    const history = (await server.api.get(`/api/v1/contacts/${id}/consent-history`)).body;
    expect(history.every((h: { source: string }) => h.source === 'default')).toBe(true);
  });

  it('when two contacts are signed in, then each session sees and changes only its own contact', async () => {
    const a = await signedIn('first.person@example.com');
    const b = await signedIn('second.person@example.com');
    expect((await a.ext.me()).body.contact).toMatchObject({ id: a.id, email: 'first.person@example.com' });
    expect((await b.ext.me()).body.contact).toMatchObject({ id: b.id, email: 'second.person@example.com' });

    expect((await a.ext.setPreferences({ invoices: false })).body.preferences.invoices).toBe(false);
    await a.ext.request('PATCH', '/api/v1/me', { name: 'First Person' });
    const other = (await server.api.get(`/api/v1/contacts/${b.id}`)).body;
    expect(other.preferences.invoices).toBe(true);
    expect(other.name).toBe('Ana Tremblay');
    // Nothing in a request can point a session at another contact.
    const sneaky = await a.ext.request('GET', `/api/v1/me?contactId=${b.id}`);
    expect(sneaky.body.contact.id).toBe(a.id);
    expect((await a.ext.request('GET', `/api/v1/contacts/${b.id}`)).status).toBe(401);
  });

  it('when the contact edits their name and language, then /me answers the new ones; unknown fields are refused', async () => {
    const { ext } = await signedIn('renamed@example.com');
    const res = await ext.request('PATCH', '/api/v1/me', { name: '  Ana B. Tremblay ', locale: 'fr' });
    expect(res.status).toBe(200);
    expect(res.body.contact).toMatchObject({ name: 'Ana B. Tremblay', locale: 'fr' });
    expect((await ext.request('PATCH', '/api/v1/me', { name: '' })).body.contact.name).toBeNull();
    expect((await ext.request('PATCH', '/api/v1/me', { email: 'x@example.com' })).status).toBe(400);
    expect((await ext.request('PATCH', '/api/v1/me', { locale: 'de' })).status).toBe(400);
    expect((await ext.request('PATCH', '/api/v1/me', { name: 'Line\nbreak' })).status).toBe(400);
    expect((await ext.request('PATCH', '/api/v1/me', {})).status).toBe(400);
  });

  it('when a link token, an API key or a forged token is sent as a session, then 401', async () => {
    const { id, ext } = await signedIn('link.token@example.com');
    const link = server.services.tokens.link('preferences', id);
    const unsubscribe = server.services.tokens.link('unsubscribe', id, 'marketing');
    const [header, payload] = ext.token!.split('.');
    const forged = `${header}.${payload}.${'A'.repeat(43)}`;
    for (const token of [link, unsubscribe, ADMIN_KEY, forged, 'nonsense']) {
      const res = await new SelfServiceClient(server, token).me();
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
    }
    expect((await new SelfServiceClient(server).me()).status).toBe(401);
    expect((await ext.me()).status).toBe(200);
  });

  it('when a session signs out, then its token answers 401 everywhere and other sessions go on', async () => {
    const { ext } = await signedIn('signing.out@example.com');
    const other = new SelfServiceClient(server);
    await signInByMail(other, smtp, 'signing.out@example.com');

    const out = await ext.signOut();
    expect(out.status).toBe(204);
    expect((await ext.me()).status).toBe(401);
    expect((await ext.setPreferences({ marketing: true })).status).toBe(401);
    expect((await ext.request('PATCH', '/api/v1/me', { name: 'X' })).status).toBe(401);
    expect((await ext.signOut()).status).toBe(401);
    expect((await other.me()).status).toBe(200);
  });

  it('when the session row has expired or the contact is erased, then the token answers 401', async () => {
    const { id, ext } = await signedIn('short.lived@example.com');
    await server.testStore.store.db
      .updateTable('sessions')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('contact_id', '=', id)
      .execute();
    expect((await ext.me()).status).toBe(401);

    const erased = await signedIn('erased.soon@example.com');
    expect((await server.api.delete(`/api/v1/contacts/${erased.id}`)).status).toBe(200);
    expect((await erased.ext.me()).status).toBe(401);
  });

  it('when an allowed extension calls, then CORS allows it on the self-service routes only; any other extension or page gets none', async () => {
    const { ext } = await signedIn('cors@example.com');
    const preflight = await ext.request('OPTIONS', '/api/v1/me/preferences', undefined, {
      origin: EXTENSION_ORIGIN,
      'access-control-request-method': 'PUT',
      'access-control-request-headers': 'authorization, content-type',
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(EXTENSION_ORIGIN);
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, POST, PUT, PATCH, DELETE');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('Authorization, Content-Type');

    const me = await ext.request('GET', '/api/v1/me', undefined, { origin: FIREFOX_ORIGIN });
    expect(me.status).toBe(200);
    expect(me.headers.get('access-control-allow-origin')).toBe(FIREFOX_ORIGIN);
    expect(me.headers.get('vary')).toMatch(/Origin/);

    for (const stranger of ['chrome-extension://pppppppppppppppppppppppppppppppp', 'moz-extension://00000000-1111-4222-8333-444444444444']) {
      const other = await ext.request('OPTIONS', '/api/v1/me', undefined, { origin: stranger, 'access-control-request-method': 'GET' });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
      expect((await ext.request('GET', '/api/v1/me', undefined, { origin: stranger })).headers.get('access-control-allow-origin')).toBeNull();
    }

    const web = await ext.request('OPTIONS', '/api/v1/session', undefined, { origin: 'https://evil.example', 'access-control-request-method': 'POST' });
    expect(web.headers.get('access-control-allow-origin')).toBeNull();
    const webGet = await ext.request('GET', '/api/v1/me', undefined, { origin: 'https://evil.example' });
    expect(webGet.headers.get('access-control-allow-origin')).toBeNull();

    const admin = await server.api.request('GET', '/api/v1/organizations', { headers: { origin: EXTENSION_ORIGIN } });
    expect(admin.headers.get('access-control-allow-origin')).toBeNull();
  });
});
