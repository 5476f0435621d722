import { afterEach, describe, expect, it } from 'vitest';
import { STORES, createTestStore, type TestStore } from '../support/stores.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';
import { startChildServer, type ChildServer } from '../support/child-server.js';
import { postAdvisory, seedOrganization, fanOutIds } from '../support/seed.js';
import { eventually } from '../support/mail.js';

describe.each(STORES)('SIGTERM under load on %s', (kind) => {
  let testStore: TestStore;
  let smtp: TestSmtp;
  const children: ChildServer[] = [];
  afterEach(async () => {
    for (const c of children) c.child.kill('SIGKILL');
    await smtp?.close();
    await testStore?.drop();
  });

  it('when stopped mid-fan-out with requests in flight, then it exits 0, answered changes are kept, claimed messages are released, and nothing is lost', async () => {
    testStore = await createTestStore(kind);
    smtp = await startSmtp({ parse: false });
    const env = { SMTP_URL: smtp.url, SEND_RETRY_BASE_MS: '200' };
    const first = await startChildServer(testStore, env);
    children.push(first);
    const { organizationId, emails } = await seedOrganization(first.api, 2_000, `term-${kind}-`);
    const { db } = testStore.store;
    const contacts = await db.selectFrom('contacts').select('id').where('organization_id', '=', organizationId).limit(300).execute();
    expect((await postAdvisory(first.url, { id: `ADV-term-${kind}`, organizationIds: [organizationId] })).status).toBe(202);
    await smtp.waitFor(150, 60_000);

    const answers = contacts.map((c) =>
      first.api
        .put(`/api/v1/contacts/${c.id}/preferences`, { marketing: true })
        .then((r) => ({ id: c.id, status: r.status }))
        .catch(() => ({ id: c.id, status: 0 })),
    );
    await new Promise((r) => setTimeout(r, 20));
    first.child.kill('SIGTERM');
    const results = await Promise.all(answers);
    const code = await first.exited;
    if (code !== 0) process.stdout.write(first.output());
    expect(code).toBe(0);

    expect(await db.selectFrom('messages').select('id').where('status', '=', 'sending').execute()).toHaveLength(0);
    const subscribed = new Set(
      (await db.selectFrom('consents').select('contact_id').where('category', '=', 'marketing').where('subscribed', '=', 1).execute()).map((r) => r.contact_id),
    );
    const answered = results.filter((r) => r.status === 200);
    for (const r of answered) expect(subscribed.has(r.id)).toBe(true);
    for (const r of results) expect([0, 200, 503]).toContain(r.status);

    const second = await startChildServer(testStore, env);
    children.push(second);
    await eventually(
      () => db.selectFrom('messages').select('status').where('fan_out_id', 'in', fanOutIds(db, `ADV-term-${kind}`)).where('status', '!=', 'sent').execute(),
      (rows) => rows.length === 0,
      90_000,
    );
    const delivered = new Set(smtp.received.flatMap((m) => m.to));
    for (const email of emails) expect(delivered.has(email)).toBe(true);
    process.stdout.write(`[sigterm ${kind}] ${answered.length} of ${results.length} requests answered before the stop; ${smtp.received.length} messages for ${emails.length} recipients\n`);
  });
});
