import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORES, PG_URL } from '../support/stores.js';
import { productionEnv, startServer, WEBHOOK_SECRET, type TestServer } from '../support/server.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';
import { eventually, header, linksIn } from '../support/mail.js';
import { signatureHeader } from '../../server/crypto/webhook-signature.js';
import { FanOuts } from '../../server/advisories/fan-outs.js';
import { Categories } from '../../server/consent/categories.js';
import { withRequiredCategory } from '../support/categories.js';
import { openStore } from '../../server/store/db.js';
import { boot } from '../../server/boot.js';
import { fanOutIds } from '../support/seed.js';

const ticket = { ticketId: 'T-9', subject: 'Disk almost full', status: 'Open', message: 'We are on it.' };

async function postAdvisory(server: TestServer, body: Record<string, unknown>) {
  const raw = JSON.stringify({ title: 'Patch now', severity: 'high', summary: 'Summary', body: 'Body', ...body });
  return fetch(`${server.url}/hooks/advisories`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-signature': signatureHeader(raw, WEBHOOK_SECRET) },
    body: raw,
  });
}

async function importContacts(server: TestServer, organizationId: string, count: number, prefix: string) {
  const rows = Array.from({ length: count }, (_, i) => `${prefix}${i}@fan.example,,en,${organizationId}`);
  const res = await server.api.request('POST', '/api/v1/contacts/import', {
    body: ['email,name,locale,organizationId', ...rows].join('\n'),
    contentType: 'text/csv',
  });
  expect(res.body.created).toBe(count);
}

describe.each(STORES)('send worker on %s', (kind) => {
  let smtp: TestSmtp;
  beforeAll(async () => {
    smtp = await startSmtp();
  });
  afterAll(() => smtp.close());

  describe('with the worker paused', () => {
    let server: TestServer;
    let organizationId: string;
    beforeAll(async () => {
      server = await startServer(kind, { smtpUrl: smtp.url, worker: false });
      organizationId = (await server.api.post('/api/v1/organizations', { name: 'Paused' })).body.id;
    });
    afterAll(() => server.close());

    it('when the contact unsubscribes after queueing, then consent is checked again before sending and nothing goes out', async () => {
      const contact = (await server.api.post('/api/v1/contacts', { organizationId, email: 'changed-mind@paused.example' })).body;
      const queued = await server.api.post('/api/v1/messages', { category: 'ticket-updates', template: 'ticket-update', to: { contactId: contact.id }, data: ticket });
      expect(queued.body.status).toBe('queued');
      await server.api.put(`/api/v1/contacts/${contact.id}/preferences`, { 'ticket-updates': false });
      while (await server.services.worker.runOnce());
      expect((await server.api.get(`/api/v1/messages/${queued.body.id}`)).body).toMatchObject({ status: 'suppressed', attempts: 0 });
      expect(smtp.to('changed-mind@paused.example')).toHaveLength(0);
    });

    it('when an expansion is cut short, then it resumes where it stopped, without duplicates', async () => {
      const org = (await server.api.post('/api/v1/organizations', { name: 'Resume' })).body.id;
      await importContacts(server, org, 25, `resume-${kind}-`);
      const res = await postAdvisory(server, { id: `ADV-resume-${kind}`, organizationIds: [org] });
      expect(await res.json()).toMatchObject({ queued: 25, suppressed: 0 });
      const { db, dialect } = server.testStore.store;
      expect(await new FanOuts(db, dialect, Categories.fromFile(), server.services.outbox, server.services.renderer).expandNext(10)).toBe(true);
      // "Crash": a fresh instance picks the advisory up from its cursor.
      const restarted = new FanOuts(db, dialect, Categories.fromFile(), server.services.outbox, server.services.renderer);
      while (await restarted.expandNext(10));
      const rows = await db.selectFrom('messages').select('contact_id').where('fan_out_id', 'in', fanOutIds(db, `ADV-resume-${kind}`)).execute();
      expect(rows).toHaveLength(25);
      expect(new Set(rows.map((r) => r.contact_id)).size).toBe(25);
      const advisory = await db.selectFrom('fan_outs').select('status').where('external_id', '=', `ADV-resume-${kind}`).executeTakeFirstOrThrow();
      expect(advisory.status).toBe('expanded');
    });

    it('when a worker dies holding messages, then another takes them over once the lease runs out', async () => {
      const contact = (await server.api.post('/api/v1/contacts', { organizationId, email: 'lease@paused.example' })).body;
      const queued = await server.api.post('/api/v1/messages', { category: 'ticket-updates', template: 'ticket-update', to: { contactId: contact.id }, data: ticket });
      const claimed = await server.services.outbox.claim('dead-worker', 100, 200);
      expect(claimed.map((m) => m.id)).toContain(queued.body.id);
      expect(await server.services.outbox.claim('other-worker', 100, 60_000)).toHaveLength(0);
      await new Promise((r) => setTimeout(r, 250));
      while (await server.services.worker.runOnce());
      expect((await server.api.get(`/api/v1/messages/${queued.body.id}`)).body.status).toBe('sent');
      expect(smtp.to('lease@paused.example')).toHaveLength(1);
    });
  });

  it('when a category is required, then its mail carries no List-Unsubscribe nor unsubscribe link', async () => {
    const categories = withRequiredCategory();
    const server = await startServer(kind, { smtpUrl: smtp.url, categories });
    try {
      const org = (await server.api.post('/api/v1/organizations', { name: 'Required' })).body.id;
      const contact = (await server.api.post('/api/v1/contacts', { organizationId: org, email: 'required@req.example' })).body;
      const res = await server.api.post('/api/v1/messages', {
        category: 'account-notices',
        template: 'announcement',
        to: { contactId: contact.id },
        data: { title: 'New terms', body: 'Read them.' },
      });
      expect(res.body.status).toBe('queued');
      const [mail] = await eventually(async () => smtp.to('required@req.example'), (m) => m.length === 1);
      expect(header(mail!, 'List-Unsubscribe')).toBeUndefined();
      expect(header(mail!, 'List-Unsubscribe-Post')).toBeUndefined();
      expect(linksIn(mail!).some((l) => l.includes('/u/'))).toBe(false);
      expect(linksIn(mail!).some((l) => l.includes('/p/'))).toBe(true);
    } finally {
      await server.close();
    }
  });
});

describe('DKIM', () => {
  it('when DKIM is configured, then the signature covers the one-click headers', async () => {
    const smtp = await startSmtp();
    const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const server = await startServer('sqlite', {
      smtpUrl: smtp.url,
      env: {
        DKIM_DOMAIN: 'serveitpro.example',
        DKIM_SELECTOR: 'mail2026',
        DKIM_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        MAIL_FROM: 'SERVEITPRO <no-reply@serveitpro.example>',
      },
    });
    try {
      const org = (await server.api.post('/api/v1/organizations', { name: 'Dkim' })).body.id;
      const contact = (await server.api.post('/api/v1/contacts', { organizationId: org, email: 'dkim@dkim.example' })).body;
      await server.api.post('/api/v1/messages', { category: 'ticket-updates', template: 'ticket-update', to: { contactId: contact.id }, data: ticket });
      const [mail] = await smtp.waitFor(1);
      const signature = header(mail!, 'DKIM-Signature')!.replace(/\s+/g, '');
      expect(signature).toMatch(/d=serveitpro\.example/);
      expect(signature).toMatch(/s=mail2026/);
      const signed = /(?:^|;)h=([^;]+)/.exec(signature)![1]!.toLowerCase().split(':');
      expect(signed).toEqual(expect.arrayContaining(['from', 'subject', 'list-unsubscribe', 'list-unsubscribe-post']));
      expect(mail!.parsed.messageId).toMatch(/@serveitpro\.example>$/);
    } finally {
      await server.close();
      await smtp.close();
    }
  });
});

describe('dev mailbox', () => {
  it('when no SMTP_URL is set, then messages are kept as .eml files and listed on the dev page', async () => {
    const server = await startServer('sqlite', { worker: true });
    try {
      const org = (await server.api.post('/api/v1/organizations', { name: 'Dev' })).body.id;
      const contact = (await server.api.post('/api/v1/contacts', { organizationId: org, email: 'dev@dev.example' })).body;
      const res = await server.api.post('/api/v1/messages', { category: 'ticket-updates', template: 'ticket-update', to: { contactId: contact.id }, data: ticket });
      await eventually(() => server.api.get(`/api/v1/messages/${res.body.id}`), (r) => r.body.status === 'sent');
      const dir = path.join(server.config.dataDir, 'mail');
      const files = fs.readdirSync(dir).filter((f) => f.endsWith('.eml'));
      expect(files).toHaveLength(1);
      expect(files[0]).not.toContain('dev@');
      expect(fs.readFileSync(path.join(dir, files[0]!), 'utf8')).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click/m);
      const list = await (await fetch(`${server.url}/dev/mail`)).text();
      expect(list).toContain('Disk almost full');
      const detail = await fetch(`${server.url}/dev/mail/${files[0]}`);
      expect(await detail.text()).toContain('List-Unsubscribe');
      const html = await fetch(`${server.url}/dev/mail/${files[0]}/html`);
      expect(html.headers.get('content-security-policy')).toMatch(/sandbox/);
      expect((await fetch(`${server.url}/dev/mail/..%2F..%2Fetc%2Fpasswd`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('when running in production, then the dev page does not exist', async () => {
    const server = await startServer('sqlite', { worker: false, env: productionEnv() });
    try {
      expect((await fetch(`${server.url}/dev/mail`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});

describe('two workers on PostgreSQL', () => {
  it('when two workers drain one queue side by side, then every message is sent exactly once', async () => {
    const smtp = await startSmtp();
    const server = await startServer('postgres', { smtpUrl: smtp.url, worker: false });
    const second = await openStore({ url: PG_URL, pgSchema: server.testStore.pgSchema! });
    try {
      const org = (await server.api.post('/api/v1/organizations', { name: 'Fan' })).body.id;
      await importContacts(server, org, 300, 'two-');
      expect((await postAdvisory(server, { id: 'ADV-two-workers', organizationIds: [org] })).status).toBe(202);
      // A second process's worker on the same database, booted the way every process is.
      const { services: other } = await boot({ env: { ...server.env, LOG_LEVEL: 'silent' }, store: second, renderer: server.services.renderer });
      server.services.worker.start();
      other.worker.start();
      await smtp.waitFor(300, 30_000);
      await new Promise((r) => setTimeout(r, 500));
      await Promise.all([server.services.worker.stop(), other.worker.stop()]);
      const ids = smtp.received.map((m) => m.parsed.messageId);
      expect(ids).toHaveLength(300);
      expect(new Set(ids).size).toBe(300);
      const owners = await server.testStore.store.db.selectFrom('messages').select('status').where('fan_out_id', 'in', fanOutIds(server.testStore.store.db, 'ADV-two-workers')).execute();
      expect(owners.every((r) => r.status === 'sent')).toBe(true);
    } finally {
      await second.close();
      await server.close();
      await smtp.close();
    }
  });
});
