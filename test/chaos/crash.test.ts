import { afterEach, describe, expect, it } from 'vitest';
import { STORES, createTestStore, type TestStore } from '../support/stores.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';
import { startChildServer, type ChildServer } from '../support/child-server.js';
import { postAdvisory, seedOrganization, fanOutIds } from '../support/seed.js';
import { eventually } from '../support/mail.js';

describe.each(STORES)('kill -9 during a fan-out on %s', (kind) => {
  let testStore: TestStore;
  let smtp: TestSmtp;
  const children: ChildServer[] = [];
  afterEach(async () => {
    for (const c of children) c.child.kill('SIGKILL');
    await smtp?.close();
    await testStore?.drop();
  });

  it('when the server is killed mid-fan-out and started again, then every subscribed contact gets the advisory; duplicates stay within the in-flight messages', async () => {
    testStore = await createTestStore(kind);
    smtp = await startSmtp({ parse: false });
    const env = { SMTP_URL: smtp.url, SEND_LEASE_MS: '1500', SEND_RETRY_BASE_MS: '200' };
    const first = await startChildServer(testStore, env);
    children.push(first);
    const { organizationId, emails } = await seedOrganization(first.api, 5_000, `crash-${kind}-`);
    const optedOut = emails.slice(0, 25);
    for (const email of optedOut) {
      const contact = (await first.api.get(`/api/v1/contacts?email=${encodeURIComponent(email)}`)).body.items[0];
      await first.api.put(`/api/v1/contacts/${contact.id}/preferences`, { 'security-advisories': false });
    }
    const answer = await postAdvisory(first.url, { id: `ADV-crash-${kind}`, organizationIds: [organizationId] });
    expect(await answer.json()).toMatchObject({ queued: 4_975, suppressed: 25 });

    await smtp.waitFor(433, 60_000); // not a multiple of the batch size: the kill lands mid-batch
    first.child.kill('SIGKILL');
    expect(await first.exited).toBeNull(); // killed by the signal, no exit code
    const { db } = testStore.store;
    const inFlight = (await db.selectFrom('messages').select('id').where('status', '=', 'sending').execute()).length;
    const receivedAtKill = smtp.received.length;
    expect(receivedAtKill).toBeLessThan(4_975); // the kill really happened mid-fan-out

    const second = await startChildServer(testStore, env);
    children.push(second);
    const expected = new Set(emails.slice(25));
    await eventually(
      async () => new Set(smtp.received.flatMap((m) => m.to)).size,
      (n) => n >= expected.size,
      120_000,
    );
    await eventually(
      () => db.selectFrom('messages').select('status').where('fan_out_id', 'in', fanOutIds(db, `ADV-crash-${kind}`)).where('status', 'not in', ['sent', 'suppressed']).execute(),
      (rows) => rows.length === 0,
      30_000,
    );
    // The opted-out are recorded as suppressed, once each, and never sent.
    const suppressed = await db.selectFrom('messages').select('status').where('fan_out_id', 'in', fanOutIds(db, `ADV-crash-${kind}`)).where('status', '=', 'suppressed').execute();
    expect(suppressed).toHaveLength(optedOut.length);
    const recipients = smtp.received.flatMap((m) => m.to);
    const distinct = new Set(recipients);
    for (const email of expected) expect(distinct.has(email)).toBe(true);
    for (const email of optedOut) expect(distinct.has(email)).toBe(false);
    const duplicates = recipients.length - distinct.size;
    expect(duplicates).toBeLessThanOrEqual(inFlight);
    process.stdout.write(`[crash ${kind}] received at kill ${receivedAtKill}, in flight ${inFlight}, duplicates ${duplicates}\n`);
  });
});
