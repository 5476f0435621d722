import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from 'undici';
import { STORES } from '../support/stores.js';
import { startServer, type TestServer } from '../support/server.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';
import { postAdvisory, seedOrganization } from '../support/seed.js';

describe.each(STORES)('load on %s', (kind) => {
  let server: TestServer;
  let smtp: TestSmtp;
  beforeAll(async () => {
    smtp = await startSmtp({ parse: false });
    server = await startServer(kind, { smtpUrl: smtp.url });
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.close();
  });

  it('when 1,000 one-click POSTs for distinct contacts arrive at once, then all answer 200 and all are recorded', async () => {
    const { organizationId } = await seedOrganization(server.api, 1_000, `load-${kind}-`);
    const contacts = await server.testStore.store.db.selectFrom('contacts').select('id').where('organization_id', '=', organizationId).execute();
    expect(contacts).toHaveLength(1_000);
    const dispatcher = new Agent({ connections: 1_000, pipelining: 0 });
    const statuses = await Promise.all(
      contacts.map(async (c) => {
        const url = `${server.url}/u/${server.services.tokens.link('unsubscribe', c.id, 'service-alerts')}`;
        const res = await fetch(url, {
          method: 'POST',
          body: 'List-Unsubscribe=One-Click',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          // @ts-expect-error undici's dispatcher option is not in the DOM fetch types
          dispatcher,
        });
        await res.arrayBuffer();
        return res.status;
      }),
    );
    await dispatcher.close();
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    const { db } = server.testStore.store;
    const off = await db.selectFrom('consents').select('contact_id').where('category', '=', 'service-alerts').where('subscribed', '=', 0).where('contact_id', 'in', contacts.map((c) => c.id)).execute();
    expect(off).toHaveLength(1_000);
    const history = await db.selectFrom('consent_history').select('contact_id').where('source', '=', 'one-click').where('contact_id', 'in', contacts.map((c) => c.id)).execute();
    expect(history).toHaveLength(1_000);
  });

  it('when 200 webhook calls with one advisory id arrive at once, then there is one fan-out', async () => {
    const { organizationId, emails } = await seedOrganization(server.api, 50, `hook-${kind}-`);
    const responses = await Promise.all(Array.from({ length: 200 }, () => postAdvisory(server.url, { id: `ADV-load-${kind}`, organizationIds: [organizationId] })));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 202)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(199);
    const bodies = await Promise.all(responses.map((r) => r.json()));
    for (const b of bodies) expect(b).toEqual({ advisoryId: `ADV-load-${kind}`, revision: 1, queued: 50, suppressed: 0 });
    await smtp.waitFor(50, 30_000);
    await new Promise((r) => setTimeout(r, 1_000));
    const received = smtp.received.flatMap((m) => m.to).filter((to) => emails.includes(to));
    expect(received).toHaveLength(50);
    expect(new Set(received).size).toBe(50);
  });
});
