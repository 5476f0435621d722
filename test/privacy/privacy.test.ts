import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORES, PG_URL } from '../support/stores.js';
import { ADMIN_KEY, startServer, type TestServer } from '../support/server.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';
import { eventually, linksIn } from '../support/mail.js';
import { codeIn, nthMailTo, SelfServiceClient, signInByMail } from '../self-service/self-service-client.js';
import { FieldCrypto, keyId } from '../../server/crypto/field-crypto.js';
import { encryptAtRest } from '../../server/privacy/encrypt-at-rest.js';
import { applyRetention } from '../../server/privacy/retention.js';
import { retentionOwners } from '../../server/services.js';
import { openStore } from '../../server/store/db.js';
import { WebhookEndpoints } from '../../server/events/webhook-endpoints.js';

const EMAIL = 'zoe.secretname@private-clinic.example';
const METRICS_TOKEN = 'metrics-0123456789abcdefghijklmnopqrstuv';
const NAME = 'Zoé Secretname';

describe.each(STORES)('privacy rights and data protection on %s', (kind) => {
  let server: TestServer;
  let smtp: TestSmtp;
  let organizationId: string;

  /** Everything the store holds on disk (SQLite: the file and its WAL) or in a dump (PostgreSQL). */
  const rawStore = (): string => {
    if (kind === 'sqlite') {
      const file = server.testStore.url.slice('sqlite:'.length);
      return [file, `${file}-wal`, `${file}-shm`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f).toString('latin1')).join('\n');
    }
    return execFileSync('pg_dump', ['--no-owner', '-n', server.testStore.pgSchema!, PG_URL], { maxBuffer: 256 * 1024 * 1024 }).toString('latin1');
  };
  const latin1 = (s: string) => Buffer.from(s, 'utf8').toString('latin1');

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startServer(kind, { smtpUrl: smtp.url, env: { TRUST_PROXY: 'loopback', METRICS_TOKEN } });
    organizationId = (await server.api.post('/api/v1/organizations', { name: 'Clinique privée' })).body.id;
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.close();
  });

  it('when a contact is stored, then neither the store file nor a dump holds its address, name, phone or job title in clear', async () => {
    const res = await server.api.post('/api/v1/contacts', { organizationId, email: 'Stored.Person@Private-Clinic.example', name: NAME, phone: '+1 418 555 0199', jobTitle: 'Dentiste-chef' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ email: 'stored.person@private-clinic.example', name: NAME, phone: '+1 418 555 0199', jobTitle: 'Dentiste-chef' });
    expect((await server.api.get(`/api/v1/contacts?email=STORED.person@private-clinic.example`)).body.items).toHaveLength(1);
    const raw = rawStore();
    expect(raw.length).toBeGreaterThan(1000);
    for (const secret of ['stored.person', 'private-clinic', latin1(NAME), 'Secretname', '555 0199', 'Dentiste']) expect(raw).not.toContain(secret);
    const row = await server.testStore.store.db.selectFrom('contacts').selectAll().where('id', '=', res.body.id).executeTakeFirstOrThrow();
    expect(row.email).toMatch(/^enc1:[0-9a-f]{8}:/);
    expect(row.email_index).toMatch(/^[0-9a-f]{64}$/);
  });

  it('when a sign-in code, a fresh preferences link and a ticket update are sent, then neither the store nor a dump holds the code, the link or the ticket, before or after the erasure', async () => {
    const email = `kept-secret-${kind}@private-clinic.example`;
    const contact = (await server.api.post('/api/v1/contacts', { organizationId, email, name: 'Gardé Secret' })).body;
    const ext = new SelfServiceClient(server);
    await ext.requestCode(email);
    const code = codeIn(await nthMailTo(smtp, email, 1));
    const fresh = await fetch(`${server.url}/links/fresh`, { method: 'POST', body: new URLSearchParams({ email }), headers: { 'x-forwarded-for': ext.ip } });
    expect(fresh.status).toBe(200);
    const link = linksIn(await nthMailTo(smtp, email, 2)).find((l) => l.includes('/p/'))!;
    const token = link.slice(link.lastIndexOf('/') + 1);
    const marker = `MARKER-${crypto.randomBytes(6).toString('hex')}`;
    const ticket = await server.api.post('/api/v1/messages', {
      category: 'ticket-updates',
      template: 'ticket-update',
      to: { contactId: contact.id },
      data: { ticketId: 'T-77', subject: `${marker} printer`, status: 'Open', message: 'Call Gardé at 418-555-0177 when it is fixed.' },
    });
    const mail = await nthMailTo(smtp, email, 3);
    expect(mail.parsed.subject).toContain(marker);
    await eventually(() => server.api.get(`/api/v1/messages/${ticket.body.id}`), (r) => r.body.status === 'sent');
    const exported = (await server.api.get(`/api/v1/contacts/${contact.id}/export`)).body;
    expect(exported.messages.map((m: { subject: string }) => m.subject)).toContain(`[Ticket T-77] ${marker} printer`);

    const secrets = [code, token, token.split('.')[2]!, marker, '418-555-0177', latin1('Gardé at')];
    for (const secret of secrets) expect(rawStore()).not.toContain(secret);
    const { db } = server.testStore.store;
    const row = await db.selectFrom('messages').select(['data', 'subject']).where('id', '=', ticket.body.id).executeTakeFirstOrThrow();
    expect(row.data).toMatch(/^enc1:/);
    expect(row.subject).toMatch(/^enc1:/);

    expect((await server.api.delete(`/api/v1/contacts/${contact.id}`)).status).toBe(200);
    for (const secret of secrets) expect(rawStore()).not.toContain(secret);
    const log = await db.selectFrom('messages').select(['template', 'status', 'data', 'subject']).where('contact_id', '=', contact.id).execute();
    expect(log.map((m) => m.template).sort()).toEqual(['preferences-link', 'sign-in-code', 'ticket-update']);
    expect(log.every((m) => m.data === null && m.subject === null)).toBe(true);
  });

  it('when a contact asks for its data, then the export holds the profile, preferences, the full consent history and the messages sent', async () => {
    const contact = (await server.api.post('/api/v1/contacts', { organizationId, email: 'export@private-clinic.example', name: 'Exporté' })).body;
    await server.api.put(`/api/v1/contacts/${contact.id}/preferences`, { marketing: true, invoices: false });
    const sent = await server.api.post('/api/v1/messages', { category: 'ticket-updates', template: 'ticket-update', to: { contactId: contact.id }, data: { ticketId: 'T-5', subject: 'Printer', status: 'Closed', message: 'Done' } });
    await smtp.waitFor(1);
    const res = await server.api.get(`/api/v1/contacts/${contact.id}/export`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/attachment/);
    expect(res.body.contact).toMatchObject({ id: contact.id, email: 'export@private-clinic.example', name: 'Exporté', organization: { name: 'Clinique privée' } });
    expect(res.body.preferences).toMatchObject({ marketing: true, invoices: false });
    expect(res.body.consentHistory).toHaveLength(7);
    expect(res.body.consentHistory.at(-1)).toMatchObject({ category: 'invoices', previous: true, subscribed: false, source: 'admin' });
    await new Promise((r) => setTimeout(r, 300));
    expect(res.body.messages ?? (await server.api.get(`/api/v1/contacts/${contact.id}/export`)).body.messages).toEqual([
      expect.objectContaining({ id: sent.body.id, category: 'ticket-updates', template: 'ticket-update' }),
    ]);
    const later = (await server.api.get(`/api/v1/contacts/${contact.id}/export`)).body.messages[0];
    expect(later).toMatchObject({ subject: '[Ticket T-5] Printer', status: 'sent', sentAt: expect.any(String) });
    expect(JSON.stringify(later)).not.toContain('Done'); // no bodies
  });

  it('when a contact asks for a copy from the preference page, then it arrives at its own address as my-data.json, a few times an hour at most', async () => {
    const contact = (await server.api.post('/api/v1/contacts', { organizationId, email: `copy-${kind}@private-clinic.example`, name: 'Copie' })).body;
    const url = `${server.url}/p/${server.services.tokens.link('preferences', contact.id)}`;
    const page = await fetch(url, { method: 'POST', body: new URLSearchParams({ action: 'email-export', lang: 'fr' }) });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`Une copie de vos données est en route vers copy-${kind}@private-clinic.example`);
    const [mail] = await eventually(async () => smtp.to(`copy-${kind}@private-clinic.example`), (m) => m.length === 1, 10_000);
    const attachment = mail!.parsed.attachments.find((a) => a.filename === 'my-data.json');
    expect(attachment?.contentType).toBe('application/json');
    const data = JSON.parse(attachment!.content.toString('utf8'));
    expect(data.contact).toMatchObject({ id: contact.id, email: `copy-${kind}@private-clinic.example`, name: 'Copie' });
    expect(data.consentHistory).toHaveLength(5);
    for (let i = 0; i < 2; i++) await fetch(url, { method: 'POST', body: new URLSearchParams({ action: 'email-export' }) });
    expect((await fetch(url, { method: 'POST', body: new URLSearchParams({ action: 'email-export' }) })).status).toBe(429);
  });

  it('when a contact is erased, then it answers 404, nothing personal is left in the store, the history stays, queued mail is cancelled, and erasing again answers the same', async () => {
    const contact = (await server.api.post('/api/v1/contacts', { organizationId, email: EMAIL, name: NAME, phone: '+1 514 555 0142', jobTitle: 'Hygiéniste' })).body;
    await server.api.put(`/api/v1/contacts/${contact.id}/preferences`, { marketing: true });
    const { db } = server.testStore.store;
    // A queued message that the erasure must cancel: due in the future, so the worker leaves it.
    const row = { ...server.services.outbox.row({ contactId: contact.id, category: 'marketing', template: 'announcement', data: { title: 'Promo', body: 'x' }, status: 'queued' }), next_attempt_at: '2999-01-01T00:00:00.000Z' };
    await db.insertInto('messages').values(row).execute();
    const queued = { body: { id: row.id } };

    const receipt = await server.api.delete(`/api/v1/contacts/${contact.id}`);
    expect(receipt.status).toBe(200);
    expect(receipt.body.erased).toEqual(expect.arrayContaining(['email', 'name', 'phone', 'job-title', 'preferences']));
    expect(receipt.body.kept.map((k: { data: string }) => k.data)).toEqual(expect.arrayContaining(['consent-history']));
    expect(receipt.body.kept.every((k: { why: string }) => k.why.length > 20)).toBe(true);
    expect((await server.api.delete(`/api/v1/contacts/${contact.id}`)).body).toEqual(receipt.body);
    expect((await server.api.get(`/api/v1/contacts/${contact.id}`)).status).toBe(404);
    expect((await server.api.get(`/api/v1/contacts/${contact.id}/export`)).status).toBe(404);
    expect((await server.api.get(`/api/v1/messages/${queued.body.id}`)).body.status).toBe('suppressed');

    const history = await db.selectFrom('consent_history').select('id').where('contact_id', '=', contact.id).execute();
    expect(history).toHaveLength(6);
    const erasure = await db.selectFrom('erasures').selectAll().where('contact_id', '=', contact.id).executeTakeFirstOrThrow();
    expect(erasure.address_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(erasure.requested_by).toBe('api-key:bootstrap');

    const raw = rawStore();
    for (const secret of ['zoe.secretname', 'private-clinic.example', latin1(NAME), 'Secretname', '555 0142', latin1('Hygiéniste')]) expect(raw).not.toContain(secret);
  });

  it('when an erased address comes back by API or import, then it is refused unless an admin re-adds it explicitly', async () => {
    const again = await server.api.post('/api/v1/contacts', { organizationId, email: EMAIL.toUpperCase() });
    expect(again.status).toBe(409);
    expect(again.body.type).toBe('/problems/erased-address');
    const imported = await server.api.request('POST', '/api/v1/contacts/import', { body: `email,name,locale,organizationId\n${EMAIL},Zoé,fr,${organizationId}\n`, contentType: 'text/csv' });
    expect(imported.body).toMatchObject({ created: 0, rejected: 1, errors: [{ line: 2, field: 'email', reason: expect.stringMatching(/erased/) }] });
    const restored = await server.api.post('/api/v1/contacts', { organizationId, email: EMAIL, restoreErased: true });
    expect(restored.status).toBe(201);
    const mail = await server.api.post('/api/v1/messages', { category: 'ticket-updates', template: 'ticket-update', to: { contactId: restored.body.id }, data: { ticketId: 'T', subject: 's', status: 'o', message: 'm' } });
    expect(mail.body.status).toBe('queued');
  });

  it('when a signed-in contact downloads and then erases its own data from the extension, then it gets its export, then a receipt, and its session ends', async () => {
    const email = `self-${kind}@private-clinic.example`;
    await server.api.post('/api/v1/contacts', { organizationId, email, name: 'Soi-même' });
    const client = new SelfServiceClient(server);
    await signInByMail(client, smtp, email);
    const exported = await client.request('GET', '/api/v1/me/export');
    expect(exported.status).toBe(200);
    expect(exported.body.contact).toMatchObject({ email, name: 'Soi-même' });
    expect(exported.body.messages.map((m: { template: string }) => m.template)).toContain('sign-in-code');
    const erased = await client.request('DELETE', '/api/v1/me');
    expect(erased.status).toBe(200);
    expect(erased.body.erased).toContain('email');
    expect((await client.me()).status).toBe(401);
    expect((await server.api.get(`/api/v1/contacts?email=${email}`)).body.items).toHaveLength(0);
  });

  it('when admin-API calls are made, then each authenticated one is in the audit log with key, action, target and outcome, readable by admin only', async () => {
    const support = (await server.api.post('/api/v1/api-keys', { name: 'helpdesk', role: 'support' })).body;
    const org = (await server.api.post('/api/v1/organizations', { name: 'Audited' })).body;
    await server.api.as(support.key).delete(`/api/v1/contacts/${crypto.randomUUID()}`);
    // Entries are written as each answer finishes: wait for the last call's.
    const page = await eventually(() => server.api.get('/api/v1/audit-log?limit=20'), (r) => r.body.items.some((e: { outcome: number }) => e.outcome === 403));
    const entries = page.body.items as { keyId: string | null; action: string; target: string | null; outcome: number; at: string }[];
    expect(entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ keyId: 'bootstrap', action: 'POST /api/v1/organizations', target: org.id, outcome: 201 }),
        expect.objectContaining({ keyId: support.id, action: 'DELETE /api/v1/contacts/:id', outcome: 403 }),
      ]),
    );
    expect(JSON.stringify(entries)).not.toContain(ADMIN_KEY);
    expect((await server.api.as(support.key).get('/api/v1/audit-log')).status).toBe(403);
    await expect(sql`UPDATE audit_log SET outcome = 200`.execute(server.testStore.store.db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM audit_log`.execute(server.testStore.store.db)).rejects.toThrow(/append-only/);
  });

  it('when strangers call the admin API without a valid key, then no audit row is written, whatever the path: they are counted in a metric instead', async () => {
    const { db } = server.testStore.store;
    const count = async () => Number((await db.selectFrom('audit_log').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    await server.api.get('/api/v1/organizations'); // settles any entry still being written
    await new Promise((r) => setTimeout(r, 200));
    const before = await count();
    const stranger = server.api.as('sk_not_a_key_at_all');
    for (let i = 0; i < 5; i++) await stranger.get(`/api/v1/contacts/attacker-chosen-${i}-${'x'.repeat(200)}`);
    await server.api.as(null).request('DELETE', '/api/v1/contacts');
    await new Promise((r) => setTimeout(r, 300));
    expect(await count()).toBe(before);
    expect(JSON.stringify(await db.selectFrom('audit_log').select('action').execute())).not.toContain('attacker-chosen');

    const metrics = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/^api_unauthenticated_requests_total\{status="401"\} 6$/m);
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).status).toBe(401);
  });

  it('when retention runs, then old finished messages, expired codes and sessions, and history older than its period go; queued mail and recent history stay', async () => {
    const { db } = server.testStore.store;
    const contact = (await server.api.post('/api/v1/contacts', { organizationId, email: `retention-${kind}@private-clinic.example` })).body;
    const old = new Date(Date.now() - 400 * 86_400_000).toISOString();
    const ancient = new Date(Date.now() - 8 * 365 * 86_400_000).toISOString();
    const base = { contact_id: contact.id, category: 'ticket-updates', template: 'ticket-update', data: '{}', fan_out_id: null, api_key_id: null, idempotency_key: null, attempts: 0, last_error: null, lease_owner: null, lease_until: null, subject: null, sent_at: null, created_at: old, updated_at: old, next_attempt_at: '2999-01-01T00:00:00.000Z' };
    await db.insertInto('messages').values([
      { ...base, id: crypto.randomUUID(), status: 'sent', first_status: 'queued' },
      { ...base, id: crypto.randomUUID(), status: 'queued', first_status: 'queued' },
    ]).execute();
    await db.insertInto('consent_history').values({ contact_id: contact.id, category: 'marketing', old_value: 0, new_value: 1, source: 'admin', at: ancient, ip: null, user_agent: null }).execute();
    await expect(sql`DELETE FROM consent_history WHERE at < '2000-01-01' OR contact_id = ${contact.id}`.execute(db)).rejects.toThrow(/append-only/);

    const report = await applyRetention(db, retentionOwners(server.config.retention));
    expect(report.messages).toBeGreaterThanOrEqual(1);
    expect(report.consentHistory).toBe(1);
    const left = await db.selectFrom('messages').select('status').where('contact_id', '=', contact.id).execute();
    expect(left.map((m) => m.status)).toEqual(['queued']);
    expect(await db.selectFrom('consent_history').select('id').where('contact_id', '=', contact.id).execute()).toHaveLength(5);
    // The floor is back down: a recent row still cannot be deleted.
    await expect(sql`DELETE FROM consent_history WHERE contact_id = ${contact.id}`.execute(db)).rejects.toThrow(/append-only/);
  });
});

describe('data key rotation', () => {
  it('when the rotation runs with the new key and the previous one, then every field, message data included, moves to the new key and lookups keep working with the new key alone', async () => {
    const oldKey = crypto.randomBytes(32);
    const newKey = crypto.randomBytes(32);
    const first = await startServer('sqlite', { env: { DATA_KEY: oldKey.toString('base64') } });
    const org = (await first.api.post('/api/v1/organizations', { name: 'Rotation' })).body.id;
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push((await first.api.post('/api/v1/contacts', { organizationId: org, email: `r${i}@rotate.example`, name: `Person ${i}` })).body.id);
    const data = { ticketId: 'T-1', subject: 'Rotated subject', status: 'Open', message: 'Rotated message' };
    const queued = await first.api.post('/api/v1/messages', { category: 'ticket-updates', template: 'ticket-update', to: { contactId: ids[0] }, data });
    const { store } = first.testStore;

    const rotating = await FieldCrypto.open(store.db, newKey, oldKey);
    expect(await encryptAtRest(store, rotating, { batchSize: 7 })).toEqual({ contacts: 30, messages: 1 });
    expect(await encryptAtRest(store, rotating)).toEqual({ contacts: 0, messages: 0 }); // idempotent
    const rows = await store.db.selectFrom('contacts').select(['email', 'name']).execute();
    expect(rows.every((r) => r.email.startsWith(`enc1:${keyId(newKey)}:`) && r.name!.startsWith(`enc1:${keyId(newKey)}:`))).toBe(true);
    const message = await store.db.selectFrom('messages').selectAll().where('id', '=', queued.body.id).executeTakeFirstOrThrow();
    expect(message.data).toMatch(new RegExp(`^enc1:${keyId(newKey)}:`));
    expect(JSON.parse(rotating.decrypt(message.data!))).toEqual(data);

    // A row written before message data was sealed is sealed at the next start.
    const legacy = { ...message, id: crypto.randomUUID(), data: JSON.stringify(data), subject: 'Legacy subject', idempotency_key: null };
    await store.db.insertInto('messages').values(legacy).execute();
    expect(await encryptAtRest(store, rotating, { onlyUnsealed: true })).toEqual({ contacts: 0, messages: 1 });
    const sealed = await store.db.selectFrom('messages').select(['data', 'subject']).where('id', '=', legacy.id).executeTakeFirstOrThrow();
    expect(rotating.decrypt(sealed.subject!)).toBe('Legacy subject');
    expect(sealed.data).toMatch(/^enc1:/);

    const onlyNew = await FieldCrypto.open(store.db, newKey, null);
    expect(onlyNew.emailIndex('r7@rotate.example')).toBe(rotating.emailIndex('r7@rotate.example'));
    await expect(FieldCrypto.open(store.db, crypto.randomBytes(32), null)).rejects.toThrow(/DATA_KEY_PREVIOUS/);
    await first.close();
  });

  it('when npm run rotate-data-key and npm run retention run as commands, then they finish and report', async () => {
    const dir = fs.mkdtempSync('/tmp/consent-rotate-');
    const oldKey = crypto.randomBytes(32).toString('base64');
    const newKey = crypto.randomBytes(32).toString('base64');
    const env = { ...process.env, DATA_DIR: dir, DATABASE_URL: `sqlite:${path.join(dir, 'c.db')}`, LOG_LEVEL: 'silent' };
    const run = (script: string, extra: Record<string, string>) =>
      execFileSync(process.execPath, ['--import', 'tsx', script], { env: { ...env, ...extra }, cwd: path.resolve(import.meta.dirname, '../..') }).toString();
    expect(JSON.parse(run('server/cli/rotate-data-key.ts', { DATA_KEY: oldKey }))).toEqual({ rewritten: { contacts: 0, messages: 0, webhookEndpoints: 0 } });
    // An outgoing webhook's signing secret, sealed under the old key, is sealed again under the new one.
    const store = await openStore({ url: env.DATABASE_URL });
    const policy = { production: false, allowedInternalHosts: new Set<string>() };
    const { id, secret } = await new WebhookEndpoints({ db: store.db, crypto: await FieldCrypto.open(store.db, Buffer.from(oldKey, 'base64'), null), policy }).create({
      url: 'http://127.0.0.1:9/psa',
      events: ['consent.changed'],
      includeEmail: false,
    });
    await store.close();
    expect(JSON.parse(run('server/cli/rotate-data-key.ts', { DATA_KEY: newKey, DATA_KEY_PREVIOUS: oldKey }))).toEqual({ rewritten: { contacts: 0, messages: 0, webhookEndpoints: 1 } });
    const reopened = await openStore({ url: env.DATABASE_URL });
    const newKeyOnly = await FieldCrypto.open(reopened.db, Buffer.from(newKey, 'base64'), null);
    expect((await new WebhookEndpoints({ db: reopened.db, crypto: newKeyOnly, policy }).signingSecrets(id)).current).toBe(secret);
    await reopened.close();
    const report = JSON.parse(run('server/cli/retention.ts', { DATA_KEY: newKey }));
    expect(report.retention).toEqual({ messageLogDays: 365, consentHistoryDays: 2555, auditLogDays: 365 });
    expect(report.deleted).toMatchObject({ messages: 0, consentHistory: 0 });
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
