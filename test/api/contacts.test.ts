import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORES } from '../support/stores.js';
import { startServer, seedContact, type TestServer } from '../support/server.js';

describe.each(STORES)('contacts API on %s', (kind) => {
  let server: TestServer;
  let organizationId: string;
  const countContacts = async () =>
    Number((await server.testStore.store.db.selectFrom('contacts').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    server = await startServer(kind);
    organizationId = (await server.api.post('/api/v1/organizations', { name: 'Clinique Lavoie', locale: 'fr' })).body.id;
  });
  afterAll(() => server.close());

  it('when a contact is created, then it answers 201 with the contract shape and default preferences', async () => {
    const res = await server.api.post('/api/v1/contacts', { organizationId, email: 'Marie.Lavoie@Clinique.CA', name: 'Marie Lavoie' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      organizationId,
      email: 'marie.lavoie@clinique.ca',
      name: 'Marie Lavoie',
      phone: null,
      jobTitle: null,
      locale: 'fr', // the organization's
      orgLead: false,
      preferences: { 'ticket-updates': true, invoices: true, 'security-advisories': true, 'service-alerts': true, marketing: false },
      lockedCategories: [],
      advisoryThreshold: 'all',
      ticketDelivery: 'immediate',
    });
    const read = await server.api.get(`/api/v1/contacts/${res.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(res.body);
    // Personal data: no browser or proxy may keep a copy.
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(read.headers.get('cache-control')).toBe('no-store');
  });

  it('when the same email comes again in other letter case, then 409 and nothing is added', async () => {
    const before = await countContacts();
    const res = await server.api.post('/api/v1/contacts', { organizationId, email: 'MARIE.LAVOIE@clinique.ca' });
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 409, title: expect.any(String), type: expect.any(String) });
    expect(await countContacts()).toBe(before);
  });

  it('when the organization is unknown, then 400 naming organizationId', async () => {
    const res = await server.api.post('/api/v1/contacts', { organizationId: '00000000-0000-4000-8000-000000000000', email: 'x@example.com' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ pointer: '#/organizationId', detail: expect.any(String) }]);
  });

  it.each([
    ['malformed JSON', { body: '{"organizationId": "x", "email": ', contentType: 'application/json' }, 400],
    ['a JSON array', { body: '[]', contentType: 'application/json' }, 400],
    ['wrong types', { json: { organizationId: 42, email: ['a@b.c'], name: false } }, 400],
    ['unknown fields', { json: { organizationId: 'x', email: 'y@example.com', isAdmin: true } }, 400],
    ['form encoding instead of JSON', { body: 'email=a@b.c', contentType: 'application/x-www-form-urlencoded' }, 415],
    ['no content type', { body: '{}' }, 415],
    ['a 10 MB body', { body: JSON.stringify({ name: 'x'.repeat(10 * 1024 * 1024) }), contentType: 'application/json' }, 413],
    ['a name with a line break', { json: { organizationId: 'x', email: 'z@example.com', name: 'A\r\nBcc: evil@x.com' } }, 400],
  ])('when the body has $0, then a clear $2 problem and nothing changes', async (_what, options, status) => {
    const before = await countContacts();
    const res = await server.api.request('POST', '/api/v1/contacts', options);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status, title: expect.any(String) });
    expect(await countContacts()).toBe(before);
  });

  it('when a field is wrong, then the problem names each field by JSON pointer', async () => {
    const res = await server.api.post('/api/v1/contacts', { organizationId: 42, email: 'a@example.com', locale: 'de', extra: 1 });
    expect(res.status).toBe(400);
    const pointers = (res.body.errors as { pointer: string }[]).map((e) => e.pointer).sort();
    expect(pointers).toEqual(['#/extra', '#/locale', '#/organizationId']);
  });

  it('when strings look like SQL, then they are stored verbatim and harm nothing', async () => {
    const name = "Robert'); DROP TABLE contacts;--";
    const res = await server.api.post('/api/v1/contacts', { organizationId, email: 'bobby@example.com', name });
    expect(res.status).toBe(201);
    expect((await server.api.get(`/api/v1/contacts/${res.body.id}`)).body.name).toBe(name);
    const lookup = await server.api.get(`/api/v1/contacts?email=${encodeURIComponent("' OR 1=1 --@example.com")}`);
    expect(lookup.status).toBe(400);
    expect(await countContacts()).toBeGreaterThan(1);
  });

  it('when the domain is internationalized, then it is accepted and stored in ASCII form', async () => {
    const res = await server.api.post('/api/v1/contacts', { organizationId, email: 'Info@Café-Québec.ca' });
    expect(res.status).toBe(201);
    expect(res.body.email).toBe('info@xn--caf-qubec-d4ad.ca');
    const again = await server.api.post('/api/v1/contacts', { organizationId, email: 'info@xn--caf-qubec-d4ad.ca' });
    expect(again.status).toBe(409);
  });

  it('when the local part is not ASCII, then 400 with the reason', async () => {
    const res = await server.api.post('/api/v1/contacts', { organizationId, email: 'élise@example.com' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ pointer: '#/email', detail: expect.stringMatching(/not supported/) });
  });

  it('when contacts are looked up by email or organization, then pages follow the cursor', async () => {
    const org = (await server.api.post('/api/v1/organizations', { name: 'Paged Inc.' })).body.id;
    for (let i = 0; i < 5; i++) {
      expect((await server.api.post('/api/v1/contacts', { organizationId: org, email: `p${i}@paged.example` })).status).toBe(201);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: { email: string }[]; nextCursor: string | null } } = await server.api.get(
        `/api/v1/contacts?organizationId=${org}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((c) => c.email));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual([0, 1, 2, 3, 4].map((i) => `p${i}@paged.example`));

    const byEmail = await server.api.get(`/api/v1/contacts?email=${encodeURIComponent('P3@PAGED.example')}`);
    expect(byEmail.body.items.map((c: { email: string }) => c.email)).toEqual(['p3@paged.example']);
    expect((await server.api.get('/api/v1/contacts?limit=0')).status).toBe(400);
    expect((await server.api.get('/api/v1/contacts?sort=email')).status).toBe(400);
  });

  it('when a contact is corrected, then the fields change and a taken email is 409', async () => {
    const { contact } = await seedContact(server.api, 'patch-me@example.com');
    const res = await server.api.patch(`/api/v1/contacts/${contact.id}`, {
      name: 'Ana T.',
      phone: '+1 514 555 0100',
      jobTitle: 'Office manager',
      locale: 'fr',
      email: 'Ana.New@Example.com',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'Ana T.', phone: '+1 514 555 0100', jobTitle: 'Office manager', locale: 'fr', email: 'ana.new@example.com' });
    const taken = await server.api.patch(`/api/v1/contacts/${contact.id}`, { email: 'marie.lavoie@clinique.ca' });
    expect(taken.status).toBe(409);
    expect((await server.api.get(`/api/v1/contacts/${contact.id}`)).body.email).toBe('ana.new@example.com');
    expect((await server.api.patch(`/api/v1/contacts/${contact.id}`, {})).status).toBe(400);
  });

  it('when an id is unknown or not an id, then 404', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'nope', "1' OR '1'='1"]) {
      expect((await server.api.get(`/api/v1/contacts/${encodeURIComponent(id)}`)).status).toBe(404);
      expect((await server.api.patch(`/api/v1/contacts/${encodeURIComponent(id)}`, { name: 'x' })).status).toBe(404);
      expect((await server.api.put(`/api/v1/contacts/${encodeURIComponent(id)}/preferences`, { marketing: true })).status).toBe(404);
    }
  });

  it('when an id holds characters no header may carry (a euro sign, CR/LF, NUL), then every route taking an id answers 404, never a 5xx', async () => {
    for (const id of ['%E2%82%AC', 'a%0D%0ASet-Cookie:%20x=1', '%00', '..%2F..']) {
      for (const [method, path] of [
        ['GET', `/api/v1/contacts/${id}`],
        ['GET', `/api/v1/contacts/${id}/export`],
        ['GET', `/api/v1/contacts/${id}/consent-history`],
        ['DELETE', `/api/v1/contacts/${id}`],
        ['GET', `/api/v1/organizations/${id}`],
        ['DELETE', `/api/v1/api-keys/${id}`],
        ['GET', `/api/v1/messages/${id}`],
      ] as const) {
        const res = await server.api.request(method, path);
        expect(res.status, `${method} ${path}`).toBe(404);
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      }
    }
  });

  it('when a contact is exported and erased, then the export holds its history and it then answers 404', async () => {
    const { contact } = await seedContact(server.api, 'erase-me@example.com');
    await server.api.put(`/api/v1/contacts/${contact.id}/preferences`, { marketing: true });
    const exported = await server.api.get(`/api/v1/contacts/${contact.id}/export`);
    expect(exported.status).toBe(200);
    expect(exported.body.contact.email).toBe('erase-me@example.com');
    expect(exported.body.consentHistory).toHaveLength(6);
    const erased = await server.api.delete(`/api/v1/contacts/${contact.id}`);
    expect(erased.status).toBe(200);
    expect(erased.body.erased).toContain('email');
    expect(erased.body.kept[0].data).toBe('consent-history');
    expect((await server.api.get(`/api/v1/contacts/${contact.id}`)).status).toBe(404);
    expect((await server.api.get(`/api/v1/contacts/${contact.id}/export`)).status).toBe(404);
    const history = await server.testStore.store.db.selectFrom('consent_history').selectAll().where('contact_id', '=', contact.id).execute();
    expect(history).toHaveLength(6);
  });
});
