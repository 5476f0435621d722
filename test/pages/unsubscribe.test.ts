import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { STORES } from '../support/stores.js';
import { startServer, type TestServer } from '../support/server.js';
import { startSmtp, type TestSmtp, type ReceivedMail } from '../support/smtp.js';
import { eventually, linksIn, listUnsubscribeUrl } from '../support/mail.js';
import { PAGE_ACTIONS_PER_HOUR } from '../../server/pages/link-pages-routes.js';

const SECRET = 'test-token-secret-0123456789abcdefghij'; // k1 in test/support/server.ts

describe.each(STORES)('unsubscribe links and pages on %s', (kind) => {
  let server: TestServer;
  let smtp: TestSmtp;
  let organizationId: string;

  /** A contact and the ticket-update email it received. */
  async function contactWithMail(email: string, locale: 'en' | 'fr' = 'en'): Promise<{ id: string; mail: ReceivedMail }> {
    const contact = (await server.api.post('/api/v1/contacts', { organizationId, email, locale })).body;
    await server.api.post('/api/v1/messages', {
      category: 'ticket-updates',
      template: 'ticket-update',
      to: { contactId: contact.id },
      data: { ticketId: 'T-7', subject: 'VPN down', status: 'Open', message: 'Looking into it.' },
    });
    const [mail] = await eventually(async () => smtp.to(email), (m) => m.length === 1);
    return { id: contact.id, mail: mail! };
  }
  const history = async (id: string) => (await server.api.get(`/api/v1/contacts/${id}/consent-history`)).body as { category: string; subscribed: boolean; source: string }[];
  const preferences = async (id: string) => (await server.api.get(`/api/v1/contacts/${id}`)).body.preferences as Record<string, boolean>;
  const oneClick = (url: string, body: BodyInit = 'List-Unsubscribe=One-Click') =>
    fetch(url, {
      method: 'POST',
      body,
      redirect: 'manual',
      ...(typeof body === 'string' ? { headers: { 'content-type': 'application/x-www-form-urlencoded' } } : {}),
    });
  /** A form posted as a browser posts it: a change answers 303 to the link's own GET (post/redirect/get), which is followed. */
  const form = async (url: string, fields: Record<string, string | string[]>) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) for (const value of [v].flat()) params.append(k, value);
    const posted = await fetch(url, { method: 'POST', body: params, redirect: 'manual' });
    if (posted.status !== 303) return posted;
    const result = new URL(posted.headers.get('location')!, url);
    expect(result.pathname).toBe(new URL(url).pathname);
    return fetch(result, { redirect: 'manual' });
  };

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startServer(kind, { smtpUrl: smtp.url });
    organizationId = (await server.api.post('/api/v1/organizations', { name: 'Links Inc.' })).body.id;
  });
  afterAll(async () => {
    await server.close();
    await smtp.close();
  });

  it('when every link in the email and the List-Unsubscribe URL are fetched with GET, then nothing changes', async () => {
    const { id, mail } = await contactWithMail('scanner@links.example');
    const before = await history(id);
    const urls = [...new Set([listUnsubscribeUrl(mail), ...linksIn(mail).filter((l) => l.startsWith(server.url))])];
    expect(urls.length).toBeGreaterThanOrEqual(2);
    for (const url of urls) {
      const res = await fetch(url, { redirect: 'manual' });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      const html = await res.text();
      expect(html).toMatch(/<form method="post"/);
      expect(html).not.toMatch(/<script/i);
      const head = await fetch(url, { method: 'HEAD' });
      expect(head.status).toBeLessThan(500);
    }
    expect(await history(id)).toEqual(before);
  });

  it('when a mail client posts One-Click urlencoded, then 200 without redirect or cookie, recorded as one-click, and a repeat is harmless', async () => {
    const { id, mail } = await contactWithMail('oneclick@links.example');
    const url = listUnsubscribeUrl(mail);
    const res = await oneClick(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('location')).toBeNull();
    expect(res.headers.get('set-cookie')).toBeNull();
    expect((await res.text()).length).toBeLessThan(100);
    expect((await preferences(id))['ticket-updates']).toBe(false);
    expect((await history(id)).at(-1)).toMatchObject({ category: 'ticket-updates', subscribed: false, source: 'one-click' });
    const again = await oneClick(url);
    expect(again.status).toBe(200);
    expect((await history(id)).filter((h) => h.source === 'one-click')).toHaveLength(1);
  });

  it('when a mail client posts One-Click as multipart/form-data, then it unsubscribes the same', async () => {
    const { id, mail } = await contactWithMail('multipart@links.example');
    const body = new FormData();
    body.append('List-Unsubscribe', 'One-Click');
    const res = await oneClick(listUnsubscribeUrl(mail), body);
    expect(res.status).toBe(200);
    expect((await preferences(id))['ticket-updates']).toBe(false);
    expect((await history(id)).at(-1)?.source).toBe('one-click');
  });

  it('when a person confirms on the page, then it is recorded as unsubscribe-page, and Undo resubscribes', async () => {
    const { id, mail } = await contactWithMail('person@links.example');
    const url = linksIn(mail).find((l) => l.includes('/u/'))!;
    const page = await form(url, { action: 'unsubscribe', lang: 'en' });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('You are unsubscribed from “Ticket updates”');
    expect(html).toContain('Undo');
    expect((await history(id)).at(-1)).toMatchObject({ subscribed: false, source: 'unsubscribe-page' });
    const undo = await form(url, { action: 'resubscribe', lang: 'en' });
    expect(await undo.text()).toContain('subscribed to “Ticket updates” again');
    expect((await preferences(id))['ticket-updates']).toBe(true);
    expect((await history(id)).at(-1)).toMatchObject({ subscribed: true, source: 'unsubscribe-page' });
  });

  it('when the preference center is saved, then each change is recorded as preference-page; "all optional" turns every one off', async () => {
    const { id, mail } = await contactWithMail('center@links.example');
    const url = linksIn(mail).find((l) => l.includes('/p/'))!;
    const saved = await form(url, { action: 'save', category: ['ticket-updates', 'marketing', 'security-advisories'] });
    expect(saved.status).toBe(200);
    expect(await saved.text()).toContain('Your choices are saved.');
    expect(await preferences(id)).toEqual({ 'ticket-updates': true, invoices: false, 'security-advisories': true, 'service-alerts': false, marketing: true });
    const sources = (await history(id)).filter((h) => h.source === 'preference-page').map((h) => `${h.category}=${h.subscribed}`);
    expect(sources.sort()).toEqual(['invoices=false', 'marketing=true', 'service-alerts=false']);
    await form(url, { action: 'unsubscribe-all' });
    expect(Object.values(await preferences(id)).every((v) => v === false)).toBe(true);
    expect((await form(url, { action: 'save', category: 'newsletter' })).status).toBe(400);
  });

  it('when a page is opened or posted from a link, then its forms post back to that very link and nothing on it outlives the link', async () => {
    const { id } = await contactWithMail('short-lived@links.example');
    const expiry = (token: string) => (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { exp: number }).exp;
    for (const [purpose, prefix, claims] of [['unsubscribe', 'u', { cat: 'invoices' }], ['preferences', 'p', {}]] as const) {
      // A link with an hour left: what the page offers must not last longer.
      const token = jwt.sign({ sub: id, ...claims }, SECRET, { algorithm: 'HS256', keyid: 'k1', audience: purpose, expiresIn: 3600 });
      const incoming = `/${prefix}/${token}`;
      const pages = [
        await (await fetch(server.url + incoming)).text(),
        await (await form(server.url + incoming, { action: 'save', category: 'invoices' })).text(),
        await (await form(server.url + incoming, { action: 'email-export' })).text(),
      ];
      for (const html of pages) {
        const actions = [...html.matchAll(/<form [^>]*action="([^"]*)"/g)].map((m) => m[1]);
        expect(actions.filter((a) => a !== '/links/fresh').length).toBeGreaterThanOrEqual(2);
        for (const action of actions.filter((a) => a !== '/links/fresh')) expect(action).toBe(incoming);
        expect(html).not.toMatch(/<form (?![^>]*action=)/);
        for (const [, found] of html.matchAll(/\/[up]\/([\w-]+\.[\w-]+\.[\w-]+)/g)) expect(expiry(found!)).toBeLessThanOrEqual(expiry(token));
      }
    }
  });

  it('when one contact’s link is used for consent changes again and again, then after PAGE_ACTIONS_PER_HOUR the page says to wait, the history stops growing, one-click still works, and other contacts are untouched', async () => {
    const { id, mail } = await contactWithMail('flapper@links.example');
    const url = linksIn(mail).find((l) => l.includes('/u/'))!;
    for (let i = 0; i < PAGE_ACTIONS_PER_HOUR; i++) {
      expect((await form(url, { action: i % 2 ? 'resubscribe' : 'unsubscribe' })).status).toBe(200);
    }
    const grown = (await history(id)).length;
    const refused = await form(url, { action: 'unsubscribe' });
    expect(refused.status).toBe(429);
    expect(await refused.text()).toContain('Too many attempts');
    expect((await form(linksIn(mail).find((l) => l.includes('/p/'))!, { action: 'unsubscribe-all' })).status).toBe(429);
    expect((await history(id)).length).toBe(grown);
    expect((await oneClick(listUnsubscribeUrl(mail))).status).toBe(200);
    const other = await contactWithMail('steady@links.example');
    expect((await form(linksIn(other.mail).find((l) => l.includes('/u/'))!, { action: 'unsubscribe' })).status).toBe(200);
  });

  describe('broken links', () => {
    let id: string;
    let valid: string;
    beforeAll(async () => {
      const c = await contactWithMail('broken@links.example');
      id = c.id;
      valid = listUnsubscribeUrl(c.mail);
    });
    const base = () => `${server.url}/u/`;
    const sign = (payload: object, options: jwt.SignOptions = {}, secret = SECRET) =>
      jwt.sign(payload, secret, { algorithm: 'HS256', keyid: 'k1', ...options });
    const now = () => Math.floor(Date.now() / 1000);
    const cases: [string, () => string][] = [
      ['a tampered payload', () => {
        const [h, p, s] = valid.split('/u/')[1]!.split('.');
        const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
        payload.cat = 'security-advisories';
        return `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
      }],
      ['a wrong signature', () => sign({ sub: id, cat: 'ticket-updates' }, { audience: 'unsubscribe', expiresIn: '60d' }, 'another-secret-0123456789abcdefghij')],
      ['alg none', () => {
        const h = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT', kid: 'k1' })).toString('base64url');
        const p = Buffer.from(JSON.stringify({ sub: id, cat: 'ticket-updates', aud: 'unsubscribe', iat: now(), exp: now() + 9999 })).toString('base64url');
        return `${h}.${p}.`;
      }],
      ['a token of another purpose', () => sign({ sub: id }, { audience: 'preferences', expiresIn: '60d' })],
      ['a session token', () => sign({ sub: id, jti: 'x' }, { audience: 'session', expiresIn: '1d' })],
      ['a removed kid', () => sign({ sub: id, cat: 'ticket-updates' }, { audience: 'unsubscribe', expiresIn: '60d', keyid: 'k0' })],
      ['garbage', () => 'not-a-token'],
      ['a huge token', () => 'a'.repeat(5000)],
    ];

    it.each(cases)('when the token has %s, then GET is a 4xx page, one-click a 4xx, and nothing changes', async (_what, make) => {
      const before = await history(id);
      const url = base() + make();
      const get = await fetch(url);
      expect(get.status).toBeGreaterThanOrEqual(400);
      expect(get.status).toBeLessThan(500);
      expect(await get.text()).toMatch(/does not work|not valid|expired/i);
      const post = await oneClick(url);
      expect(post.status).toBeGreaterThanOrEqual(400);
      expect(post.status).toBeLessThan(500);
      expect(await history(id)).toEqual(before);
    });

    it('when the token has expired, then the page says so and offers a fresh link by email, which arrives and works', async () => {
      const before = await history(id);
      const expired = sign({ sub: id, cat: 'ticket-updates', iat: now() - 200 * 86_400, exp: now() - 60 }, { audience: 'unsubscribe' });
      const page = await fetch(base() + expired);
      expect(page.status).toBe(410);
      const html = await page.text();
      expect(html).toContain('This link has expired');
      expect(html).toContain('action="/links/fresh"');
      expect((await oneClick(base() + expired)).status).toBe(410);
      expect(await history(id)).toEqual(before);

      const count = smtp.received.length;
      const known = await form(`${server.url}/links/fresh`, { email: 'BROKEN@links.example', lang: 'en' });
      const unknown = await form(`${server.url}/links/fresh`, { email: 'stranger@links.example', lang: 'en' });
      expect(known.status).toBe(200);
      expect(unknown.status).toBe(200);
      expect(await known.text()).toBe(await unknown.text());
      const received = await smtp.waitFor(count + 1);
      await new Promise((r) => setTimeout(r, 300));
      expect(smtp.received.length).toBe(count + 1);
      const fresh = received.at(-1)!;
      expect(fresh.to).toEqual(['broken@links.example']);
      const link = linksIn(fresh).find((l) => l.includes('/p/'))!;
      expect((await fetch(link)).status).toBe(200);
    });
  });

  it('when a fresh link is asked for a known address, then the page answers before the address is even looked up: its timing cannot tell known from unknown', async () => {
    await contactWithMail('timing@links.example');
    const { contacts, messages } = server.services;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // Everything the request could wait on to treat a known address differently is held back.
    const held = { idByEmail: contacts.idByEmail, list: contacts.list, sendSystem: messages.sendSystem };
    contacts.idByEmail = async (...args) => (await gate, held.idByEmail.apply(contacts, args));
    contacts.list = async (...args) => (await gate, held.list.apply(contacts, args));
    messages.sendSystem = async (...args) => (await gate, held.sendSystem.apply(messages, args));
    try {
      const before = smtp.to('timing@links.example').length;
      const answer = await Promise.race([
        form(`${server.url}/links/fresh`, { email: 'timing@links.example' }),
        new Promise<'stalled'>((resolve) => setTimeout(() => resolve('stalled'), 3_000)),
      ]);
      expect(answer).not.toBe('stalled');
      expect((answer as Response).status).toBe(200);
      release();
      await server.services.afterAnswer.idle();
      await eventually(async () => smtp.to('timing@links.example').length, (n) => n === before + 1);
    } finally {
      release();
      Object.assign(contacts, { idByEmail: held.idByEmail, list: held.list });
      messages.sendSystem = held.sendSystem;
    }
  });

  it('when the same address asks for fresh links again and again, then the answer stays the same but the emails stop', async () => {
    await contactWithMail('greedy@links.example');
    const count = () => smtp.to('greedy@links.example').length;
    const first = count();
    const answers = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const res = await form(`${server.url}/links/fresh`, { email: 'greedy@links.example' });
      expect(res.status).toBe(200);
      answers.add(await res.text());
    }
    expect(answers.size).toBe(1);
    await new Promise((r) => setTimeout(r, 500));
    expect(count() - first).toBe(3);
  });

  it('when pages are served, then no script runs, nothing frames them, no referrer leaks, nothing is cached and no cookie is set', async () => {
    const { mail } = await contactWithMail('headers@links.example');
    for (const res of [await fetch(listUnsubscribeUrl(mail)), await oneClick(listUnsubscribeUrl(mail)), await fetch(`${server.url}/u/broken`)]) {
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toContain("default-src 'none'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('set-cookie')).toBeNull();
    }
  });

  it('when the contact reads French, then the page is French with a switch to English', async () => {
    const { mail } = await contactWithMail('fr@links.example', 'fr');
    const html = await (await fetch(listUnsubscribeUrl(mail))).text();
    expect(html).toContain('<html lang="fr"');
    expect(html).toMatch(/Vous désabonner de «\u00a0Suivi des demandes\u00a0»/);
    expect(html).toMatch(/<a href="\/u\/[^"]+\?lang=en"[^>]*>English<\/a>/);
    const english = await (await fetch(`${listUnsubscribeUrl(mail)}?lang=en`)).text();
    expect(english).toContain('Unsubscribe from “Ticket updates”?');
  });
});

describe('link tokens under key rotation', () => {
  it('when the old key is still listed, old links work; once it is removed, they stop', async () => {
    const smtp = await startSmtp();
    const old = await startServer('sqlite', { smtpUrl: smtp.url, env: { TOKEN_SECRETS: 'old:old-secret-0123456789abcdefghijklmn' } });
    const org = (await old.api.post('/api/v1/organizations', { name: 'Rotate' })).body.id;
    const contact = (await old.api.post('/api/v1/contacts', { organizationId: org, email: 'rotate@links.example' })).body;
    const token = old.services.tokens.link('unsubscribe', contact.id, 'invoices');
    await old.close();

    const both = await startServer('sqlite', { env: { TOKEN_SECRETS: 'new:new-secret-0123456789abcdefghijklmn,old:old-secret-0123456789abcdefghijklmn' } });
    expect(both.services.tokens.verify('unsubscribe', token)).toMatchObject({ ok: true });
    const fresh = both.services.tokens.link('unsubscribe', contact.id, 'invoices');
    expect(JSON.parse(Buffer.from(fresh.split('.')[0]!, 'base64url').toString()).kid).toBe('new');
    await both.close();

    const onlyNew = await startServer('sqlite', { env: { TOKEN_SECRETS: 'new:new-secret-0123456789abcdefghijklmn' } });
    expect(onlyNew.services.tokens.verify('unsubscribe', token)).toEqual({ ok: false, reason: 'invalid' });
    expect((await fetch(`${onlyNew.url}/u/${token}`)).status).toBe(400);
    await onlyNew.close();
    await smtp.close();
  });
});

describe('invalid-token rate limit', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startServer('sqlite');
  });
  afterAll(() => server?.close());

  it('when one address keeps trying bad tokens, then it is limited, but a valid token still works', async () => {
    const org = (await server.api.post('/api/v1/organizations', { name: 'Limit' })).body.id;
    const contact = (await server.api.post('/api/v1/contacts', { organizationId: org, email: 'limit@links.example' })).body;
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++) statuses.push((await fetch(`${server.url}/u/bad-${i}`)).status);
    expect(statuses.slice(0, 30).every((s) => s === 400)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    const url = `${server.url}/u/${server.services.tokens.link('unsubscribe', contact.id, 'marketing')}`;
    expect((await fetch(url)).status).toBe(200);
    for (let i = 0; i < 50; i++) expect((await fetch(url, { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status).toBe(200);
  });
});

describe('a token whose payload is not JSON', () => {
  it('when its header is valid but its payload is garbage, then it is invalid, never a 5xx', async () => {
    const server = await startServer('sqlite');
    try {
      const real = server.services.tokens.link('unsubscribe', '00000000-0000-4000-8000-000000000000', 'marketing');
      const [h, , s] = real.split('.');
      const mangled = `${h}.0yJjYXQiOiJtYXJrZXRpbmcifQ.${s}`; // found by fuzzing
      expect(server.services.tokens.verify('unsubscribe', mangled)).toEqual({ ok: false, reason: 'invalid' });
      expect((await fetch(`${server.url}/u/${mangled}`)).status).toBe(400);
    } finally {
      await server.close();
    }
  });
});
