import { afterEach, describe, expect, it } from 'vitest';
import { STORES, createTestStore, type TestStore } from '../support/stores.js';
import { startChildServer, type ChildServer } from '../support/child-server.js';
import { eventually } from '../support/mail.js';
import { psa } from '../support/receiver.js';

describe.each(STORES)('kill -9 while an event is being delivered on %s', (kind) => {
  let testStore: TestStore;
  let receiver: Awaited<ReturnType<typeof psa>> | undefined;
  const children: ChildServer[] = [];
  afterEach(async () => {
    for (const c of children.splice(0)) c.child.kill('SIGKILL');
    await receiver?.close();
    await testStore?.drop();
  });

  it('when the process is killed mid-delivery and another starts, then every event arrives, in order, none lost', async () => {
    testStore = await createTestStore(kind);
    receiver = await psa();
    // The first delivery never gets an answer: the process is killed while it waits.
    receiver.answering((attempt) => (attempt === 1 ? 'hang' : 204));
    const { url, received: arrivals } = receiver;
    const env = { SEND_LEASE_MS: '1500', WEBHOOK_TIMEOUT_MS: '1000', WEBHOOK_RETRY_BASE_MS: '100' };

    const first = await startChildServer(testStore, env);
    children.push(first);
    const organizationId = (await first.api.post('/api/v1/organizations', { name: 'Crash' })).body.id;
    const endpoint = await first.api.post('/api/v1/webhook-endpoints', { url, events: ['consent.changed'] });
    receiver.secret = endpoint.body.secret;
    const people: string[] = [];
    for (let i = 0; i < 5; i += 1) people.push((await first.api.post('/api/v1/contacts', { organizationId, email: `crash${i}@events.example` })).body.id);
    for (const id of people) expect((await first.api.put(`/api/v1/contacts/${id}/preferences`, { marketing: { subscribed: true, basis: 'express' } })).status).toBe(200);

    await eventually(async () => receiver!.attempts(), (n) => n >= 1, 10_000);
    first.child.kill('SIGKILL');
    expect(await first.exited).toBeNull();
    expect(arrivals).toEqual([]);

    const second = await startChildServer(testStore, env);
    children.push(second);
    await eventually(async () => arrivals.length, (n) => n >= people.length, 30_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(arrivals.map((a) => a.data['contactId'])).toEqual(people);
    expect(new Set(arrivals.map((a) => a.id)).size).toBe(people.length);
    const states = await testStore.store.db.selectFrom('event_deliveries').select('status').execute();
    expect(states.map((s) => s.status)).toEqual(people.map(() => 'delivered'));
  });
});
