// The operator's metrics as Prometheus scrapes them: counters that move with what happened, the
// queue read from the store, HTTP latency by route pattern, and nothing personal in any label;
// a worker process serving its own on METRICS_PORT.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORES } from '../support/stores.js';
import { startServer, type TestServer } from '../support/server.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';
import { eventually, linksIn, listUnsubscribeUrl } from '../support/mail.js';
import { databaseUrlOf } from '../support/child-server.js';
import { freePort, spawnEntry } from '../support/process.js';

const METRICS_TOKEN = 'metrics-0123456789abcdefghijklmnopqrstuv';
const REFUSED = 'no-such-mailbox@metrics.example';

/** One sample of Prometheus' text format: its name, labels and value. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseMetrics(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not a sample line: ${line}`);
      const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]));
      return { name: match[1]!, labels, value: Number(match[3]) };
    });
}

/** The value of the sample with this name and (at least) these labels; 0 when there is none. */
function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return found.reduce((sum, s) => sum + s.value, 0);
}

async function scrape(url: string, token: string | null = METRICS_TOKEN): Promise<{ status: number; text: string; samples: Sample[] }> {
  const res = await fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  const text = await res.text();
  return { status: res.status, text, samples: res.status === 200 ? parseMetrics(text) : [] };
}

describe.each(STORES)('metrics for operators on %s', (kind) => {
  let server: TestServer;
  let smtp: TestSmtp;
  let organizationId: string;

  const send = async (email: string) => {
    const contact = (await server.api.post('/api/v1/contacts', { organizationId, email })).body;
    const message = await server.api.post('/api/v1/messages', {
      category: 'ticket-updates',
      template: 'ticket-update',
      to: { contactId: contact.id },
      data: { ticketId: 'T-42', subject: 'Printer jam', status: 'Open', message: 'On it.' },
    });
    expect(message.status).toBe(202);
    return { contactId: contact.id as string, messageId: message.body.id as string };
  };
  const statusOf = async (messageId: string) => (await server.api.get(`/api/v1/messages/${messageId}`)).body.status as string;

  beforeAll(async () => {
    smtp = await startSmtp();
    smtp.setVerdict((rcpt) => (rcpt === REFUSED ? { accept: false, code: 550, message: `5.1.1 <${REFUSED}>: no such user` } : { accept: true }));
    server = await startServer(kind, { smtpUrl: smtp.url, env: { METRICS_TOKEN } });
    organizationId = (await server.api.post('/api/v1/organizations', { name: 'Metrics Dental' })).body.id;
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.close();
  });

  it('when messages go out, one is refused 550 5.1.1, a person unsubscribes in one click and pages are visited, then the counters move by as much, the queue matches the API, and no label holds a token or an address', async () => {
    const before = (await scrape(`${server.url}/metrics`)).samples;
    const delivered = [await send(`ana.metrics-${kind}@metrics.example`), await send(`ben.metrics-${kind}@metrics.example`)];
    const refused = await send(REFUSED);
    await eventually(async () => smtp.received.length, (n) => n >= 2);
    await eventually(() => statusOf(refused.messageId), (status) => status === 'failed');
    for (const { messageId } of delivered) await eventually(() => statusOf(messageId), (status) => status === 'sent');

    const mail = smtp.to(`ana.metrics-${kind}@metrics.example`)[0]!;
    const oneClickUrl = listUnsubscribeUrl(mail);
    const token = oneClickUrl.split('/').pop()!;
    const oneClick = await fetch(oneClickUrl, { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(oneClick.status).toBe(200);
    const pageUrl = linksIn(mail).find((link) => link.includes('/u/'))!;
    expect((await fetch(pageUrl)).status).toBe(200);
    const resubscribed = await fetch(pageUrl, { method: 'POST', body: new URLSearchParams({ action: 'resubscribe', lang: 'en' }) });
    expect(resubscribed.status).toBe(200);
    expect((await fetch(`${server.url}/no/such/page/${token}`)).status).toBe(404);
    expect((await server.api.get(`/api/v1/contacts/${delivered[1]!.contactId}`)).status).toBe(200);

    const stats = (await server.api.get('/api/v1/queue-stats')).body;
    const suppressions = (await server.api.get('/api/v1/suppressions/recent?limit=1')).body;
    const { text, samples } = await scrape(`${server.url}/metrics`);
    const moved = (name: string, labels: Record<string, string> = {}) => valueOf(samples, name, labels) - valueOf(before, name, labels);

    for (const status of ['queued', 'sending', 'sent', 'failed', 'suppressed']) {
      expect(valueOf(samples, 'queue_messages', { status }), status).toBe(stats.byStatus[status]);
    }
    const hardBounces = suppressions.byReason.filter((r: { kind: string }) => r.kind === 'hard-bounce').reduce((sum: number, r: { count: number }) => sum + r.count, 0);
    expect(valueOf(samples, 'suppression_list_addresses', { kind: 'hard-bounce' })).toBe(hardBounces);
    expect(hardBounces).toBeGreaterThanOrEqual(1);

    expect(moved('messages_sent_total', { category: 'ticket-updates', template: 'ticket-update' })).toBe(2);
    expect(moved('messages_failed_total', { kind: 'permanent' })).toBe(1);
    expect(moved('messages_failed_total')).toBe(1);
    expect(moved('messages_retried_total')).toBe(0);
    // Started at zero, so rate() sees the first relay refusal.
    expect(samples).toContainEqual({ name: 'messages_retried_total', labels: { kind: 'relay' }, value: 0 });
    expect(moved('one_click_unsubscribes_total')).toBe(1);
    expect(moved('link_page_actions_total', { action: 'resubscribe' })).toBe(1);
    expect(moved('link_page_actions_total')).toBe(1);

    const requests = (labels: Record<string, string>) => moved('http_request_duration_seconds_count', labels);
    // One-click answers 200; the page's button 303 to the link's GET (post/redirect/get), which fetch follows.
    expect(requests({ method: 'POST', route: '/u/:token', status_class: '2xx' })).toBe(1);
    expect(requests({ method: 'POST', route: '/u/:token', status_class: '3xx' })).toBe(1);
    expect(requests({ method: 'GET', route: '/u/:token', status_class: '2xx' })).toBe(2);
    expect(requests({ method: 'POST', route: '/api/v1/messages', status_class: '2xx' })).toBe(3);
    expect(requests({ method: 'GET', route: '/api/v1/contacts/:id', status_class: '2xx' })).toBe(1);
    expect(requests({ method: 'GET', route: 'unmatched', status_class: '4xx' })).toBe(1);
    expect(valueOf(samples, 'http_request_duration_seconds_bucket', { route: '/u/:token', le: '5' })).toBeGreaterThanOrEqual(3);
    const routes = new Set(samples.filter((s) => s.name.startsWith('http_request_duration_seconds')).map((s) => s.labels.route));
    for (const route of routes) expect(route).toMatch(/^(unmatched|\/[\w/:.-]*)$/);

    expect(text).not.toContain(token);
    expect(text).not.toMatch(/@|metrics\.example/);
    for (const id of [...delivered, refused].flatMap((m) => [m.contactId, m.messageId])) expect(text).not.toContain(id);
    expect(valueOf(samples, 'nodejs_eventloop_lag_seconds')).toBeGreaterThan(0);
    expect(samples.some((s) => s.name === 'process_resident_memory_bytes')).toBe(true);
  });

  it('when /metrics is asked without the token, or with an API key, then 401 and no figures', async () => {
    const anonymous = await scrape(`${server.url}/metrics`, null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.text).not.toContain('queue_messages');
    expect((await scrape(`${server.url}/metrics`, 'metrics-but-not-the-right-token-at-all')).status).toBe(401);
  });

  it('when a worker process runs with METRICS_PORT beside a server without a worker, then its port serves its own counters behind the token, and no queue gauge', async () => {
    const quiet = await startServer(kind, { smtpUrl: smtp.url, worker: false });
    const port = await freePort();
    const metricsUrl = `http://127.0.0.1:${port}/metrics`;
    const worker = spawnEntry('server/cli/worker.ts', {
      ...quiet.env,
      DATABASE_URL: databaseUrlOf(quiet.testStore),
      SEND_LEASE_MS: '300',
      METRICS_PORT: String(port),
      METRICS_TOKEN,
      LOG_LEVEL: 'warn',
    });
    try {
      const first = await eventually(
        () => scrape(metricsUrl).catch(() => ({ status: 0, text: '', samples: [] })),
        (s) => s.status === 200,
        30_000,
      ).catch((error: unknown) => {
        throw new Error(`${String(error)}\n${worker.output()}`, { cause: error });
      });
      expect(valueOf(first.samples, 'messages_sent_total')).toBe(0);

      const org = (await quiet.api.post('/api/v1/organizations', { name: 'Worker Metrics' })).body.id;
      const contact = (await quiet.api.post('/api/v1/contacts', { organizationId: org, email: `worker.metrics-${kind}@worker.example` })).body;
      const queued = await quiet.api.post('/api/v1/messages', {
        category: 'ticket-updates',
        template: 'ticket-update',
        to: { contactId: contact.id },
        data: { ticketId: 'T-9', subject: 'Sent by the worker', status: 'Open', message: 'Hello.' },
      });
      expect(queued.status).toBe(202);
      await eventually(async () => (await quiet.api.get(`/api/v1/messages/${queued.body.id}`)).body.status, (status) => status === 'sent', 20_000);

      const { samples, text } = await scrape(metricsUrl);
      expect(valueOf(samples, 'messages_sent_total', { category: 'ticket-updates', template: 'ticket-update' })).toBe(1);
      expect(samples.some((s) => s.name === 'worker_lease_renewals_total')).toBe(true);
      expect(valueOf(samples, 'nodejs_eventloop_lag_seconds')).toBeGreaterThan(0);
      // The queue is the database's: servers report it, not each worker.
      expect(text).not.toContain('queue_messages');
      expect(text).not.toContain('worker.example');
      expect((await scrape(metricsUrl, null)).status).toBe(401);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(404);
    } finally {
      worker.child.kill('SIGTERM');
      expect(await worker.exited).toBe(0);
      await quiet.close();
    }
  });
});
