import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';

/** Asks until the answer is `status`: the failure behind the last answer is counted just after it is sent. */
async function settlesTo(ask: () => Promise<{ status: number }>, status: number): Promise<number[]> {
  const seen: number[] = [];
  for (let i = 0; i < 3 && seen.at(-1) !== status; i++) {
    await new Promise((r) => setTimeout(r, 100));
    seen.push((await ask()).status);
  }
  return seen;
}

// The documented scale-out: several servers behind one PostgreSQL must enforce one limit.
describe('rate limits shared by two servers on one PostgreSQL', () => {
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    a = await startServer('postgres');
    b = await startServer('postgres', { testStore: { ...a.testStore, drop: async () => {} } });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('when 20 bad API keys are spread over both servers, then the next is refused by either', async () => {
    for (let i = 0; i < 10; i++) {
      expect((await a.api.as(`sk_wrong_${i}`).get('/api/v1/contacts')).status).toBe(401);
      expect((await b.api.as(`sk_wrong_${i}`).get('/api/v1/contacts')).status).toBe(401);
    }
    expect((await settlesTo(() => a.api.as('sk_wrong').get('/api/v1/contacts'), 429)).at(-1)).toBe(429);
    expect((await b.api.as('sk_wrong').get('/api/v1/contacts')).status).toBe(429);
    // Once limited, this client address is refused on both servers, even with a valid key.
    expect((await b.api.get('/api/v1/contacts')).status).toBe(429);
  });

  it('when one address asks both servers for sign-in codes, then the sixth in 15 minutes is refused by either', async () => {
    const ask = (server: TestServer) => server.api.as(null).post('/api/v1/session/code', { email: 'shared.limit@example.com' });
    for (const server of [a, b, a, b, a]) expect((await ask(server)).status).toBe(202);
    expect((await ask(b)).status).toBe(429);
    expect((await ask(a)).status).toBe(429);
  });

  it('when the limits are counted, then the table holds keyed hashes only, never an address', async () => {
    const rows = await a.testStore.store.db.selectFrom('rate_limits').selectAll().execute();
    expect(rows.length).toBeGreaterThan(1);
    for (const row of rows) expect(row.key).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toMatch(/shared\.limit|127\.0\.0\.1/);
  });
});
