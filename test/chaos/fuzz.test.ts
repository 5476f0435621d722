import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORES } from '../support/stores.js';
import { startServer, WEBHOOK_SECRET, type TestServer } from '../support/server.js';
import { signatureHeader } from '../../server/crypto/webhook-signature.js';

const HOSTILE = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  'a\r\nBcc: victim@evil.example',
  "' OR 1=1 --",
  "Robert'); DROP TABLE contacts;--",
  '\u0000',
  '{{constructor.constructor("return process")()}}',
  '__proto__',
  'x'.repeat(70_000),
  'javascript:alert(1)',
  '😀'.repeat(300),
];

const value = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(...HOSTILE),
  fc.jsonValue({ maxDepth: 2 }),
);
const bodyWith = (keys: string[]) =>
  fc.oneof(
    fc.record(Object.fromEntries(keys.map((k) => [k, value])), { requiredKeys: [] }),
    fc.dictionary(fc.oneof(fc.constantFrom(...keys, '__proto__', 'constructor'), fc.string()), value),
    fc.jsonValue({ maxDepth: 3 }),
  );
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);

describe.each(STORES)('fuzzing every input on %s', (kind) => {
  let server: TestServer;
  let contactId: string;
  let organizationId: string;

  /** Every table's row count and the consent bits: what a rejected request must leave alone. */
  const snapshot = async () => {
    const { db } = server.testStore.store;
    const tables = ['organizations', 'contacts', 'consents', 'consent_history', 'messages', 'fan_outs', 'api_keys', 'suppressions'] as const;
    const counts = await Promise.all(tables.map((t) => sql<{ n: string }>`select count(*) as n from ${sql.table(t)}`.execute(db)));
    const bits = await sql<{ s: string | null }>`select sum(subscribed) as s from consents`.execute(db);
    const contact = await db.selectFrom('contacts').selectAll().where('id', '=', contactId).executeTakeFirst();
    return JSON.stringify([counts.map((c) => Number(c.rows[0]!.n)), Number(bits.rows[0]!.s), contact]);
  };

  /** Never a 5xx; a rejection changes nothing. */
  const holds = async (send: () => Promise<{ status: number }>) => {
    const before = await snapshot();
    const { status } = await send();
    expect(status).toBeLessThan(500);
    if (status >= 400) expect(await snapshot()).toBe(before);
  };

  beforeAll(async () => {
    server = await startServer(kind);
    organizationId = (await server.api.post('/api/v1/organizations', { name: 'Fuzz' })).body.id;
    contactId = (await server.api.post('/api/v1/contacts', { organizationId, email: 'fuzz@fuzz.example' })).body.id;
  });
  afterAll(() => server?.close());

  const jsonRoutes: [string, string, () => string, string[]][] = [
    ['POST', 'organizations', () => '/api/v1/organizations', ['name', 'locale']],
    ['POST', 'contacts', () => '/api/v1/contacts', ['organizationId', 'email', 'name', 'phone', 'jobTitle', 'locale']],
    ['PATCH', 'contact', () => `/api/v1/contacts/${contactId}`, ['email', 'name', 'phone', 'jobTitle', 'locale']],
    ['PUT', 'preferences', () => `/api/v1/contacts/${contactId}/preferences`, ['marketing', 'invoices', 'ticket-updates']],
    ['POST', 'messages', () => '/api/v1/messages', ['category', 'template', 'to', 'data', 'idempotencyKey']],
    ['POST', 'api-keys', () => '/api/v1/api-keys', ['name', 'role']],
  ];

  it.each(jsonRoutes)('when %s %s gets arbitrary JSON, then never a 5xx and a rejection changes nothing', async (method, _name, path, keys) => {
    await fc.assert(
      fc.asyncProperty(bodyWith(keys), async (body) => {
        await holds(() => server.api.request(method, path(), { json: body }));
      }),
      { numRuns: RUNS },
    );
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary' }), async (raw) => {
        await holds(() => server.api.request(method, path(), { body: raw, contentType: 'application/json' }));
      }),
      { numRuns: RUNS / 2 },
    );
  });

  it('when the id in a path is an arbitrary string (non-ASCII, control characters), then every route taking one answers 4xx and changes nothing', async () => {
    const routes = [
      ['GET', '/api/v1/contacts/ID'],
      ['GET', '/api/v1/contacts/ID/export'],
      ['GET', '/api/v1/contacts/ID/consent-history'],
      ['PATCH', '/api/v1/contacts/ID'],
      ['DELETE', '/api/v1/contacts/ID'],
      ['GET', '/api/v1/organizations/ID'],
      ['GET', '/api/v1/messages/ID'],
      ['DELETE', '/api/v1/api-keys/ID'],
    ] as const;
    const id = fc.oneof(fc.string({ minLength: 1 }), fc.string({ unit: 'binary', minLength: 1 }), fc.constantFrom('€', 'a\r\nSet-Cookie: x=1', '\u0000', '..', contactId.toUpperCase()));
    await fc.assert(
      fc.asyncProperty(id, fc.constantFrom(...routes), async (raw, [method, path]) => {
        const before = await snapshot();
        const res = await server.api.request(method, path.replace('ID', encodeURIComponent(raw)), method === 'PATCH' ? { json: { name: 'x' } } : {});
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(await snapshot()).toBe(before);
      }),
      { numRuns: RUNS },
    );
  });

  it('when the query strings of the contact lookup are arbitrary, then never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom('organizationId', 'email', 'limit', 'cursor', 'x'), fc.string()), async (query) => {
        const res = await server.api.get(`/api/v1/contacts?${new URLSearchParams(query)}`);
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: RUNS },
    );
  });

  it('when a CSV import is arbitrary text, or well-formed rows of arbitrary cells, then never a 5xx and a rejection changes nothing', async () => {
    const cell = fc.oneof(fc.string(), fc.constantFrom(...HOSTILE.slice(0, 8)), fc.constant(organizationId), fc.emailAddress());
    const rows = fc.array(fc.tuple(cell, cell, cell, cell), { maxLength: 20 });
    const quote = (c: string) => `"${c.replace(/"/g, '""')}"`;
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ unit: 'binary' }), rows.map((r) => ['email,name,locale,organizationId', ...r.map((cells) => cells.map(quote).join(','))].join('\r\n'))), async (csv) => {
        const before = await snapshot();
        const res = await server.api.request('POST', '/api/v1/contacts/import', { body: csv, contentType: 'text/csv' });
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400) expect(await snapshot()).toBe(before);
        if (res.status === 200 && res.body.created + res.body.updated === 0) expect(await snapshot()).toBe(before);
      }),
      { numRuns: RUNS },
    );
  });

  it('when the webhook gets arbitrary bodies, signed or not, then never a 5xx and a rejection records nothing', async () => {
    await fc.assert(
      fc.asyncProperty(bodyWith(['id', 'title', 'severity', 'summary', 'body', 'organizationIds']), fc.boolean(), async (body, signed) => {
        const raw = JSON.stringify(body);
        await holds(() =>
          fetch(`${server.url}/hooks/advisories`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-signature': signed ? signatureHeader(raw, WEBHOOK_SECRET) : `t=${Date.now()},v1=${'0'.repeat(64)}` },
            body: raw,
          }),
        );
      }),
      { numRuns: RUNS },
    );
  });

  it('when tokens are arbitrary strings or mangled real ones, then the parser never throws and the links never answer 5xx or change anything', async () => {
    const real = server.services.tokens.link('unsubscribe', contactId, 'marketing');
    const mangled = fc.tuple(fc.nat(real.length - 1), fc.string({ minLength: 1, maxLength: 3 })).map(([i, s]) => real.slice(0, i) + s + real.slice(i + s.length));
    const token = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), mangled, fc.constantFrom('a.b.c', '..', 'x'.repeat(4000)));
    await fc.assert(
      fc.asyncProperty(token, fc.constantFrom('u', 'p'), async (t, kindOfLink) => {
        for (const purpose of ['unsubscribe', 'preferences', 'session'] as const) {
          const result = server.services.tokens.verify(purpose, t);
          if (t !== real) expect(result.ok).toBe(false);
        }
        const url = `${server.url}/${kindOfLink}/${encodeURIComponent(t)}`;
        await holds(() => fetch(url));
        await holds(() => fetch(url, { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } }));
      }),
      { numRuns: RUNS },
    );
  });
});
