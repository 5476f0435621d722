import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORES } from '../support/stores.js';
import { seedContact, startServer, WEBHOOK_SECRET, type TestServer } from '../support/server.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';
import { eventually } from '../support/mail.js';
import { signatureHeader } from '../../server/crypto/webhook-signature.js';
import { MarkdownError, MarkdownRenderer } from '../../server/rendering/markdown-renderer.js';
import { MARKDOWN_LIMITS } from '../../server/rendering/markdown.js';

/** A list nested `depth` levels deep on one line: marked ran out of memory on it, on the event loop. */
const nestedList = (depth: number) => `${'- '.repeat(depth)}deep`;
/** The same nesting by indentation, one level a line. */
const indentedList = (depth: number) => Array.from({ length: depth }, (_, i) => `${' '.repeat(i * 2)}- level ${i}`).join('\n');
/** Emphasis marked parses in time that grows with the square of the length. */
const quadratic = (characters: number) => '_a'.repeat(characters / 2);
/** Plain words that render to several times their size as HTML table cells. */
const wideTable = (rows: number) => `| a | b | c |\n|:-:|:-:|:-:|\n${'| x | y | z |\n'.repeat(rows)}`;

/** The longest the event loop went without running a timer while `work` ran. */
async function longestStall(work: Promise<unknown>): Promise<number> {
  let longest = 0;
  let last = performance.now();
  let done = false;
  const tick = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 10);
  await work.catch(() => {}).finally(() => (done = true));
  clearInterval(tick);
  return done ? longest : Infinity;
}

describe('the Markdown thread', () => {
  it('when a body takes longer than its budget, then it is refused as too slow, the event loop never stalls, and the next body renders', async () => {
    const renderer = new MarkdownRenderer(100);
    try {
      const slow = renderer.render(quadratic(20_000));
      expect(await longestStall(slow)).toBeLessThan(100);
      const error = await slow.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MarkdownError);
      expect(error).toMatchObject({ tooSlow: true, message: expect.stringMatching(/takes over 0.1 s/) });
      expect((await renderer.render('**fine**')).html).toBe('<p style="margin:0 0 12px 0;"><strong>fine</strong></p>\n');
    } finally {
      await renderer.close();
    }
  });

  it('when a body is nested 3,000 levels deep or too long, then it is refused before any parsing, at once', async () => {
    const renderer = new MarkdownRenderer();
    try {
      const started = performance.now();
      await expect(renderer.render(nestedList(3_000))).rejects.toMatchObject({ tooSlow: false, message: expect.stringMatching(/nests lists or quotes \d+ levels deep/) });
      await expect(renderer.render('> '.repeat(40) + 'quoted')).rejects.toThrow(/levels deep/);
      await expect(renderer.render(indentedList(200))).rejects.toThrow(/levels deep/);
      await expect(renderer.render('a'.repeat(MARKDOWN_LIMITS.maxCharacters + 1))).rejects.toThrow(/at most 50000 characters/);
      expect(performance.now() - started).toBeLessThan(500);
      expect((await renderer.render(indentedList(6))).html).toContain('level 5');
    } finally {
      await renderer.close();
    }
  });
});

describe.each(STORES)('Markdown and size limits of what is sent, on %s', (kind) => {
  let server: TestServer;
  let smtp: TestSmtp;
  let contactId: string;
  const send = (template: string, category: string, data: Record<string, unknown>) =>
    server.api.post('/api/v1/messages', { category, template, to: { contactId }, data });
  const advisory = (body: string) => {
    const raw = JSON.stringify({ id: `ADV-${Math.random()}`, title: 'Patch', severity: 'high', summary: 'Now', body });
    return fetch(`${server.url}/hooks/advisories`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-signature': signatureHeader(raw, WEBHOOK_SECRET) },
      body: raw,
    });
  };

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startServer(kind, { smtpUrl: smtp.url, env: { SEND_RETRY_BASE_MS: '20', SEND_MAX_ATTEMPTS: '3' } });
    contactId = (await seedContact(server.api, `markdown-${kind}@example.com`)).contact.id;
    await server.api.put(`/api/v1/contacts/${contactId}/preferences`, { marketing: true });
  });
  afterAll(async () => {
    await server.close();
    await smtp.close();
  });

  it('when an announcement body is 40 KB of "_a", then other requests are answered meanwhile: it is rendered off the event loop', async () => {
    const posting = send('announcement', 'marketing', { title: 'Heavy', body: quadratic(40_000) });
    const latencies: number[] = [];
    const probing = (async () => {
      for (let i = 0; i < 10; i++) {
        const started = performance.now();
        expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
        latencies.push(performance.now() - started);
      }
    })();
    const [answer] = await Promise.all([posting, probing]);
    // Within the budget on this machine or over it on a slower one: either is an answer, never a stall.
    expect([202, 400]).toContain(answer.status);
    if (answer.status === 400) expect(answer.body.errors[0]).toMatchObject({ pointer: '#/data/body', detail: expect.stringMatching(/takes over 2 s/) });
    expect(Math.max(...latencies)).toBeLessThan(250);
  });

  it('when a body is nested 3,000 levels deep, then 400 at once naming the body, from the API and from the webhook, and nothing is queued', async () => {
    const before = await server.testStore.store.db.selectFrom('messages').select('id').execute();
    const res = await send('announcement', 'marketing', { title: 'Deep', body: nestedList(3_000) });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ pointer: '#/data/body', detail: expect.stringMatching(/^body nests lists or quotes \d+ levels deep; at most 16/) }]);
    const hook = await advisory(nestedList(3_000));
    expect(hook.status).toBe(400);
    expect((await hook.json()).errors).toEqual([{ pointer: '#/body', detail: expect.stringMatching(/levels deep/) }]);
    expect(await server.testStore.store.db.selectFrom('messages').select('id').execute()).toHaveLength(before.length);
  });

  it('when a body would make an email Gmail clips (over 100 KB of HTML), then 400 saying so, for Markdown and for plain ticket text', async () => {
    const table = await send('announcement', 'marketing', { title: 'Table', body: wideTable(3_000) });
    expect(table.status).toBe(400);
    expect(table.body.errors[0]).toMatchObject({ pointer: '#/data/body', detail: expect.stringMatching(/makes an email of \d+ KB of HTML; at most 100 KB fit before Gmail clips it/) });
    const ampersands = await send('ticket-update', 'ticket-updates', { ticketId: 1, subject: 'Big', status: 'Open', message: '&'.repeat(40_000) });
    expect(ampersands.status).toBe(400);
    expect(ampersands.body.errors[0].pointer).toBe('#/data/message');
    const hook = await advisory(wideTable(3_000));
    expect(hook.status).toBe(400);
    // Long plain prose within the limit goes.
    const prose = 'A patch is available for the firewall. Please install it tonight. '.repeat(700).slice(0, 45_000);
    expect((await send('announcement', 'marketing', { title: 'Long', body: prose })).status).toBe(202);
  });

  it('when a queued message cannot be rendered, then it fails at once; when it fails for another reason, then it fails after SEND_MAX_ATTEMPTS, not retried forever', async () => {
    const { outbox } = server.services;
    const deep = await outbox.enqueue({ contactId, category: 'marketing', template: 'announcement', data: { title: 'Deep', body: nestedList(3_000) }, status: 'queued' });
    const unreadable = { ...outbox.row({ contactId, category: 'marketing', template: 'announcement', data: null, status: 'queued' }), data: 'enc1:00000000:not-a-ciphertext' };
    await server.testStore.store.db.insertInto('messages').values(unreadable).execute();
    server.services.worker.notify();
    const final = (id: string) => eventually(() => server.api.get(`/api/v1/messages/${id}`), (r) => r.body.status === 'failed', 10_000);
    expect((await final(deep.id)).body).toMatchObject({ attempts: 1, lastError: expect.stringMatching(/^cannot be rendered: nests lists/) });
    expect((await final(unreadable.id)).body).toMatchObject({ attempts: 3, lastError: 'internal error' });
  });
});
