import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORES } from '../support/stores.js';
import { startServer, type TestServer } from '../support/server.js';

describe.each(STORES)('CSV import on %s', (kind) => {
  let server: TestServer;
  let org: string;
  let otherOrg: string;
  const importCsv = (body: string | Buffer, contentType = 'text/csv') =>
    server.api.request('POST', '/api/v1/contacts/import', { body, contentType });
  const count = async () =>
    Number((await server.testStore.store.db.selectFrom('contacts').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    server = await startServer(kind);
    org = (await server.api.post('/api/v1/organizations', { name: 'Import Co', locale: 'fr' })).body.id;
    otherOrg = (await server.api.post('/api/v1/organizations', { name: 'Other Co' })).body.id;
  });
  afterAll(() => server.close());

  it('when a file has a column per category, then each cell sets that category and its basis, recorded with source import; bad cells reject their row', async () => {
    const recent = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
    const csv = [
      'email,name,locale,organizationId,marketing,security-advisories,invoices',
      `basis1@import.example,B1,en,${org},express,implied-inquiry:${recent},off`,
      `basis2@import.example,B2,en,${org},,b2b,`,
      `basis3@import.example,B3,en,${org},implied-relationship,,`,
      `basis4@import.example,B4,en,${org},,implied-inquiry:2020-01-01,`,
      `basis5@import.example,B5,en,${org},,implied-inquiry:2026-02-30,`,
      `basis6@import.example,B6,en,${org},,exempt:${recent},`,
      `basis7@import.example,B7,en,${org},,sometimes,`,
    ].join('\n');
    const res = await importCsv(csv);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 2, rejected: 5, ignoredColumns: [] });
    expect(res.body.errors).toEqual([
      { line: 4, field: 'marketing', reason: 'This category is sent only with express consent.' },
      { line: 5, field: 'security-advisories', reason: expect.stringMatching(/^Implied consent from 2020-01-01 lapsed on 2020-07-01/) },
      { line: 6, field: 'security-advisories', reason: 'The start date must be a real day, YYYY-MM-DD.' },
      { line: 7, field: 'security-advisories', reason: 'Only an implied basis has a start date.' },
      { line: 8, field: 'security-advisories', reason: expect.stringMatching(/^Use off, on, or a basis/) },
    ]);
    const first = (await server.api.get('/api/v1/contacts?email=basis1@import.example')).body.items[0];
    expect(first.preferences).toMatchObject({ marketing: true, 'security-advisories': true, invoices: false });
    const changes = (await server.api.get(`/api/v1/contacts/${first.id}/consent-history`)).body.slice(5);
    expect(changes).toEqual([
      { category: 'invoices', subscribed: false, source: 'import', at: expect.any(String), basis: 'exempt', basisSince: null, wordingVersion: null, wordingLocale: null },
      { category: 'security-advisories', subscribed: true, source: 'import', at: expect.any(String), basis: 'implied-inquiry', basisSince: new Date(recent).toISOString(), wordingVersion: null, wordingLocale: null },
      { category: 'marketing', subscribed: true, source: 'import', at: expect.any(String), basis: 'express', basisSince: null, wordingVersion: null, wordingLocale: null },
    ]);

    // The same file again for an existing contact: a consent cell that changes something counts as an update.
    const again = await importCsv(['email,name,locale,organizationId,marketing', `basis2@import.example,B2,en,${org},express`].join('\n'));
    expect(again.body).toMatchObject({ created: 0, updated: 1, unchanged: 0, rejected: 0 });
    const unchanged = await importCsv(['email,name,locale,organizationId,marketing', `basis2@import.example,B2,en,${org},express`].join('\n'));
    expect(unchanged.body).toMatchObject({ created: 0, updated: 0, unchanged: 1, rejected: 0 });
  });

  it('when a file has a bad email on line 5, then that line is reported and the others imported with source import', async () => {
    const csv = [
      'email,name,locale,organizationId',
      `one@import.example,One,en,${org}`,
      `two@import.example,Two,,${org}`,
      `three@import.example,"Three, Jr.",fr,${org}`,
      `not-an-email,Bad,en,${org}`,
      `four@import.example,Four,de,${org}`,
      `five@import.example,Five,en,00000000-0000-4000-8000-000000000000`,
      `ONE@import.example,Dup,en,${org}`,
    ].join('\n');
    const res = await importCsv(csv);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 3, updated: 0, unchanged: 0, rejected: 4 });
    expect(res.body.errors).toEqual([
      { line: 5, field: 'email', reason: expect.any(String) },
      { line: 6, field: 'locale', reason: expect.any(String) },
      { line: 7, field: 'organizationId', reason: expect.any(String) },
      { line: 8, field: 'email', reason: 'The same address is on line 2.' },
    ]);
    const found = await server.api.get(`/api/v1/contacts?email=two@import.example`);
    const two = found.body.items[0];
    expect(two).toMatchObject({ name: 'Two', locale: 'fr', organizationId: org });
    const history = (await server.api.get(`/api/v1/contacts/${two.id}/consent-history`)).body;
    expect(history.length).toBeGreaterThan(0);
    expect(history.every((h: { source: string }) => h.source === 'import')).toBe(true);
    expect((await server.api.get(`/api/v1/contacts?email=three@import.example`)).body.items[0].name).toBe('Three, Jr.');
  });

  it('when the same contacts come again, then they are updated or left unchanged, never duplicated', async () => {
    const before = await count();
    const csv = `email,name,locale,organizationId\none@import.example,One Renamed,,${org}\ntwo@import.example,,,${org}\n`;
    const res = await importCsv(csv);
    expect(res.body).toMatchObject({ created: 0, updated: 1, unchanged: 1, rejected: 0 });
    expect(await count()).toBe(before);
    const one = (await server.api.get('/api/v1/contacts?email=one@import.example')).body.items[0];
    expect(one.name).toBe('One Renamed');
    const moved = await importCsv(`email,name,locale,organizationId\none@import.example,x,,${otherOrg}\n`);
    expect(moved.body.errors).toEqual([{ line: 2, field: 'organizationId', reason: expect.stringMatching(/another organization/) }]);
  });

  it('when the file has Windows line endings and a byte-order mark, then it imports the same', async () => {
    const csv = `\uFEFFemail,name,locale,organizationId\r\nbom@import.example,Bom,en,${org}\r\ncrlf@import.example,Crlf,fr,${org}\r\n`;
    const res = await importCsv(Buffer.from(csv, 'utf8'), 'text/csv; charset=utf-8');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 2, rejected: 0, ignoredColumns: [] });
    expect((await server.api.get('/api/v1/contacts?email=crlf@import.example')).body.items[0].name).toBe('Crlf');
  });

  it.each([
    ['an empty file', ''],
    ['only a byte-order mark', '\uFEFF'],
    ['a header and no rows', 'email,name,locale,organizationId\n'],
    ['a missing column', 'email,name,locale\nmissing@import.example,M,en\n'],
    ['an unclosed quote', `email,name,locale,organizationId\n"broken@import.example,M,en,x\n`],
  ])('when the file is %s, then 400 and nothing is imported', async (_what, csv) => {
    const before = await count();
    const res = await importCsv(csv);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: 400, detail: expect.any(String) });
    expect(await count()).toBe(before);
  });

  it('when the header lacks organizationId, then the problem names the column', async () => {
    const res = await importCsv('email,name,locale\na@b.example,A,en\n');
    expect(res.body.detail).toMatch(/organizationId/);
  });

  it('when the body is JSON, then 415', async () => {
    const res = await server.api.post('/api/v1/contacts/import', { email: 'x@example.com' });
    expect(res.status).toBe(415);
  });

  it('when 10,000 rows come in one request, then all are imported', async () => {
    const big = await server.api.post('/api/v1/organizations', { name: 'Big Co' });
    const rows = Array.from({ length: 10_000 }, (_, i) => `user${i}@big.example,User ${i},en,${big.body.id}`);
    const res = await importCsv(['email,name,locale,organizationId', ...rows].join('\n'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 10_000, rejected: 0 });
    const page = await server.api.get(`/api/v1/contacts?organizationId=${big.body.id}&limit=200`);
    expect(page.body.items).toHaveLength(200);
    expect(page.body.nextCursor).toEqual(expect.any(String));
    const consents = await server.testStore.store.db
      .selectFrom('consents')
      .innerJoin('contacts', 'contacts.id', 'consents.contact_id')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('contacts.organization_id', '=', big.body.id)
      .executeTakeFirstOrThrow();
    expect(Number(consents.n)).toBe(50_000);
  });
});
