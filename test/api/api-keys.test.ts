import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORES } from '../support/stores.js';
import { ADMIN_KEY, startServer, seedContact, type TestServer } from '../support/server.js';

describe.each(STORES)('API keys and roles on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(kind);
  });
  afterAll(() => server.close());

  const createKey = async (role: string) => {
    const res = await server.api.post('/api/v1/api-keys', { name: `${role} key`, role });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.any(String), name: `${role} key`, role, key: expect.stringMatching(/^sk_[\w-]{40,}$/) });
    return res.body as { id: string; key: string };
  };

  it('when a key is created, then it is shown once and only its hash is stored', async () => {
    const { id, key } = await createKey('support');
    const row = await server.testStore.store.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(key);
    expect(row.key_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('when each role calls each kind of route, then it is allowed or gets 403', async () => {
    const { contact, organizationId } = await seedContact(server.api, 'roles@example.com');
    const support = server.api.as((await createKey('support')).key);
    const sender = server.api.as((await createKey('sender')).key);

    expect((await support.get(`/api/v1/contacts/${contact.id}`)).status).toBe(200);
    expect((await support.get(`/api/v1/contacts?organizationId=${organizationId}`)).status).toBe(200);
    expect((await support.patch(`/api/v1/contacts/${contact.id}`, { name: 'Corrected' })).status).toBe(200);
    expect((await support.get(`/api/v1/contacts/${contact.id}/export`)).status).toBe(200);
    expect((await support.get(`/api/v1/contacts/${contact.id}/consent-history`)).status).toBe(200);
    expect((await support.put(`/api/v1/contacts/${contact.id}/preferences`, { marketing: true })).status).toBe(403);
    expect((await support.delete(`/api/v1/contacts/${contact.id}`)).status).toBe(403);
    expect((await support.post('/api/v1/api-keys', { name: 'escalate', role: 'admin' })).status).toBe(403);
    expect((await support.post('/api/v1/contacts', { organizationId, email: 'new@example.com' })).status).toBe(403);

    const denied = await sender.get(`/api/v1/contacts/${contact.id}`);
    expect(denied.status).toBe(403);
    expect(denied.headers.get('content-type')).toMatch(/problem\+json/);
    expect((await sender.patch(`/api/v1/contacts/${contact.id}`, { name: 'x' })).status).toBe(403);
    expect((await sender.post('/api/v1/organizations', { name: 'x' })).status).toBe(403);

    expect((await server.api.get(`/api/v1/contacts/${contact.id}`)).body.preferences.marketing).toBe(false);
  });

  it('when a key is revoked, then it stops working at once', async () => {
    const { id, key } = await createKey('support');
    const client = server.api.as(key);
    expect((await client.get('/api/v1/contacts?limit=1')).status).toBe(200);
    expect((await server.api.delete(`/api/v1/api-keys/${id}`)).status).toBe(204);
    expect((await client.get('/api/v1/contacts?limit=1')).status).toBe(401);
    expect((await server.api.delete('/api/v1/api-keys/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('when there is no key or a bad one, then 401 with a problem body', async () => {
    for (const auth of [null, 'sk_not_a_key', `${ADMIN_KEY}x`]) {
      const res = await server.api.as(auth).get('/api/v1/contacts');
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(res.body).toMatchObject({ status: 401, type: expect.any(String), title: expect.any(String) });
    }
    const basic = await fetch(`${server.url}/api/v1/contacts`, { headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } });
    expect(basic.status).toBe(401);
  });

  it('when one integration sends many valid calls at once, then none is refused for rate', async () => {
    const { contact } = await seedContact(server.api, 'burst@example.com');
    const statuses = await Promise.all(
      Array.from({ length: 100 }, (_, i) => server.api.put(`/api/v1/contacts/${contact.id}/preferences`, { marketing: i % 2 === 0 }).then((r) => r.status)),
    );
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
  });

  it('when one address keeps failing, then it is rate limited with 429', async () => {
    const attacker = server.api.as('sk_guess');
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await attacker.get('/api/v1/contacts')).status);
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    const limited = await attacker.get('/api/v1/contacts');
    expect(limited.body).toMatchObject({ status: 429 });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
