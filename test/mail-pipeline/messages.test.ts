import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { STORES } from '../support/stores.js';
import { startServer, type TestServer } from '../support/server.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';
import { eventually, header, jwtPayload, linksIn, listUnsubscribeUrl } from '../support/mail.js';

const ticket = (over: Record<string, unknown> = {}) => ({
  ticketId: 'T-1042',
  subject: 'Printer on 3rd floor offline',
  status: 'In progress',
  message: 'A technician is on the way.',
  ...over,
});

describe.each(STORES)('messages API and delivery on %s', (kind) => {
  let server: TestServer;
  let smtp: TestSmtp;
  let organizationId: string;
  const newContact = async (email: string, locale?: 'en' | 'fr') => {
    const res = await server.api.post('/api/v1/contacts', { organizationId, email, name: 'Léa Roy', ...(locale ? { locale } : {}) });
    expect(res.status).toBe(201);
    return res.body as { id: string; email: string };
  };
  const status = (id: string) => server.api.get(`/api/v1/messages/${id}`).then((r) => r.body);
  const untilFinal = (id: string) => eventually(() => status(id), (s) => ['sent', 'failed', 'suppressed'].includes(s.status));

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startServer(kind, { smtpUrl: smtp.url });
    organizationId = (await server.api.post('/api/v1/organizations', { name: 'Cabinet Roy', locale: 'en' })).body.id;
  });
  afterAll(async () => {
    await server.close();
    await smtp.close();
  });
  beforeEach(() => smtp.setVerdict(() => ({ accept: true })));

  it('when a ticket update is sent, then it arrives with both parts, the one-click headers, signed links and a stable Message-ID', async () => {
    const contact = await newContact('lea.roy@cabinet.example');
    const res = await server.api.post('/api/v1/messages', { category: 'ticket-updates', template: 'ticket-update', to: { contactId: contact.id }, data: ticket() });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ id: expect.any(String), status: 'queued' });
    expect(await untilFinal(res.body.id)).toEqual({ id: res.body.id, status: 'sent', attempts: 1, bounced: null, complained: null });

    const [mail] = smtp.to('lea.roy@cabinet.example');
    expect(mail).toBeDefined();
    const m = mail!;
    expect(m.parsed.subject).toContain('T-1042');
    expect(m.parsed.html).toContain('Printer on 3rd floor offline');
    expect(m.parsed.text).toContain('A technician is on the way.');
    expect(m.parsed.messageId).toBe(`<${res.body.id}@localhost>`);
    expect(header(m, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    const unsubscribe = listUnsubscribeUrl(m);
    expect(unsubscribe.startsWith(`${server.url}/u/`)).toBe(true);
    const links = linksIn(m);
    expect(links).toContain(unsubscribe);
    const preferences = links.find((l) => l.startsWith(`${server.url}/p/`));
    expect(preferences).toBeDefined();
    for (const url of [unsubscribe, preferences!]) {
      const payload = jwtPayload(url);
      expect(payload.sub).toBe(contact.id);
      expect(JSON.stringify(payload)).not.toMatch(/lea|roy|cabinet|@/i);
      expect((payload.exp as number) - (payload.iat as number)).toBeGreaterThanOrEqual(60 * 86_400);
    }
    expect(jwtPayload(unsubscribe)).toMatchObject({ aud: 'unsubscribe', cat: 'ticket-updates' });
    expect(jwtPayload(preferences!)).toMatchObject({ aud: 'preferences' });
    expect(m.parsed.html).toMatch(/1000 rue Exemple/); // the sender's postal address (CASL)
  });

  it('when the contact reads French, then the email is in French', async () => {
    const contact = await newContact('fr.contact@cabinet.example', 'fr');
    const res = await server.api.post('/api/v1/messages', {
      category: 'invoices',
      template: 'invoice-receipt',
      to: { email: 'FR.Contact@Cabinet.example' },
      data: { invoiceNumber: 'F-2026-118', amount: 1234.5, currency: 'CAD', issuedAt: '2026-11-20' },
    });
    expect(res.status).toBe(202);
    await untilFinal(res.body.id);
    const m = smtp.to('fr.contact@cabinet.example')[0]!;
    expect(m.parsed.html).toContain('lang="fr"');
    expect(m.parsed.text).toMatch(/Facture|facture/);
    expect(m.parsed.text).toMatch(/1\s?234,50\s?\$/);
    expect(header(m, 'Content-Language')).toBe('fr-CA');
    void contact;
  });

  it('when the contact is not subscribed, then the message is suppressed and never sent', async () => {
    const contact = await newContact('no-marketing@cabinet.example');
    const res = await server.api.post('/api/v1/messages', {
      category: 'marketing',
      template: 'announcement',
      to: { contactId: contact.id },
      data: { title: 'Winter promo', body: 'Hello **there**' },
    });
    expect(res.body).toEqual({ id: expect.any(String), status: 'suppressed' });
    expect((await status(res.body.id)).status).toBe('suppressed');
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.to('no-marketing@cabinet.example')).toHaveLength(0);
  });

  it('when the same idempotency key comes again, even at once, then the first answer and a single email', async () => {
    const contact = await newContact('idem@cabinet.example');
    const body = { category: 'ticket-updates', template: 'ticket-update', to: { contactId: contact.id }, data: ticket(), idempotencyKey: 'psa-evt-77' };
    const answers = await Promise.all([1, 2, 3].map(() => server.api.post('/api/v1/messages', body)));
    const again = await server.api.post('/api/v1/messages', body);
    for (const a of [...answers, again]) expect(a.body).toEqual(answers[0]!.body);
    await untilFinal(answers[0]!.body.id);
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.to('idem@cabinet.example')).toHaveLength(1);
  });

  it('when template data is missing or the contact unknown, then 400 naming the fields and nothing queued', async () => {
    const contact = await newContact('missing@cabinet.example');
    const res = await server.api.post('/api/v1/messages', {
      category: 'ticket-updates',
      template: 'ticket-update',
      to: { contactId: contact.id },
      data: { ticketId: 'T-1' },
    });
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(/subject/);
    expect(res.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['#/data/message', '#/data/status', '#/data/subject']);
    for (const bad of [
      { to: { contactId: '00000000-0000-4000-8000-000000000000' } },
      { to: { email: 'nobody@cabinet.example' } },
      { category: 'newsletter' },
      { template: 'sign-in-code' },
    ]) {
      const r = await server.api.post('/api/v1/messages', { category: 'ticket-updates', template: 'ticket-update', to: { contactId: contact.id }, data: ticket(), ...bad });
      expect(r.status).toBe(400);
    }
    const rows = await server.testStore.store.db.selectFrom('messages').select('id').where('contact_id', '=', contact.id).execute();
    expect(rows).toHaveLength(0);
  });

  it('when a subject or title carries script or CR/LF, then it arrives as text and adds no header', async () => {
    await newContact('hostile@cabinet.example');
    const res = await server.api.post('/api/v1/messages', {
      category: 'ticket-updates',
      template: 'ticket-update',
      to: { email: 'hostile@cabinet.example' },
      data: ticket({ subject: 'Broken <img src=x onerror=alert(1)>\r\nBcc: victim@evil.example', message: '<script>alert(1)</script>' }),
    });
    await untilFinal(res.body.id);
    const m = smtp.to('hostile@cabinet.example')[0]!;
    expect(m.to).toEqual(['hostile@cabinet.example']);
    expect(m.parsed.headerLines.filter((h) => h.key === 'bcc')).toHaveLength(0);
    expect(m.parsed.subject).not.toMatch(/[\r\n]/);
    expect(m.parsed.html).not.toMatch(/<img[^>]*onerror/i);
    expect(m.parsed.html).not.toContain('<script>');
    expect(m.parsed.html).toMatch(/Broken &lt;img src(=|&#x3D;)x onerror(=|&#x3D;)alert\(1\)&gt;/);
    expect(m.parsed.text).toContain('<img src=x onerror=alert(1)>');
  });

  it('when the SMTP server refuses for a while and then recovers, then the message is retried and sent', async () => {
    let refusals = 0;
    smtp.setVerdict((rcpt) => (rcpt === 'flaky@cabinet.example' && refusals++ < 2 ? { accept: false, code: 421, message: '4.3.2 Try again later' } : { accept: true }));
    await newContact('flaky@cabinet.example');
    const res = await server.api.post('/api/v1/messages', { category: 'ticket-updates', template: 'ticket-update', to: { email: 'flaky@cabinet.example' }, data: ticket() });
    const final = await untilFinal(res.body.id);
    expect(refusals).toBeGreaterThanOrEqual(2);
    expect(final.status).toBe('sent');
    expect(final.attempts).toBeGreaterThanOrEqual(2);
    expect(smtp.to('flaky@cabinet.example')).toHaveLength(1);
  });

  it('when the address is rejected with 5.1.1, then the message fails and later sends are suppressed', async () => {
    smtp.setVerdict((rcpt) => (rcpt === 'gone@cabinet.example' ? { accept: false, code: 550, message: '5.1.1 <gone@cabinet.example>: no such user' } : { accept: true }));
    await newContact('gone@cabinet.example');
    const send = () => server.api.post('/api/v1/messages', { category: 'ticket-updates', template: 'ticket-update', to: { email: 'gone@cabinet.example' }, data: ticket() });
    const first = await send();
    const final = await untilFinal(first.body.id);
    expect(final).toMatchObject({ status: 'failed', attempts: 1, lastError: expect.stringMatching(/5\.1\.1/) });
    expect(final.lastError).not.toContain('gone@cabinet.example');
    const second = await send();
    expect(second.body.status).toBe('suppressed');
  });

  it('when a permanent 5xx other than 5.1.x comes back, then the message fails without suppressing the address', async () => {
    let once = true;
    smtp.setVerdict((rcpt) => (rcpt === 'policy@cabinet.example' && once ? ((once = false), { accept: false, code: 554, message: '5.7.1 Message refused by policy' }) : { accept: true }));
    await newContact('policy@cabinet.example');
    const send = () => server.api.post('/api/v1/messages', { category: 'ticket-updates', template: 'ticket-update', to: { email: 'policy@cabinet.example' }, data: ticket() });
    expect(await untilFinal((await send()).body.id)).toMatchObject({ status: 'failed' });
    expect((await send()).body.status).toBe('queued');
  });
});
