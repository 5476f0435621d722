// The suppression list as support reads and corrects it: an exact address looked up in a POST body
// (never in a URL), removal with a reason that the audit log keeps without the address, and an
// erasure's suppression that stays.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORES } from '../support/stores.js';
import { startServer, seedContact, type ApiClient, type TestServer } from '../support/server.js';
import { eventually } from '../support/mail.js';

describe.each(STORES)('the suppression list API on %s', (kind) => {
  let server: TestServer;
  let support: ApiClient;
  let sender: ApiClient;

  const keyOf = async (role: string) => (await server.api.post('/api/v1/api-keys', { name: `${role} key`, role })).body.key as string;
  const auditOf = (action: string) =>
    eventually(
      () => server.api.get(`/api/v1/audit-log?limit=50&action=${encodeURIComponent(action)}`),
      (res) => res.body.items.length > 0,
    ).then((res) => res.body.items as { keyId: string; target: string | null; outcome: number; detail: string | null }[]);

  beforeAll(async () => {
    server = await startServer(kind);
    support = server.api.as(await keyOf('support'));
    sender = server.api.as(await keyOf('sender'));
  });
  afterAll(() => server.close());

  it('when support looks up a hard-bounced address in another letter case, then it is suppressed, with the reason and since when; an address not on the list is not', async () => {
    await server.services.suppressions.add('bounced.lookup@mail.example', 'hard bounce (5.1.x)');
    const found = await support.post('/api/v1/suppressions/search', { email: '  Bounced.Lookup@MAIL.example ' });
    expect(found.status).toBe(200);
    expect(found.body).toEqual({ email: 'bounced.lookup@mail.example', suppressed: true, reason: 'hard bounce (5.1.x)', kind: 'hard-bounce', since: expect.any(String), until: null, removable: true });
    expect(Date.now() - Date.parse(found.body.since)).toBeLessThan(60_000);

    const clear = await support.post('/api/v1/suppressions/search', { email: 'never.bounced@mail.example' });
    expect(clear.body).toEqual({ email: 'never.bounced@mail.example', suppressed: false, reason: null, kind: null, since: null, until: null, removable: false });
  });

  it('when an address is suppressed for a while after soft bounces, then it shows until when and may be removed; once that time is past it is not suppressed, and removing it is 404', async () => {
    const until = new Date(Date.now() + 7 * 86_400_000).toISOString();
    await server.services.suppressions.add('soft.bounces@mail.example', 'soft bounces (3 in 14 days)', undefined, until);
    const found = await support.post('/api/v1/suppressions/search', { email: 'soft.bounces@mail.example' });
    expect(found.body).toMatchObject({ suppressed: true, kind: 'soft-bounces', until, removable: true });

    await server.services.suppressions.add('soft.expired@mail.example', 'soft bounces (3 in 14 days)', undefined, new Date(Date.now() - 1000).toISOString());
    expect((await support.post('/api/v1/suppressions/search', { email: 'soft.expired@mail.example' })).body.suppressed).toBe(false);
    expect((await support.post('/api/v1/suppressions/remove', { email: 'soft.expired@mail.example', reason: 'Already over' })).status).toBe(404);
    expect((await support.post('/api/v1/suppressions/remove', { email: 'soft.bounces@mail.example', reason: 'The relay was at fault' })).status).toBe(204);
  });

  it('when the address is not a whole address, then 400 names the email field', async () => {
    const res = await support.post('/api/v1/suppressions/search', { email: 'not-an-address' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ pointer: '#/email', detail: expect.any(String) }]);
    expect((await support.post('/api/v1/suppressions/search', { email: 'a@b.example', extra: 1 })).status).toBe(400);
  });

  it('when support removes an address with a reason, then mail may go to it again, and the audit entry has the reason and a keyed reference, never the address', async () => {
    await server.services.suppressions.add('fixed.mailbox@clinic.example', 'hard bounce (5.1.x)');
    const res = await support.post('/api/v1/suppressions/remove', { email: 'Fixed.Mailbox@clinic.example', reason: 'Mailbox recreated; confirmed by phone with fixed.mailbox@clinic.example' });
    expect(res.status).toBe(204);
    expect(await server.services.suppressions.reasonFor('fixed.mailbox@clinic.example')).toBeNull();
    expect((await support.post('/api/v1/suppressions/search', { email: 'fixed.mailbox@clinic.example' })).body.suppressed).toBe(false);

    const [entry] = await auditOf('POST /api/v1/suppressions/remove');
    expect(entry).toMatchObject({ outcome: 204, target: expect.stringMatching(/^suppression:[0-9a-f]{16}$/) });
    expect(entry!.detail).toBe('removed from the suppression list (was: hard bounce (5.1.x)); reason given: Mailbox recreated; confirmed by phone with [address]');
    const everything = JSON.stringify((await server.api.get('/api/v1/audit-log?limit=500')).body);
    expect(everything).not.toContain('fixed.mailbox');
    expect(everything).not.toContain('bounced.lookup');
    // The same address, looked up, is audited under the same reference.
    const lookups = await auditOf('POST /api/v1/suppressions/search');
    expect(lookups.map((e) => e.target)).toContain(entry!.target);

    // Gone already: 404.
    const again = await support.post('/api/v1/suppressions/remove', { email: 'fixed.mailbox@clinic.example', reason: 'Twice' });
    expect(again.status).toBe(404);
  });

  it('when a removal has no reason, or one too short or too long, then 400 and the address stays suppressed', async () => {
    await server.services.suppressions.add('stays@clinic.example', 'hard bounce (5.1.x)');
    for (const body of [{ email: 'stays@clinic.example' }, { email: 'stays@clinic.example', reason: '  ok ' }, { email: 'stays@clinic.example', reason: 'x'.repeat(501) }, { email: 'stays@clinic.example', reason: 'line\nbreak' }]) {
      const res = await support.post('/api/v1/suppressions/remove', body);
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual(['#/reason']);
    }
    expect(await server.services.suppressions.reasonFor('stays@clinic.example')).toBe('hard bounce (5.1.x)');
  });

  it('when the address was erased at its owner’s request, then it shows as an erasure that cannot be removed (409), and stays suppressed', async () => {
    const { contact } = await seedContact(server.api, 'forget.me@clinic.example');
    expect((await server.api.delete(`/api/v1/contacts/${contact.id}`)).status).toBe(200);
    const found = await support.post('/api/v1/suppressions/search', { email: 'forget.me@clinic.example' });
    expect(found.body).toMatchObject({ suppressed: true, kind: 'erasure', reason: 'erased at the contact’s request', removable: false });

    for (const client of [support, server.api]) {
      const refused = await client.post('/api/v1/suppressions/remove', { email: 'forget.me@clinic.example', reason: 'The person wrote back' });
      expect(refused.status).toBe(409);
      expect(refused.body.type).toBe('/problems/erased-address');
    }
    expect(await server.services.suppressions.reasonFor('forget.me@clinic.example')).toBe('erased at the contact’s request');
  });

  it('when the latest additions are listed, then each has its reason and date and none an address, with the counts by reason', async () => {
    await server.services.suppressions.add('recent.one@list.example', 'hard bounce (5.1.x)');
    const res = await support.get('/api/v1/suppressions/recent?limit=2');
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(2);
    expect(res.body.items[0]).toEqual({ reason: 'hard bounce (5.1.x)', kind: 'hard-bounce', since: expect.any(String), until: null });
    expect(res.body.items[0].since >= res.body.items[1].since).toBe(true);
    const now = new Date().toISOString();
    const all = (await server.testStore.store.db.selectFrom('suppressions').select(['reason', 'expires_at']).execute()).filter((r) => r.expires_at === null || r.expires_at > now);
    expect(res.body.total).toBe(all.length);
    expect(res.body.byReason.reduce((sum: number, r: { count: number }) => sum + r.count, 0)).toBe(all.length);
    expect(JSON.stringify(res.body)).not.toContain('@');
    expect((await support.get('/api/v1/suppressions/recent?limit=0')).status).toBe(400);
    expect((await support.get('/api/v1/suppressions/recent')).body.items.length).toBeLessThanOrEqual(20);
  });

  it('when a sender calls any suppression route, then 403 and nothing changes', async () => {
    await server.services.suppressions.add('sender.cannot@clinic.example', 'hard bounce (5.1.x)');
    expect((await sender.post('/api/v1/suppressions/search', { email: 'sender.cannot@clinic.example' })).status).toBe(403);
    expect((await sender.get('/api/v1/suppressions/recent')).status).toBe(403);
    expect((await sender.post('/api/v1/suppressions/remove', { email: 'sender.cannot@clinic.example', reason: 'Trying anyway' })).status).toBe(403);
    expect(await server.services.suppressions.reasonFor('sender.cannot@clinic.example')).toBe('hard bounce (5.1.x)');
  });

  it('when addresses were looked up and removed, then no log line holds any of them', () => {
    const all = server.logs.join('\n');
    for (const local of ['bounced.lookup', 'never.bounced', 'fixed.mailbox', 'forget.me', 'stays@']) expect(all).not.toContain(local);
  });
});
