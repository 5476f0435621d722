import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORES } from '../support/stores.js';
import { startServer, type TestServer } from '../support/server.js';

const RECEIVER = 'http://127.0.0.1:9/crm/events';

describe.each(STORES)('contact events written with the change on %s', (kind) => {
  let server: TestServer;
  let organizationId: string;

  beforeAll(async () => {
    server = await startServer(kind, { worker: false });
    organizationId = (await server.api.post('/api/v1/organizations', { name: 'Contacts Out', locale: 'en' })).body.id;
    await server.api.post('/api/v1/webhook-endpoints', { url: RECEIVER, events: ['contact.created', 'contact.updated', 'contact.erased'] });
  });
  afterAll(() => server.close());

  const eventsOf = async (contactId: string) =>
    (await server.testStore.store.db.selectFrom('events').selectAll().where('contact_id', '=', contactId).orderBy('seq').execute()).map((e) => ({
      type: e.type,
      data: JSON.parse(e.data),
      email: e.email === null ? null : 'sealed',
    }));

  it('when a contact is created and corrected, then each is one event naming only what changed', async () => {
    const created = await server.api.post('/api/v1/contacts', { organizationId, email: 'crm1@contacts.example', name: 'Ana' });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect((await server.api.patch(`/api/v1/contacts/${id}`, { name: 'Ana Tremblay', phone: '+1 514 555-0100' })).status).toBe(200);
    expect((await server.api.patch(`/api/v1/contacts/${id}`, { name: 'Ana Tremblay' })).status).toBe(200);
    expect(await eventsOf(id)).toEqual([
      { type: 'contact.created', data: { source: 'admin' }, email: 'sealed' },
      { type: 'contact.updated', data: { changed: ['name', 'phone'] }, email: 'sealed' },
    ]);
  });

  it('when contacts are imported, then each new one and each corrected one is one event', async () => {
    const existing = (await server.api.post('/api/v1/contacts', { organizationId, email: 'crm2@contacts.example', name: 'Old name' })).body.id;
    const csv = ['email,name,locale,organizationId', `crm2@contacts.example,New name,,${organizationId}`, `crm3@contacts.example,Bea,,${organizationId}`].join('\n');
    const report = await server.api.request('POST', '/api/v1/contacts/import', { body: csv, contentType: 'text/csv' });
    expect(report.body).toMatchObject({ created: 1, updated: 1 });
    expect((await eventsOf(existing)).slice(1)).toEqual([{ type: 'contact.updated', data: { changed: ['name'] }, email: 'sealed' }]);
    const fresh = (await server.api.get('/api/v1/contacts?email=crm3%40contacts.example')).body.items[0].id;
    expect(await eventsOf(fresh)).toEqual([{ type: 'contact.created', data: { source: 'import' }, email: 'sealed' }]);
  });

  it('when a contact is erased, then the event says so with nothing personal, and no copy of its address is left', async () => {
    const id = (await server.api.post('/api/v1/contacts', { organizationId, email: 'crm4@contacts.example' })).body.id;
    expect((await server.api.delete(`/api/v1/contacts/${id}`)).status).toBe(200);
    expect(await eventsOf(id)).toEqual([
      { type: 'contact.created', data: { source: 'admin' }, email: null },
      { type: 'contact.erased', data: {}, email: null },
    ]);
    const erased = await server.testStore.store.db.selectFrom('events').select('organization_id').where('contact_id', '=', id).where('type', '=', 'contact.erased').executeTakeFirstOrThrow();
    expect(erased.organization_id).toBe(organizationId);
  });
});
