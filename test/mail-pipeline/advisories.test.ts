import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORES } from '../support/stores.js';
import { startServer, WEBHOOK_SECRET, type TestServer } from '../support/server.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';
import { eventually, header } from '../support/mail.js';
import { signatureHeader } from '../../server/crypto/webhook-signature.js';
import { fanOutIds } from '../support/seed.js';

const advisory = (id: string, over: Record<string, unknown> = {}) => ({
  id,
  title: 'Critical FortiOS SSL-VPN flaw',
  severity: 'critical',
  summary: 'Patch your firewalls today.',
  body: '## What to do\n\n1. Update to **7.4.3**\n2. Reboot',
  ...over,
});

describe.each(STORES)('advisory webhook on %s', (kind) => {
  let server: TestServer;
  let smtp: TestSmtp;
  let orgA: string;
  let orgB: string;

  const call = (body: unknown, options: { secret?: string; skew?: number; raw?: string; contentType?: string; signature?: string } = {}) => {
    const raw = options.raw ?? JSON.stringify(body);
    return fetch(`${server.url}/hooks/advisories`, {
      method: 'POST',
      headers: {
        'content-type': options.contentType ?? 'application/json',
        'x-signature': options.signature ?? signatureHeader(raw, options.secret ?? WEBHOOK_SECRET, Math.floor(Date.now() / 1000) + (options.skew ?? 0)),
      },
      body: raw,
    });
  };
  const messagesOf = (advisoryId: string) =>
    server.testStore.store.db.selectFrom('messages').select(['contact_id', 'status']).where('fan_out_id', 'in', fanOutIds(server.testStore.store.db, advisoryId)).execute();

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startServer(kind, { smtpUrl: smtp.url });
    orgA = (await server.api.post('/api/v1/organizations', { name: 'Org A', locale: 'fr' })).body.id;
    orgB = (await server.api.post('/api/v1/organizations', { name: 'Org B' })).body.id;
    for (const [org, email] of [
      [orgA, 'a1@a.example'],
      [orgA, 'a2@a.example'],
      [orgA, 'a3-out@a.example'],
      [orgB, 'b1@b.example'],
    ] as const) {
      const res = await server.api.post('/api/v1/contacts', { organizationId: org, email });
      if (email.includes('out')) await server.api.put(`/api/v1/contacts/${res.body.id}/preferences`, { 'security-advisories': false });
    }
  });
  afterAll(async () => {
    await server.close();
    await smtp.close();
  });

  it('when an advisory names organizations, then each subscribed contact there gets one email, with its severity in the subject', async () => {
    const res = await call(advisory('ADV-1', { organizationIds: [orgA] }));
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ advisoryId: 'ADV-1', revision: 1, queued: 2, suppressed: 1 });
    await smtp.waitFor(2);
    // The one who opted out has a suppressed message, never sent: the report says why.
    const rows = await eventually(() => messagesOf('ADV-1'), (rows) => rows.filter((r) => r.status === 'sent').length === 2);
    expect(rows.map((r) => r.status).sort()).toEqual(['sent', 'sent', 'suppressed']);
    const a1 = smtp.to('a1@a.example')[0]!;
    expect(a1.parsed.subject).toMatch(/critique/i); // the organization is French, so its contacts are
    expect(a1.parsed.html).toContain('7.4.3');
    expect(a1.parsed.html).not.toContain('**');
    expect(header(a1, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(smtp.to('a3-out@a.example')).toHaveLength(0);
    expect(smtp.to('b1@b.example')).toHaveLength(0);
  });

  it('when the same id comes again, even many at once, then 200 with the first answer and no second email', async () => {
    const before = smtp.received.length;
    const responses = await Promise.all(Array.from({ length: 10 }, () => call(advisory('ADV-2'))));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 202]);
    const bodies = await Promise.all(responses.map((r) => r.json()));
    for (const b of bodies) expect(b).toEqual({ advisoryId: 'ADV-2', revision: 1, queued: 3, suppressed: 1 });
    await smtp.waitFor(before + 3);
    const again = await call(advisory('ADV-2', { title: 'changed' }));
    expect(again.status).toBe(200);
    await new Promise((r) => setTimeout(r, 400));
    expect(smtp.received.length).toBe(before + 3);
    expect((await messagesOf('ADV-2')).map((r) => r.status).sort()).toEqual(['sent', 'sent', 'sent', 'suppressed']);
  });

  it.each([
    ['no signature', { signature: '' }],
    ['a wrong secret', { secret: 'whsec_wrong_secret_000000' }],
    ['a stale timestamp', { skew: -302 }],
    ['a timestamp from the future', { skew: 302 }],
    ['garbage', { signature: 't=abc,v1=zz' }],
  ])('when the call has %s, then 401 and nothing is recorded', async (_what, options) => {
    const res = await call(advisory(`ADV-bad-${_what}`), options);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    expect(await messagesOf(`ADV-bad-${_what}`)).toHaveLength(0);
    const row = await server.testStore.store.db.selectFrom('fan_outs').select('id').where('external_id', '=', `ADV-bad-${_what}`).executeTakeFirst();
    expect(row).toBeUndefined();
  });

  it('when the body is altered after signing, then 401', async () => {
    const raw = JSON.stringify(advisory('ADV-tamper'));
    const signature = signatureHeader(raw, WEBHOOK_SECRET);
    const res = await call(null, { raw: raw.replace('critical', 'low'), signature });
    expect(res.status).toBe(401);
  });

  it.each([
    ['malformed JSON', '{"id": "x",'],
    ['a missing title', JSON.stringify({ id: 'ADV-x1', severity: 'high', summary: 's', body: 'b' })],
    ['an unknown severity', JSON.stringify(advisory('ADV-x2', { severity: 'apocalyptic' }))],
    ['an unknown organization', JSON.stringify(advisory('ADV-x3', { organizationIds: ['00000000-0000-4000-8000-000000000000'] }))],
    ['a title with a line break', JSON.stringify(advisory('ADV-x4', { title: 'a\r\nBcc: x@y.z' }))],
  ])('when the body has %s, then 400 and nothing is recorded', async (_what, raw) => {
    const res = await call(null, { raw });
    expect(res.status).toBe(400);
    expect((await res.json()).status).toBe(400);
    const count = await server.testStore.store.db.selectFrom('fan_outs').select('id').where('external_id', 'like', 'ADV-x%').execute();
    expect(count).toHaveLength(0);
  });

  it('when the body is over 256 KiB, then 413', async () => {
    const res = await call(advisory('ADV-big', { body: 'x'.repeat(300 * 1024) }));
    expect(res.status).toBe(413);
  });

  it('when the content type is not JSON, then 415', async () => {
    const res = await call(advisory('ADV-form'), { contentType: 'text/plain' });
    expect(res.status).toBe(415);
  });
});
