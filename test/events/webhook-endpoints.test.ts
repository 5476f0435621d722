import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORES } from '../support/stores.js';
import { productionEnv, seedContact, startServer, type TestServer } from '../support/server.js';

const RECEIVER = 'http://127.0.0.1:9/psa/events';

describe.each(STORES)('outgoing webhook endpoints on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(kind, { worker: false });
  });
  afterAll(() => server.close());

  const rows = () => server.testStore.store.db.selectFrom('webhook_endpoints').selectAll().execute();

  it('when an admin registers an endpoint, then its secret is shown once, stored sealed, and never shown again', async () => {
    const { organizationId } = await seedContact(server.api, 'hooks@example.com');
    const created = await server.api.post('/api/v1/webhook-endpoints', {
      url: RECEIVER,
      events: ['consent.changed', 'contact.erased'],
      organizationId,
      description: 'ConnectWise',
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      url: RECEIVER,
      events: ['consent.changed', 'contact.erased'],
      organizationId,
      includeEmail: false,
      description: 'ConnectWise',
      enabled: true,
      disabledReason: null,
      state: 'enabled',
      failingSince: null,
      createdAt: expect.any(String),
      secretRotatedAt: null,
      previousSecretValidUntil: null,
      secret: expect.stringMatching(/^whsec_[\w-]{43}$/),
    });
    const row = (await rows()).find((r) => r.id === created.body.id)!;
    expect(JSON.stringify(row)).not.toContain(created.body.secret);
    expect(row.secret).toMatch(/^enc1:/);

    const { secret, ...shown } = created.body;
    expect((await server.api.get(`/api/v1/webhook-endpoints/${created.body.id}`)).body).toEqual(shown);
    const list = await server.api.get('/api/v1/webhook-endpoints');
    expect(list.body.items).toContainEqual(shown);
    expect(JSON.stringify(list.body)).not.toContain(secret);
  });

  it('when the request is wrong in any way, then it answers 400 saying where, and nothing is stored', async () => {
    const before = (await rows()).length;
    const wrong: [unknown, string][] = [
      [{ url: 'ftp://psa.example.com/', events: ['consent.changed'] }, '#/url'],
      [{ url: 'not a url', events: ['consent.changed'] }, '#/url'],
      [{ url: 'https://user:pass@psa.example.com/', events: ['consent.changed'] }, '#/url'],
      [{ url: RECEIVER, events: [] }, '#/events'],
      [{ url: RECEIVER, events: ['consent.changed', 'consent.changed'] }, '#/events'],
      [{ url: RECEIVER, events: ['invoice.paid'] }, '#/events/0'],
      [{ url: RECEIVER, events: ['consent.changed'], organizationId: crypto.randomUUID() }, '#/organizationId'],
      [{ url: RECEIVER, events: ['consent.changed'], secret: 'mine' }, '#/secret'],
    ];
    for (const [body, pointer] of wrong) {
      const res = await server.api.post('/api/v1/webhook-endpoints', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.errors?.map((e: { pointer: string }) => e.pointer), JSON.stringify(body)).toContain(pointer);
    }
    expect((await rows()).length).toBe(before);
  });

  it('when an endpoint is changed, disabled and enabled again, then it says so; an empty change is refused', async () => {
    const { id } = (await server.api.post('/api/v1/webhook-endpoints', { url: RECEIVER, events: ['message.bounced'] })).body;
    const changed = await server.api.patch(`/api/v1/webhook-endpoints/${id}`, { events: ['message.bounced', 'message.complained'], includeEmail: true });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ events: ['message.bounced', 'message.complained'], includeEmail: true, enabled: true });

    expect((await server.api.patch(`/api/v1/webhook-endpoints/${id}`, { enabled: false })).body).toMatchObject({ enabled: false, disabledReason: 'Disabled by an administrator.' });
    expect((await server.api.patch(`/api/v1/webhook-endpoints/${id}`, { enabled: true })).body).toMatchObject({ enabled: true, disabledReason: null });

    expect((await server.api.patch(`/api/v1/webhook-endpoints/${id}`, {})).status).toBe(400);
    expect((await server.api.patch(`/api/v1/webhook-endpoints/${id}`, { url: 'gopher://x/' })).status).toBe(400);
    expect((await server.api.get(`/api/v1/webhook-endpoints/${id}`)).body.events).toEqual(['message.bounced', 'message.complained']);
    expect((await server.api.patch(`/api/v1/webhook-endpoints/${crypto.randomUUID()}`, { enabled: false })).status).toBe(404);
  });

  it('when the secret is rotated, then the new one is shown once and the old one keeps signing for the overlap only', async () => {
    const created = (await server.api.post('/api/v1/webhook-endpoints', { url: RECEIVER, events: ['coverage.lost'] })).body;
    const rotated = await server.api.post(`/api/v1/webhook-endpoints/${created.id}/rotate-secret`, {});
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(created.secret);
    const until = Date.parse(rotated.body.previousSecretValidUntil);
    expect(until - Date.now()).toBeGreaterThan(23.9 * 3_600_000);
    expect(until - Date.now()).toBeLessThanOrEqual(24 * 3_600_000);
    expect(await server.services.webhookEndpoints.signingSecrets(created.id)).toEqual({ current: rotated.body.secret, previous: created.secret });

    const again = await server.api.post(`/api/v1/webhook-endpoints/${created.id}/rotate-secret`, { overlapHours: 0 });
    expect(again.body.previousSecretValidUntil).toBeNull();
    expect(await server.services.webhookEndpoints.signingSecrets(created.id)).toEqual({ current: again.body.secret, previous: null });
    expect((await server.api.post(`/api/v1/webhook-endpoints/${created.id}/rotate-secret`, { overlapHours: 169 })).status).toBe(400);
  });

  it('when an endpoint is removed, then it is gone; other roles may not touch endpoints', async () => {
    const { id } = (await server.api.post('/api/v1/webhook-endpoints', { url: RECEIVER, events: ['contact.created'] })).body;
    const support = server.api.as((await server.api.post('/api/v1/api-keys', { name: 'support', role: 'support' })).body.key);
    expect((await support.get('/api/v1/webhook-endpoints')).status).toBe(403);
    expect((await support.post('/api/v1/webhook-endpoints', { url: RECEIVER, events: ['contact.created'] })).status).toBe(403);
    expect((await support.delete(`/api/v1/webhook-endpoints/${id}`)).status).toBe(403);

    expect((await server.api.delete(`/api/v1/webhook-endpoints/${id}`)).status).toBe(204);
    expect((await server.api.get(`/api/v1/webhook-endpoints/${id}`)).status).toBe(404);
    expect((await server.api.delete(`/api/v1/webhook-endpoints/${id}`)).status).toBe(404);
  });
});

describe('outgoing webhook endpoints in production', () => {
  it('when an endpoint would reach the service’s own machine or network, then it is refused unless its host is allow-listed', async () => {
    const server = await startServer('sqlite', { worker: false, env: productionEnv({ WEBHOOK_INTERNAL_HOSTS: 'localhost' }) });
    try {
      for (const url of ['http://psa.example.com/', 'https://127.0.0.1/', 'https://169.254.169.254/latest/meta-data/', 'https://[::1]:8443/']) {
        const res = await server.api.post('/api/v1/webhook-endpoints', { url, events: ['consent.changed'] });
        expect(res.status, url).toBe(400);
        expect(res.body.errors[0].pointer).toBe('#/url');
      }
      expect((await server.api.post('/api/v1/webhook-endpoints', { url: 'https://localhost:8443/psa', events: ['consent.changed'] })).status).toBe(201);
      expect(await server.testStore.store.db.selectFrom('webhook_endpoints').select('url').execute()).toEqual([{ url: 'https://localhost:8443/psa' }]);
    } finally {
      await server.close();
    }
  });
});
