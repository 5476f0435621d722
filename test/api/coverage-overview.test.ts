// Every organization's coverage in one call (the console's list): contacts, receivers per covered
// category, open losses; the same roles as one organization's coverage.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORES } from '../support/stores.js';
import { startServer, type TestServer } from '../support/server.js';

describe.each(STORES)('the coverage of every organization on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(kind);
  });
  afterAll(() => server.close());

  it('when organizations have contacts, opt-outs and none at all, then each shows its contacts and who receives each category, as its own coverage says', async () => {
    const organization = async (name: string) => (await server.api.post('/api/v1/organizations', { name })).body.id as string;
    const covered = await organization('Bureau Comptable Gagnon');
    const empty = await organization('Atelier Vide');
    const left = await organization('Clinique Sans Factures');
    for (const email of ['a@gagnon.example', 'b@gagnon.example']) expect((await server.api.post('/api/v1/contacts', { organizationId: covered, email })).status).toBe(201);
    const only = (await server.api.post('/api/v1/contacts', { organizationId: left, email: 'only@sans.example' })).body;
    expect((await server.api.put(`/api/v1/contacts/${only.id}/preferences`, { invoices: false })).status).toBe(200);

    const res = await server.api.get('/api/v1/coverage');
    expect(res.status).toBe(200);
    expect(res.body.items.map((row: { organizationId: string }) => row.organizationId)).toEqual([empty, covered, left]);
    const row = (id: string) => res.body.items.find((r: { organizationId: string }) => r.organizationId === id);
    expect(row(covered)).toEqual({
      organizationId: covered,
      contacts: 2,
      openLosses: 0,
      categories: [
        { category: 'invoices', receivers: 2, covered: true },
        { category: 'service-alerts', receivers: 2, covered: true },
        { category: 'security-advisories', receivers: 2, covered: true },
      ],
    });
    expect(row(empty)).toMatchObject({ contacts: 0, categories: expect.arrayContaining([{ category: 'invoices', receivers: 0, covered: false }]) });
    expect(row(left)).toMatchObject({ contacts: 1, openLosses: 1, categories: expect.arrayContaining([{ category: 'invoices', receivers: 0, covered: false }]) });
    for (const id of [covered, empty, left]) {
      expect(row(id).categories).toEqual((await server.api.get(`/api/v1/organizations/${id}/coverage`)).body.categories);
    }
  });

  it('when support or a sender asks, then support may and a sender gets 403, as for one organization’s coverage', async () => {
    const keyOf = async (role: string) => (await server.api.post('/api/v1/api-keys', { name: role, role })).body.key as string;
    expect((await server.api.as(await keyOf('support')).get('/api/v1/coverage')).status).toBe(200);
    expect((await server.api.as(await keyOf('sender')).get('/api/v1/coverage')).status).toBe(403);
  });
});
