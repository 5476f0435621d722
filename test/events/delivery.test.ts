import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_URL, STORES } from '../support/stores.js';
import { startServer, type TestServer } from '../support/server.js';
import { eventually } from '../support/mail.js';
import { psa, type Received } from '../support/receiver.js';
import { verifySignature } from '../../server/crypto/webhook-signature.js';
import { openStore } from '../../server/store/db.js';
import { boot } from '../../server/boot.js';

const METRICS_TOKEN = 'metrics-token-for-the-events-tests-0123';

describe.each(STORES)('events delivered to an MSP’s receiver on %s', (kind) => {
  let server: TestServer;
  let receiver: Awaited<ReturnType<typeof psa>>;
  let organizationId: string;
  let endpointId: string;
  let serial = 0;

  beforeAll(async () => {
    server = await startServer(kind, { worker: true, env: { WEBHOOK_RETRY_BASE_MS: '50', WEBHOOK_TIMEOUT_MS: '300', METRICS_TOKEN } });
    receiver = await psa();
    organizationId = (await server.api.post('/api/v1/organizations', { name: 'Delivered Inc.', locale: 'en' })).body.id;
    const endpoint = await server.api.post('/api/v1/webhook-endpoints', { url: receiver.url, events: ['consent.changed'], organizationId, includeEmail: true });
    endpointId = endpoint.body.id;
    receiver.secret = endpoint.body.secret;
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
  });

  async function contact(): Promise<{ id: string; email: string }> {
    const email = `person${(serial += 1)}@delivered.example`;
    const res = await server.api.post('/api/v1/contacts', { organizationId, email });
    return { id: res.body.id, email };
  }
  const oneClick = (contactId: string, category: string) =>
    fetch(`${server.url}/u/${server.services.tokens.link('unsubscribe', contactId, category)}`, {
      method: 'POST',
      body: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });

  it('when consent changes, then the receiver gets each change once, signed, in order, with the address it may receive', async () => {
    const start = receiver.received.length;
    const [a, b] = [await contact(), await contact()];
    expect((await oneClick(a.id, 'service-alerts')).status).toBe(200);
    expect((await server.api.put(`/api/v1/contacts/${b.id}/preferences`, { marketing: { subscribed: true, basis: 'express' } })).status).toBe(200);
    expect((await oneClick(b.id, 'service-alerts')).status).toBe(200);
    await eventually(async () => receiver.received.length, (n) => n >= start + 3, 10_000);
    const got = receiver.received.slice(start);
    expect(got.map((e) => [e.data['contactId'], e.data['category'], e.data['new']])).toEqual([
      [a.id, 'service-alerts', false],
      [b.id, 'marketing', true],
      [b.id, 'service-alerts', false],
    ]);
    expect(got[0]).toEqual({
      id: expect.any(String),
      type: 'consent.changed',
      occurredAt: expect.any(String),
      data: { contactId: a.id, organizationId, email: a.email, category: 'service-alerts', old: true, new: false, source: 'one-click', basis: 'implied-relationship' },
    });
    expect(new Set(got.map((e) => e.id)).size).toBe(3);
    expect(receiver.refused).toEqual([]);
  });

  it('when the receiver fails for a while or hangs, then each event is retried and still arrives in order', async () => {
    const start = receiver.received.length;
    receiver.answering((attempt) => (attempt === 1 ? 'hang' : attempt <= 4 ? 500 : 200));
    const people = [await contact(), await contact(), await contact()];
    for (const person of people) expect((await oneClick(person.id, 'service-alerts')).status).toBe(200);
    await eventually(async () => receiver.received.length, (n) => n >= start + 3, 15_000);
    expect(receiver.received.slice(start).map((e) => e.data['contactId'])).toEqual(people.map((p) => p.id));
    expect(receiver.attempts()).toBe(7);
    const first = await server.testStore.store.db
      .selectFrom('event_deliveries')
      .innerJoin('events', 'events.seq', 'event_deliveries.event_seq')
      .select(['event_deliveries.attempts', 'event_deliveries.status', 'event_deliveries.last_status_code'])
      .where('events.contact_id', '=', people[0]!.id)
      .executeTakeFirstOrThrow();
    expect(first).toEqual({ attempts: 5, status: 'delivered', last_status_code: 200 });
    receiver.answering(() => 200);
  });

  it('when the receiver was down for a day, then once it answers again the day’s events arrive by themselves, in order, and the endpoint is healthy again', async () => {
    const { db } = server.testStore.store;
    const start = receiver.received.length;
    receiver.answering(() => 503);
    const people = [await contact(), await contact(), await contact()];
    for (const person of people) expect((await oneClick(person.id, 'service-alerts')).status).toBe(200);
    await eventually(async () => (await server.api.get(`/api/v1/webhook-endpoints/${endpointId}`)).body.state, (state) => state === 'failing', 10_000);
    // A day of failures, as they stand after it: failing since yesterday, tried every hour at most.
    const dayAgo = new Date(Date.now() - 86_400_000).toISOString();
    await db.updateTable('webhook_endpoints').set({ failing_since: dayAgo }).where('id', '=', endpointId).execute();
    await db.updateTable('event_deliveries').set({ attempts: 28, next_attempt_at: new Date(Date.now() + 1_000).toISOString() }).where('endpoint_id', '=', endpointId).where('status', '=', 'pending').execute();
    receiver.answering(() => 200);
    await eventually(async () => receiver.received.length, (n) => n >= start + 3, 10_000);
    expect(receiver.received.slice(start).map((e) => e.data['contactId'])).toEqual(people.map((p) => p.id));
    expect((await server.api.get(`/api/v1/webhook-endpoints/${endpointId}`)).body).toMatchObject({ enabled: true, state: 'enabled', failingSince: null });
  });

  it('when an admin looks at the deliveries and replays one, then each shows its attempts and answer, and the replay arrives again', async () => {
    const start = receiver.received.length;
    receiver.answering((attempt) => (attempt === 1 ? 502 : 200));
    await contact();
    const person = await contact();
    expect((await oneClick(person.id, 'service-alerts')).status).toBe(200);
    await eventually(async () => receiver.received.length, (n) => n >= start + 1, 10_000);
    const eventId = receiver.received.at(-1)!.id;

    const list = await server.api.get(`/api/v1/webhook-endpoints/${endpointId}/deliveries?limit=1`);
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([
      {
        eventId,
        type: 'consent.changed',
        occurredAt: expect.any(String),
        status: 'delivered',
        attempts: 2,
        lastAttemptAt: expect.any(String),
        lastStatusCode: 200,
        lastError: null,
        lastLatencyMs: expect.any(Number),
        nextAttemptAt: null,
        deliveredAt: expect.any(String),
      },
    ]);

    expect((await server.api.post(`/api/v1/webhook-endpoints/${endpointId}/deliveries/${eventId}/replay`, {})).status).toBe(202);
    await eventually(async () => receiver.received.length, (n) => n >= start + 2, 10_000);
    expect(receiver.received.at(-1)!.id).toBe(eventId);
    expect((await server.api.post(`/api/v1/webhook-endpoints/${endpointId}/deliveries/00000000-0000-4000-8000-000000000000/replay`, {})).status).toBe(404);
    expect((await server.api.get(`/api/v1/webhook-endpoints/00000000-0000-4000-8000-000000000000/deliveries`)).status).toBe(404);
    expect((await server.api.get(`/api/v1/webhook-endpoints/${endpointId}/deliveries?limit=0`)).status).toBe(400);
  });

  it('when an endpoint has failed for 3 days without one success, then it is disabled and says why, in its state, the audit log, the error log and the metrics', async () => {
    const { db } = server.testStore.store;
    receiver.answering(() => 503);
    await db.updateTable('webhook_endpoints').set({ failing_since: new Date(Date.now() - 3 * 86_400_000 - 60_000).toISOString() }).where('id', '=', endpointId).execute();
    await contact();
    const person = await contact();
    expect((await oneClick(person.id, 'service-alerts')).status).toBe(200);
    await eventually(async () => (await server.api.get(`/api/v1/webhook-endpoints/${endpointId}`)).body.enabled, (enabled) => enabled === false, 10_000);
    const endpoint = (await server.api.get(`/api/v1/webhook-endpoints/${endpointId}`)).body;
    expect(endpoint.disabledReason).toMatch(/^Disabled after failing since .* without one success/);
    expect(endpoint).toMatchObject({ state: 'disabled', failingSince: expect.any(String) });
    const audit = (await server.api.get(`/api/v1/audit-log?action=${encodeURIComponent('webhook endpoint disabled')}`)).body.items;
    expect(audit).toEqual([expect.objectContaining({ keyId: null, action: 'webhook endpoint disabled', target: endpointId, detail: endpoint.disabledReason })]);
    const metrics = await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    expect(metrics).toMatch(/^webhook_endpoints\{state="disabled"\} 1$/m);
    expect(metrics).toMatch(/^webhook_deliveries_total\{outcome="failed"\} [1-9]/m);
    expect(server.logs.some((line) => line.includes('webhook endpoint disabled after failing for too long'))).toBe(true);
    receiver.answering(() => 200);
  });
});

describe('two event dispatchers on PostgreSQL', () => {
  it('when two processes’ dispatchers share the endpoints, then every event reaches its endpoint once, in order', async () => {
    const got = new Map<string, string[]>();
    const secrets = new Map<string, string>();
    const bad: string[] = [];
    const receiverServer = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        if (!verifySignature(req.headers['x-signature'] as string, body, secrets.get(req.url!) ?? '')) bad.push(req.url!);
        const list = got.get(req.url!) ?? [];
        list.push((JSON.parse(body.toString()) as Received).data['contactId'] as string);
        got.set(req.url!, list);
        // Slow enough that both dispatchers are busy at once.
        setTimeout(() => res.writeHead(200).end(), 5);
      });
    });
    await new Promise<void>((r) => receiverServer.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(receiverServer.address() as AddressInfo).port}`;
    const server = await startServer('postgres', { worker: false });
    const second = await openStore({ url: PG_URL, pgSchema: server.testStore.pgSchema! });
    try {
      const organizationId = (await server.api.post('/api/v1/organizations', { name: 'Shared' })).body.id;
      for (const path of ['/a', '/b', '/c', '/d']) {
        const created = await server.api.post('/api/v1/webhook-endpoints', { url: `${base}${path}`, events: ['consent.changed'] });
        secrets.set(path, created.body.secret);
      }
      const people: string[] = [];
      for (let i = 0; i < 12; i += 1) people.push((await server.api.post('/api/v1/contacts', { organizationId, email: `shared${i}@events.example` })).body.id);
      for (const id of people) expect((await server.api.put(`/api/v1/contacts/${id}/preferences`, { marketing: { subscribed: true, basis: 'express' } })).status).toBe(200);

      const { services: other } = await boot({ env: { ...server.env, LOG_LEVEL: 'silent' }, store: second, renderer: server.services.renderer });
      // Each dispatcher's share of the work, counted as it goes.
      const served = [server.services.dispatcher, other.dispatcher].map((dispatcher) => {
        const tally = { deliveries: 0 };
        const runOnce = dispatcher.runOnce.bind(dispatcher);
        dispatcher.runOnce = async () => {
          const n = await runOnce();
          tally.deliveries += n;
          return n;
        };
        return tally;
      });
      server.services.dispatcher.start();
      other.dispatcher.start();
      await eventually(async () => [...got.values()].reduce((n, l) => n + l.length, 0), (n) => n >= 48, 20_000);
      await new Promise((r) => setTimeout(r, 700));
      await Promise.all([server.services.dispatcher.stop(), other.dispatcher.stop()]);
      expect(bad).toEqual([]);
      for (const path of ['/a', '/b', '/c', '/d']) expect(got.get(path), path).toEqual(people);
      expect(served.map((s) => s.deliveries > 0)).toEqual([true, true]);
      expect(served[0]!.deliveries + served[1]!.deliveries).toBe(48);
    } finally {
      await second.close();
      await server.close();
      receiverServer.closeAllConnections();
      await new Promise((r) => receiverServer.close(r));
    }
  });
});
