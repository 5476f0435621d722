import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../server/store/db.js';
import { startServer, type TestServer } from '../support/server.js';
import { startPgCluster } from '../support/pg-cluster.js';
import { eventually } from '../support/mail.js';

describe('PostgreSQL outage', () => {
  let cluster: Awaited<ReturnType<typeof startPgCluster>>;
  let server: TestServer;
  beforeAll(async () => {
    cluster = await startPgCluster();
    const store = await openStore({ url: cluster.url, pgPoolSize: 5 });
    const dir = fs.mkdtempSync('/tmp/consent-outage-');
    server = await startServer('postgres', { testStore: { store, url: cluster.url, dir, drop: () => store.close() } });
  });
  afterAll(async () => {
    await server?.close();
    cluster?.destroy();
  });

  it('when the database stops mid-run, then /healthz says so, requests get a clear 503, it recovers by itself, and no answered change is lost', async () => {
    const org = (await server.api.post('/api/v1/organizations', { name: 'Outage' })).body.id;
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) ids.push((await server.api.post('/api/v1/contacts', { organizationId: org, email: `o${i}@outage.example` })).body.id);

    const answers = new Map<string, number>();
    const change = async (id: string) => answers.set(id, (await server.api.put(`/api/v1/contacts/${id}/preferences`, { marketing: true }).catch(() => ({ status: 0 }))).status);
    for (const id of ids.slice(0, 20)) await change(id);

    // Stop it while a connection is checked out between statements (as in a transaction): pg
    // reports the loss on that client, which must not crash the process.
    await server.testStore.store.db.connection().execute(async () => {
      cluster.stop();
      await new Promise((r) => setTimeout(r, 300));
    });
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: 'unavailable' });
    const during = await server.api.put(`/api/v1/contacts/${ids[20]}/preferences`, { marketing: true });
    expect(during.status).toBe(503);
    expect(during.headers.get('content-type')).toMatch(/problem\+json/);
    expect(during.headers.get('retry-after')).toBe('5');
    expect(during.body).toMatchObject({ status: 503, type: '/problems/unavailable', title: expect.any(String) });
    answers.set(ids[20]!, during.status);
    for (const id of ids.slice(21, 40)) await change(id);

    cluster.start();
    await eventually(() => fetch(`${server.url}/healthz`).then((r) => r.status), (s) => s === 200, 20_000);
    for (const id of ids.slice(40)) await change(id);

    const stored = await server.testStore.store.db.selectFrom('consents').select(['contact_id', 'subscribed']).where('category', '=', 'marketing').execute();
    const subscribed = new Map(stored.map((r) => [r.contact_id, r.subscribed === 1]));
    const history = await server.testStore.store.db.selectFrom('consent_history').select('contact_id').where('source', '=', 'admin').execute();
    const recorded = new Set(history.map((h) => h.contact_id));
    let ok = 0;
    for (const [id, status] of answers) {
      if (status === 200) {
        ok++;
        expect(subscribed.get(id)).toBe(true);
        expect(recorded.has(id)).toBe(true);
      } else {
        expect(status).toBe(503);
        expect(subscribed.get(id)).toBe(false);
        expect(recorded.has(id)).toBe(false);
      }
    }
    expect(ok).toBe(40); // before the outage and after it
  });
});
