import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORES } from '../support/stores.js';
import { startServer, type TestServer } from '../support/server.js';
import { postAdvisory } from '../support/seed.js';

const RECEIVER = 'http://127.0.0.1:9/siem/events';

describe.each(STORES)('coverage and acknowledgment events on %s', (kind) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer(kind, { worker: false });
    await server.api.post('/api/v1/webhook-endpoints', { url: RECEIVER, events: ['coverage.lost', 'advisory.acknowledged'] });
  });
  afterAll(() => server.close());

  const events = (type: string) => server.testStore.store.db.selectFrom('events').selectAll().where('type', '=', type).orderBy('seq').execute();
  async function organizationWithOne(name: string) {
    const organizationId = (await server.api.post('/api/v1/organizations', { name })).body.id;
    const contactId = (await server.api.post('/api/v1/contacts', { organizationId, email: `${name.toLowerCase().replace(/\W/g, '')}@org-events.example` })).body.id;
    return { organizationId, contactId };
  }

  it('when the last person receiving a category at an organization leaves, then coverage.lost names the organization and the category, and no one', async () => {
    const { organizationId, contactId } = await organizationWithOne('Lost Coverage');
    const res = await fetch(`${server.url}/u/${server.services.tokens.link('unsubscribe', contactId, 'service-alerts')}`, {
      method: 'POST',
      body: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(200);
    const lost = (await events('coverage.lost')).filter((e) => e.organization_id === organizationId);
    expect(lost.map((e) => ({ contact: e.contact_id, email: e.email, data: JSON.parse(e.data) }))).toEqual([{ contact: null, email: null, data: { category: 'service-alerts' } }]);
  });

  it('when someone confirms an advisory for their organization, then advisory.acknowledged comes once per action, not again for a colleague', async () => {
    const { organizationId, contactId } = await organizationWithOne('Acknowledging');
    const colleague = (await server.api.post('/api/v1/contacts', { organizationId, email: 'colleague@org-events.example' })).body.id;
    expect((await postAdvisory(server.url, { id: `ADV-events-${kind}`, organizationIds: [organizationId] })).status).toBe(202);
    const advisory = await server.testStore.store.db.selectFrom('fan_outs').select('id').where('external_id', '=', `ADV-events-${kind}`).executeTakeFirstOrThrow();
    await server.services.acknowledgments.acknowledge(contactId, advisory.id, 'applied');
    await server.services.acknowledgments.acknowledge(colleague, advisory.id, 'read');
    const acknowledged = (await events('advisory.acknowledged')).filter((e) => e.organization_id === organizationId);
    expect(acknowledged.map((e) => ({ contact: e.contact_id, data: JSON.parse(e.data) }))).toEqual([
      { contact: contactId, data: { advisoryId: `ADV-events-${kind}`, action: 'applied' } },
      { contact: contactId, data: { advisoryId: `ADV-events-${kind}`, action: 'read' } },
    ]);
  });
});
