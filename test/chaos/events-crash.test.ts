import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { STORES, createTestStore, type TestStore } from '../support/stores.js';
import { startChildServer, type ChildServer } from '../support/child-server.js';
import { eventually } from '../support/mail.js';
import { verifySignature } from '../../server/crypto/webhook-signature.js';

describe.each(STORES)('kill -9 while an event is being delivered on %s', (kind) => {
  let testStore: TestStore;
  let receiver: http.Server;
  const children: ChildServer[] = [];
  afterEach(async () => {
    for (const c of children.splice(0)) c.child.kill('SIGKILL');
    receiver?.closeAllConnections();
    await new Promise((r) => receiver?.close(r));
    await testStore?.drop();
  });

  it('when the process is killed mid-delivery and another starts, then every event arrives, in order, none lost', async () => {
    testStore = await createTestStore(kind);
    let secret = '';
    const arrivals: { contactId: string; id: string }[] = [];
    let requests = 0;
    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        requests += 1;
        // The first delivery never gets an answer: the process is killed while it waits.
        if (requests === 1) return;
        const body = Buffer.concat(chunks);
        if (!verifySignature(req.headers['x-signature'] as string, body, secret)) return res.writeHead(401).end();
        const event = JSON.parse(body.toString()) as { id: string; data: { contactId: string } };
        arrivals.push({ contactId: event.data.contactId, id: event.id });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/events`;
    const env = { SEND_LEASE_MS: '1500', WEBHOOK_TIMEOUT_MS: '1000', WEBHOOK_RETRY_BASE_MS: '100' };

    const first = await startChildServer(testStore, env);
    children.push(first);
    const organizationId = (await first.api.post('/api/v1/organizations', { name: 'Crash' })).body.id;
    const endpoint = await first.api.post('/api/v1/webhook-endpoints', { url, events: ['consent.changed'] });
    secret = endpoint.body.secret;
    const people: string[] = [];
    for (let i = 0; i < 5; i += 1) people.push((await first.api.post('/api/v1/contacts', { organizationId, email: `crash${i}@events.example` })).body.id);
    for (const id of people) expect((await first.api.put(`/api/v1/contacts/${id}/preferences`, { marketing: { subscribed: true, basis: 'express' } })).status).toBe(200);

    await eventually(async () => requests, (n) => n >= 1, 10_000);
    first.child.kill('SIGKILL');
    expect(await first.exited).toBeNull();
    expect(arrivals).toEqual([]);

    const second = await startChildServer(testStore, env);
    children.push(second);
    await eventually(async () => arrivals.length, (n) => n >= people.length, 30_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(arrivals.map((a) => a.contactId)).toEqual(people);
    expect(new Set(arrivals.map((a) => a.id)).size).toBe(people.length);
    const states = await testStore.store.db.selectFrom('event_deliveries').select('status').execute();
    expect(states.map((s) => s.status)).toEqual(people.map(() => 'delivered'));
  });
});
