import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORES } from '../support/stores.js';
import { startServer, type TestServer } from '../support/server.js';
import { applyRetention } from '../../server/privacy/retention.js';
import { retentionOwners } from '../../server/services.js';

const RECEIVER = 'http://127.0.0.1:9/psa/events';

describe.each(STORES)('consent.changed events written with the change on %s', (kind) => {
  let server: TestServer;
  let orgA: string;
  let orgB: string;
  let everywhere: string;
  let onlyB: string;
  let serial = 0;

  beforeAll(async () => {
    server = await startServer(kind, { worker: false });
    orgA = (await server.api.post('/api/v1/organizations', { name: 'Events A', locale: 'en' })).body.id;
    orgB = (await server.api.post('/api/v1/organizations', { name: 'Events B', locale: 'fr' })).body.id;
    everywhere = (await server.api.post('/api/v1/webhook-endpoints', { url: RECEIVER, events: ['consent.changed'] })).body.id;
    onlyB = (await server.api.post('/api/v1/webhook-endpoints', { url: RECEIVER, events: ['consent.changed'], organizationId: orgB })).body.id;
    // Neither of these wants a consent change: one is disabled, the other asks for something else.
    const disabled = (await server.api.post('/api/v1/webhook-endpoints', { url: RECEIVER, events: ['consent.changed'] })).body.id;
    await server.api.patch(`/api/v1/webhook-endpoints/${disabled}`, { enabled: false });
    await server.api.post('/api/v1/webhook-endpoints', { url: RECEIVER, events: ['contact.created', 'message.bounced'] });
  });
  afterAll(() => server.close());

  const db = () => server.testStore.store.db;
  async function contact(organizationId: string): Promise<string> {
    const res = await server.api.post('/api/v1/contacts', { organizationId, email: `person${(serial += 1)}@events.example` });
    expect(res.status).toBe(201);
    return res.body.id;
  }
  // One endpoint also wants contact.created: only the consent events are looked at here.
  const eventsOf = (contactId: string) => db().selectFrom('events').selectAll().where('contact_id', '=', contactId).where('type', '=', 'consent.changed').orderBy('seq').execute();
  const deliveriesOf = async (seq: number | string) =>
    (await db().selectFrom('event_deliveries').select(['endpoint_id', 'status', 'attempts']).where('event_seq', '=', Number(seq)).execute()).map((d) => d.endpoint_id).sort();
  const oneClick = (contactId: string, category: string) =>
    fetch(`${server.url}/u/${server.services.tokens.link('unsubscribe', contactId, category)}`, {
      method: 'POST',
      body: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });

  it('when a person unsubscribes by one-click while a colleague still receives (one statement), then one event says so, for the endpoints that want it', async () => {
    await contact(orgA); // the colleague
    const person = await contact(orgA);
    expect((await oneClick(person, 'service-alerts')).status).toBe(200);
    const events = await eventsOf(person);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'consent.changed', organization_id: orgA, contact_id: person });
    expect(JSON.parse(events[0]!.data)).toEqual({ category: 'service-alerts', old: true, new: false, source: 'one-click', basis: 'implied-relationship' });
    // The address travels only as the contact row holds it: sealed.
    const { email } = await db().selectFrom('contacts').select('email').where('id', '=', person).executeTakeFirstOrThrow();
    expect(events[0]!.email).toBe(email);
    expect(events[0]!.email).toMatch(/^enc1:/);
    expect(await deliveriesOf(events[0]!.seq)).toEqual([everywhere]);
    const [delivery] = await db().selectFrom('event_deliveries').selectAll().where('event_seq', '=', Number(events[0]!.seq)).execute();
    expect(delivery).toMatchObject({ status: 'pending', attempts: 0, next_attempt_at: events[0]!.occurred_at });

    // A second one-click changes nothing, and says nothing.
    expect((await oneClick(person, 'service-alerts')).status).toBe(200);
    expect(await eventsOf(person)).toHaveLength(1);
  });

  it('when the last receiver unsubscribes (the full change), or an admin changes several categories, then each change is one event', async () => {
    const alone = await contact(orgB);
    expect((await oneClick(alone, 'service-alerts')).status).toBe(200);
    const afterClick = await eventsOf(alone);
    expect(afterClick.map((e) => JSON.parse(e.data))).toEqual([{ category: 'service-alerts', old: true, new: false, source: 'one-click', basis: 'implied-relationship' }]);
    expect(await deliveriesOf(afterClick[0]!.seq)).toEqual([everywhere, onlyB].sort());

    const res = await server.api.put(`/api/v1/contacts/${alone}/preferences`, { marketing: { subscribed: true, basis: 'express' }, 'service-alerts': true, invoices: true });
    expect(res.status).toBe(200);
    const all = (await eventsOf(alone)).map((e) => JSON.parse(e.data));
    expect(all.slice(1).sort((a, b) => a.category.localeCompare(b.category))).toEqual([
      { category: 'marketing', old: false, new: true, source: 'admin', basis: 'express' },
      { category: 'service-alerts', old: false, new: true, source: 'admin', basis: 'implied-relationship' },
    ]);
  });

  it('when a contact is erased, then the copies of its address in its events go with it', async () => {
    await contact(orgA);
    const person = await contact(orgA);
    expect((await oneClick(person, 'service-alerts')).status).toBe(200);
    expect((await eventsOf(person))[0]!.email).toMatch(/^enc1:/);
    expect((await server.api.delete(`/api/v1/contacts/${person}`)).status).toBe(200);
    expect((await eventsOf(person)).map((e) => e.email)).toEqual([null]);
  });

  it('when retention runs, then events delivered over 30 days ago go with their deliveries; one still pending, however old, and recent ones stay', async () => {
    await contact(orgA);
    const [oldDelivered, oldPending, recent] = [await contact(orgA), await contact(orgA), await contact(orgA)];
    for (const person of [oldDelivered, oldPending, recent]) expect((await oneClick(person, 'service-alerts')).status).toBe(200);
    const longAgo = new Date(Date.now() - 40 * 86_400_000).toISOString();
    const seqOf = async (person: string) => Number((await eventsOf(person))[0]!.seq);
    for (const person of [oldDelivered, oldPending]) await db().updateTable('events').set({ occurred_at: longAgo }).where('seq', '=', await seqOf(person)).execute();
    await db().updateTable('event_deliveries').set({ status: 'delivered', delivered_at: longAgo }).where('event_seq', '=', await seqOf(oldDelivered)).execute();
    await db().updateTable('event_deliveries').set({ status: 'delivered', delivered_at: new Date().toISOString() }).where('event_seq', '=', await seqOf(recent)).execute();
    const report = await applyRetention(db(), retentionOwners(server.config.retention));
    expect(report.events).toBeGreaterThanOrEqual(1);
    expect(await eventsOf(oldDelivered)).toEqual([]);
    expect(await eventsOf(oldPending)).toHaveLength(1);
    expect(await deliveriesOf(await seqOf(oldPending))).toEqual([everywhere]);
    expect(await eventsOf(recent)).toHaveLength(1);
    expect(await deliveriesOf(await seqOf(recent))).toEqual([everywhere]);
  });

  it('when no enabled endpoint wants the change, then no event is written', async () => {
    const person = await contact(orgA);
    await server.api.patch(`/api/v1/webhook-endpoints/${everywhere}`, { enabled: false });
    try {
      await contact(orgA);
      expect((await oneClick(person, 'service-alerts')).status).toBe(200);
      expect((await server.api.put(`/api/v1/contacts/${person}/preferences`, { marketing: { subscribed: true, basis: 'express' } })).status).toBe(200);
      expect(await eventsOf(person)).toEqual([]);
    } finally {
      await server.api.patch(`/api/v1/webhook-endpoints/${everywhere}`, { enabled: true });
    }
  });
});
