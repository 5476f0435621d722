import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORES } from '../support/stores.js';
import { startServer, type TestServer } from '../support/server.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';
import { postAdvisory, seedOrganization, fanOutIds } from '../support/seed.js';
import { eventually } from '../support/mail.js';

const OUTAGE_SECONDS = Number(process.env.CHAOS_OUTAGE_SECONDS ?? 30);

describe.each(STORES)('SMTP outage on %s', (kind) => {
  let server: TestServer;
  let smtp: TestSmtp;
  beforeAll(async () => {
    smtp = await startSmtp({ parse: false });
    server = await startServer(kind, {
      smtpUrl: smtp.url,
      env: { SEND_RETRY_BASE_MS: '500', SEND_MAX_ATTEMPTS: '12', SEND_CONCURRENCY: '5' },
    });
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.close();
  });

  it(`when the SMTP server refuses connections for ${OUTAGE_SECONDS} s mid-fan-out, then everything is delivered afterwards and the retries show`, async () => {
    const { organizationId, emails } = await seedOrganization(server.api, 2_000, `outage-${kind}-`);
    const answer = await postAdvisory(server.url, { id: `ADV-outage-${kind}`, organizationIds: [organizationId] });
    expect(answer.status).toBe(202);
    await smtp.waitFor(300, 60_000);
    await smtp.stop();
    const atOutage = smtp.received.length;
    await new Promise((r) => setTimeout(r, OUTAGE_SECONDS * 1000));
    expect(smtp.received.length).toBe(atOutage); // nothing got through while it was down
    const { db } = server.testStore.store;
    const retried = await db.selectFrom('messages').select(['id', 'last_error']).where('fan_out_id', 'in', fanOutIds(db, `ADV-outage-${kind}`)).where('status', '=', 'queued').where('attempts', '>', 0).execute();
    expect(retried.length).toBeGreaterThan(0);
    expect(retried[0]!.last_error).toMatch(/ECONNREFUSED|connect/i);
    await smtp.start();

    const rows = await eventually(
      () => db.selectFrom('messages').select(['status', 'attempts']).where('fan_out_id', 'in', fanOutIds(db, `ADV-outage-${kind}`)).execute(),
      (r) => r.length === 2_000 && r.every((m) => m.status === 'sent'),
      150_000,
    );
    expect(rows.some((m) => m.attempts > 1)).toBe(true);
    const delivered = new Set(smtp.received.flatMap((m) => m.to));
    for (const email of emails) expect(delivered.has(email)).toBe(true);
    const failed = rows.filter((m) => m.status === 'failed');
    expect(failed).toHaveLength(0);
    process.stdout.write(`[smtp outage ${kind}] ${atOutage} before the outage, ${rows.filter((m) => m.attempts > 1).length} retried, ${smtp.received.length} received\n`);
  });
});
