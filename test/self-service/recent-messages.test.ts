import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MyRecentMessages } from '../../contract/index.js';
import { STORES } from '../support/stores.js';
import { seedContact, startServer, type TestServer } from '../support/server.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';
import { eventually } from '../support/mail.js';
import { nthMailTo, SelfServiceClient, signedInContact } from './self-service-client.js';

type Item = MyRecentMessages['items'][number];
const FIELDS = ['category', 'id', 'queuedAt', 'sentAt', 'status', 'subject', 'suppressedReason', 'template'];

describe.each(STORES)('"Why did I get this?": GET /api/v1/me/messages on %s', (kind) => {
  let server: TestServer;
  let smtp: TestSmtp;

  const signedIn = (email: string) => signedInContact(server, smtp, email);
  const recent = async (ext: SelfServiceClient) => {
    const res = await ext.recentMessages();
    expect(res.status).toBe(200);
    return res.body as MyRecentMessages;
  };
  const ticketUpdate = (contactId: string, message: string) =>
    server.api.post('/api/v1/messages', {
      category: 'ticket-updates',
      template: 'ticket-update',
      to: { contactId },
      data: { ticketId: 'T-4411', subject: 'Printer on floor 2', status: 'open', message },
    });
  const announcement = (contactId: string, title: string) =>
    server.api.post('/api/v1/messages', { category: 'marketing', template: 'announcement', to: { contactId }, data: { title, body: 'Hello.' } });
  const settled = (id: string) =>
    eventually(
      () => server.api.get(`/api/v1/messages/${id}`),
      (r) => ['sent', 'failed', 'suppressed'].includes(r.body.status),
    );

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startServer(kind, { smtpUrl: smtp.url, env: { TRUST_PROXY: 'loopback' } });
  });
  afterAll(async () => {
    await server.close();
    await smtp.close();
  });

  it('when a message was sent, then it is listed with the subject the person received, and never its body, data or the server’s words', async () => {
    const email = `received-${kind}@example.com`;
    const { id, ext } = await signedIn(email);
    const queued = await ticketUpdate(id, 'The toner is replaced: SECRET-BODY-WORDS.');
    expect(queued.body.status).toBe('queued');
    const mail = await nthMailTo(smtp, email, 2);
    expect((await settled(queued.body.id)).body.status).toBe('sent');

    const { items } = await recent(ext);
    const [update, code] = items;
    expect(items).toHaveLength(2);
    expect(update).toEqual({
      id: queued.body.id,
      category: 'ticket-updates',
      template: 'ticket-update',
      subject: mail.parsed.subject,
      status: 'sent',
      queuedAt: expect.any(String),
      sentAt: expect.any(String),
      suppressedReason: null,
    });
    expect(update!.subject).toContain('T-4411');
    // The sign-in code's own email is there too, with its real subject.
    const codeMail = await nthMailTo(smtp, email, 1);
    expect(code).toMatchObject({ category: null, template: 'sign-in-code', status: 'sent', subject: codeMail.parsed.subject, suppressedReason: null });
    for (const item of items) expect(Object.keys(item).sort()).toEqual(FIELDS);
    const text = JSON.stringify(items);
    expect(text).not.toContain('SECRET-BODY-WORDS');
    expect(text).not.toContain(email);
  });

  it('when messages were not sent, then each says why as a code, with no subject: not subscribed, on the suppression list, collected for the daily digest', async () => {
    const email = `not-sent-${kind}@example.com`;
    const { id, ext } = await signedIn(email);
    // marketing is off until the person opts in (express consent).
    const notSubscribed = await announcement(id, 'Spring offers');
    expect(notSubscribed.body.status).toBe('suppressed');
    // Daily digest: the send worker's last check suppresses the single update and collects it.
    expect((await ext.request('PUT', '/api/v1/me/ticket-delivery?wording=extension%401&locale=en', { ticketDelivery: 'daily' })).status).toBe(200);
    const digest = await ticketUpdate(id, 'Collected for tomorrow.');
    expect(digest.body.status).toBe('queued');
    expect((await settled(digest.body.id)).body.status).toBe('suppressed');
    await server.services.suppressions.add(email, 'hard bounce (5.1.x)');
    const bounced = await ticketUpdate(id, 'Goes nowhere.');
    expect(bounced.body.status).toBe('suppressed');

    const { items } = await recent(ext);
    const byId = new Map(items.map((m) => [m.id, m]));
    expect(byId.get(notSubscribed.body.id)).toMatchObject({ category: 'marketing', template: 'announcement', status: 'suppressed', subject: null, sentAt: null, suppressedReason: 'not-subscribed' });
    expect(byId.get(digest.body.id)).toMatchObject({ category: 'ticket-updates', status: 'suppressed', subject: null, suppressedReason: 'daily-digest' });
    expect(byId.get(bounced.body.id)).toMatchObject({ category: 'ticket-updates', status: 'suppressed', subject: null, suppressedReason: 'suppression-list' });
    // The English words stay in the server's own log; none reaches the extension.
    const stored = await server.testStore.store.db.selectFrom('messages').select(['last_error']).where('id', '=', notSubscribed.body.id).executeTakeFirstOrThrow();
    expect(stored.last_error).toBeTruthy();
    expect(JSON.stringify(items)).not.toContain(stored.last_error!);
  });

  it('when a message predates the reason codes, then it is listed as suppressed with no reason', async () => {
    const { id, ext } = await signedIn(`older-${kind}@example.com`);
    const old = await announcement(id, 'Before the code was kept');
    await server.testStore.store.db.updateTable('messages').set({ suppressed_reason: null }).where('id', '=', old.body.id).execute();
    const item = (await recent(ext)).items.find((m) => m.id === old.body.id);
    expect(item).toMatchObject({ status: 'suppressed', suppressedReason: null, subject: null });
  });

  it('when a contact has more than 30 messages, then the 30 newest are listed, newest first', async () => {
    const { id, ext } = await signedIn(`many-${kind}@example.com`);
    const ids: string[] = [];
    for (let i = 0; i < 35; i++) ids.push((await announcement(id, `Offer ${i}`)).body.id as string);
    // One second apart, in the order they were posted (two posts can share a millisecond).
    for (const [i, messageId] of ids.entries()) {
      await server.testStore.store.db
        .updateTable('messages')
        .set({ created_at: new Date(Date.UTC(2030, 0, 1, 0, 0, i)).toISOString() })
        .where('id', '=', messageId)
        .execute();
    }
    const { items } = await recent(ext);
    expect(items).toHaveLength(30);
    expect(items.map((m) => m.id)).toEqual(ids.slice(5).reverse());
    expect(items[0]!.queuedAt).toBe('2030-01-01T00:00:34.000Z');
    for (const item of items) expect(item.suppressedReason).toBe('not-subscribed');
  });

  it('when two contacts have messages, then each sees only their own, whatever the request says', async () => {
    const a = await signedIn(`first-${kind}@example.com`);
    const b = await signedIn(`second-${kind}@example.com`);
    const toA = (await announcement(a.id, 'For A')).body.id as string;
    const toB = (await announcement(b.id, 'For B')).body.id as string;
    const mineA = (await recent(a.ext)).items.map((m: Item) => m.id);
    const mineB = (await recent(b.ext)).items.map((m: Item) => m.id);
    expect(mineA).toContain(toA);
    expect(mineB).toContain(toB);
    expect(mineA.filter((m) => mineB.includes(m))).toEqual([]);
    const rows = await server.testStore.store.db.selectFrom('messages').select(['id', 'contact_id']).where('id', 'in', [...mineA, ...mineB]).execute();
    expect(rows.filter((r) => mineA.includes(r.id)).every((r) => r.contact_id === a.id)).toBe(true);
    expect(rows.filter((r) => mineB.includes(r.id)).every((r) => r.contact_id === b.id)).toBe(true);
    const sneaky = await a.ext.request('GET', `/api/v1/me/messages?contactId=${b.id}`);
    expect((sneaky.body as MyRecentMessages).items.map((m) => m.id)).not.toContain(toB);
  });

  it('when there is no session, or not a session token, then 401', async () => {
    await signedIn(`no-session-${kind}@example.com`);
    expect((await new SelfServiceClient(server).recentMessages()).status).toBe(401);
    expect((await new SelfServiceClient(server, 'nonsense').recentMessages()).status).toBe(401);
    const apiKey = await new SelfServiceClient(server, null).request('GET', '/api/v1/me/messages', undefined, { authorization: `Bearer ${server.api.key}` });
    expect(apiKey.status).toBe(401);
  });
});

describe.each(STORES)('a message queued when its contact is erased, on %s', (kind) => {
  let server: TestServer;

  // No worker: the message stays queued until the erasure cancels it.
  beforeAll(async () => {
    server = await startServer(kind, { worker: false });
  });
  afterAll(() => server.close());

  it('when the contact is erased, then the queued message is suppressed with the reason erased and keeps no subject', async () => {
    const { contact } = await seedContact(server.api, `erased-${kind}@example.com`);
    const queued = await server.api.post('/api/v1/messages', {
      category: 'invoices',
      template: 'invoice-receipt',
      to: { contactId: contact.id },
      data: { invoiceNumber: 'INV-9', amount: 10, currency: 'CAD', issuedAt: '2026-01-01' },
    });
    expect(queued.body.status).toBe('queued');
    expect((await server.api.delete(`/api/v1/contacts/${contact.id}`)).status).toBe(200);
    expect(await server.services.outbox.recent(contact.id, 30)).toEqual([
      expect.objectContaining({ id: queued.body.id, status: 'suppressed', suppressedReason: 'erased', subject: null }),
    ]);
  });
});
