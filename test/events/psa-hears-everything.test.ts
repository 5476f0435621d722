// What the issue asks of events out, end to end: an MSP points its PSA at the service and hears,
// signed and in order, of every consent change whatever its path (one-click, page, extension,
// admin, import, complaint) and of every message's outcome (sent, failed, suppressed, bounced,
// complained), with reasons as codes and nothing personal beyond the ids.
import { readFileSync } from 'node:fs';
import nodemailer, { type Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_EVENT_TYPES } from '../../contract/index.js';
import { startInboundReceiver } from '../../server/deliverability/inbound-receiver.js';
import { eventually } from '../support/mail.js';
import { postForm } from '../support/pages.js';
import { psa, type Received } from '../support/receiver.js';
import { postAdvisory } from '../support/seed.js';
import { startServer, type TestServer } from '../support/server.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';
import { STORES } from '../support/stores.js';
import { SelfServiceClient, signInByMail } from '../self-service/self-service-client.js';

const BOUNCE_DOMAIN = 'bounces.msp.example';
const invoice = { invoiceNumber: 'INV-2001', amount: '80.00', currency: 'CAD', issuedAt: '2026-11-01', dueAt: '2026-12-01', url: 'https://billing.msp.example/i/2001' };
const fixture = (name: string, fields: Record<string, string>) =>
  readFileSync(new URL(`../deliverability/fixtures/${name}`, import.meta.url), 'utf8').replace(/\{\{(\w+)\}\}/g, (_, key: string) => fields[key] ?? `{{${key}}}`);

describe.each(STORES)('an MSP’s PSA hears of every consent change and every message outcome on %s', (kind) => {
  let server: TestServer;
  let smtp: TestSmtp;
  let inbound: { port: number; close: () => Promise<void> };
  let reports: Transporter;
  let receiver: Awaited<ReturnType<typeof psa>>;
  let endpointId: string;
  let serial = 0;

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startServer(kind, { smtpUrl: smtp.url, env: { BOUNCE_DOMAIN, TRUST_PROXY: 'loopback', WEBHOOK_RETRY_BASE_MS: '50' } });
    inbound = await startInboundReceiver({ references: server.services.references, feedback: server.services.deliveryFeedback, logger: server.logger }, { port: 0, host: '127.0.0.1' });
    reports = nodemailer.createTransport({ host: '127.0.0.1', port: inbound.port, secure: false, ignoreTLS: true });
    receiver = await psa();
    const endpoint = await server.api.post('/api/v1/webhook-endpoints', { url: receiver.url, events: [...WEBHOOK_EVENT_TYPES] });
    expect(endpoint.status).toBe(201);
    endpointId = endpoint.body.id;
    receiver.secret = endpoint.body.secret;
  });
  afterAll(async () => {
    reports?.close();
    await inbound?.close();
    await server?.close();
    await smtp?.close();
    await receiver?.close();
  });

  const organization = async (name: string) => (await server.api.post('/api/v1/organizations', { name: `${name} ${kind}`, locale: 'en' })).body.id as string;
  async function contact(organizationId: string) {
    const email = `person${(serial += 1)}.${kind}@psa.example`;
    const res = await server.api.post('/api/v1/contacts', { organizationId, email });
    expect(res.status).toBe(201);
    return { id: res.body.id as string, email };
  }
  const about = (contactId: string, type: string) => receiver.received.filter((e) => e.type === type && e.data['contactId'] === contactId);
  /** Waits until the receiver holds `n` events of `type` about the contact, and a moment more for any extra one. */
  async function heard(contactId: string, type: string, n: number): Promise<Received[]> {
    await eventually(async () => about(contactId, type).length, (count) => count >= n, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    return about(contactId, type);
  }
  const send = (contactId: string, category: string, template: string, data: Record<string, unknown>) =>
    server.api.post('/api/v1/messages', { category, template, to: { contactId }, data });
  const outcome = (id: string) => eventually(() => server.api.get(`/api/v1/messages/${id}`).then((r) => r.body), (m) => !['queued', 'sending'].includes(m.status));
  const report = (envelopeTo: string, raw: string) => reports.sendMail({ envelope: { from: '', to: envelopeTo }, raw });
  const lastMailTo = async (email: string, n: number) => (await eventually(async () => smtp.to(email), (mails) => mails.length >= n)).at(-1)!;

  it('when one person’s consent changes by one-click, the page, the extension, an admin, an import and a complaint, then each change is exactly one signed consent.changed, in order, with its source', async () => {
    const org = await organization('Paths');
    await contact(org); // a colleague who keeps receiving everything
    const person = await contact(org);

    const oneClick = await fetch(`${server.url}/u/${server.services.tokens.link('unsubscribe', person.id, 'service-alerts')}`, {
      method: 'POST',
      body: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(oneClick.status).toBe(200);
    const page = `${server.url}/p/${server.services.tokens.link('preferences', person.id)}`;
    // Saved with invoices unticked: the one category that changes.
    expect((await postForm(page, [['action', 'save'], ['category', 'ticket-updates'], ['category', 'security-advisories']])).status).toBe(200);
    const extension = new SelfServiceClient(server);
    await signInByMail(extension, smtp, person.email);
    expect((await extension.setPreferences({ 'ticket-updates': false })).status).toBe(200);
    expect((await server.api.put(`/api/v1/contacts/${person.id}/preferences`, { marketing: { subscribed: true, basis: 'express' } })).status).toBe(200);
    const imported = await server.api.request('POST', '/api/v1/contacts/import', { body: `email,name,locale,organizationId,service-alerts\n${person.email},,en,${org},on`, contentType: 'text/csv' });
    expect(imported.body).toMatchObject({ updated: 1, rejected: 0 });
    const announcement = await send(person.id, 'marketing', 'announcement', { title: 'News', body: 'Our news.' });
    expect(announcement.status).toBe(202);
    const verp = (await lastMailTo(person.email, 2)).from;
    await report(`fbl@${BOUNCE_DOMAIN}`, fixture('yahoo-arf.eml', { FBL: `fbl@${BOUNCE_DOMAIN}`, VERP: verp, RECIPIENT: person.email, FEEDBACK_TYPE: 'abuse', DATE: new Date().toUTCString(), ID: `arf-${serial}` }));

    const changes = (await heard(person.id, 'consent.changed', 8)).map((e) => [e.data['category'], e.data['old'], e.data['new'], e.data['source']]);
    expect(changes.slice(0, 5)).toEqual([
      ['service-alerts', true, false, 'one-click'],
      ['invoices', true, false, 'preference-page'],
      ['ticket-updates', true, false, 'extension'],
      ['marketing', false, true, 'admin'],
      ['service-alerts', false, true, 'import'],
    ]);
    // A complaint turns off, at once, every category the person still received.
    expect(changes.slice(5).sort()).toEqual([
      ['marketing', true, false, 'complaint'],
      ['security-advisories', true, false, 'complaint'],
      ['service-alerts', true, false, 'complaint'],
    ]);
    // The complaint is told first, then what it withdrew.
    const [complained] = await heard(person.id, 'message.complained', 1);
    expect(complained!.data).toEqual({ contactId: person.id, organizationId: org, messageId: announcement.body.id, category: 'marketing', template: 'announcement' });
    const order = receiver.received.filter((e) => e.data['contactId'] === person.id).map((e) => e.type);
    expect(order.indexOf('message.complained')).toBeLessThan(order.lastIndexOf('consent.changed'));
    expect(order.indexOf('message.complained')).toBeGreaterThan(order.indexOf('consent.changed'));
    expect(receiver.refused).toEqual([]);
  });

  it('when messages are sent, refused, held back for three reasons and bounce, then each outcome is one event with codes, never an address or a server’s words', async () => {
    const org = await organization('Outcomes');
    const [sent, refused, unsubscribed, digest, picky] = [await contact(org), await contact(org), await contact(org), await contact(org), await contact(org)];
    smtp.setVerdict((rcpt) => (rcpt === refused.email ? { accept: false, code: 550, message: `5.1.1 <${refused.email}>: no such user here` } : { accept: true }));
    expect((await server.api.put(`/api/v1/contacts/${unsubscribed.id}/preferences`, { invoices: false })).status).toBe(200);
    expect((await server.api.put(`/api/v1/contacts/${digest.id}/preferences`, { 'ticket-updates': { subscribed: true, ticketDelivery: 'daily' } })).status).toBe(200);
    expect((await server.api.put(`/api/v1/contacts/${picky.id}/preferences`, { 'security-advisories': { subscribed: true, advisoryThreshold: 'critical' } })).status).toBe(200);

    const toSent = await send(sent.id, 'invoices', 'invoice-receipt', invoice);
    const toRefused = await send(refused.id, 'invoices', 'invoice-receipt', invoice);
    const toUnsubscribed = await send(unsubscribed.id, 'invoices', 'invoice-receipt', invoice);
    expect(toUnsubscribed.body.status).toBe('suppressed');
    const toDigest = await send(digest.id, 'ticket-updates', 'ticket-update', { ticketId: 'T-9', subject: 'Printer', status: 'open', message: 'Looking into it.' });
    expect((await outcome(toSent.body.id)).status).toBe('sent');
    expect(await outcome(toRefused.body.id)).toMatchObject({ status: 'failed', lastError: '550 5.1.1 <address>: no such user here' });
    expect((await outcome(toDigest.body.id)).status).toBe('suppressed');
    const advisory = await postAdvisory(server.url, { id: `psa-high-${kind}`, severity: 'high', organizationIds: [org] });
    expect(await advisory.json()).toMatchObject({ suppressed: 1 });
    const verp = (await lastMailTo(sent.email, 1)).from;
    await report(verp, fixture('postfix-dsn.eml', { VERP: verp, RECIPIENT: sent.email, STATUS: '5.1.1', DIAGNOSTIC: `550 5.1.1 <${sent.email}>: User unknown`, DATE: new Date().toUTCString(), ID: `dsn-${serial}` }));

    const message = (id: string, category: string, template: string) => ({ messageId: id, category, template });
    // The advisory reached this person too; here, the invoice.
    expect((await heard(sent.id, 'message.sent', 1)).filter((e) => e.data['template'] === 'invoice-receipt').map((e) => e.data)).toEqual([{ contactId: sent.id, organizationId: org, ...message(toSent.body.id, 'invoices', 'invoice-receipt') }]);
    expect((await heard(sent.id, 'message.bounced', 1)).map((e) => e.data)).toEqual([
      { contactId: sent.id, organizationId: org, ...message(toSent.body.id, 'invoices', 'invoice-receipt'), kind: 'hard', statusCode: '5.1.1' },
    ]);
    expect((await heard(refused.id, 'message.failed', 1)).map((e) => e.data)).toEqual([
      { contactId: refused.id, organizationId: org, ...message(toRefused.body.id, 'invoices', 'invoice-receipt'), reason: 'permanent', smtpCode: 550, statusCode: '5.1.1' },
    ]);
    expect((await heard(unsubscribed.id, 'message.suppressed', 1)).map((e) => e.data)).toEqual([
      { contactId: unsubscribed.id, organizationId: org, ...message(toUnsubscribed.body.id, 'invoices', 'invoice-receipt'), reason: 'not-subscribed' },
    ]);
    expect((await heard(digest.id, 'message.suppressed', 1)).map((e) => e.data)).toEqual([
      { contactId: digest.id, organizationId: org, ...message(toDigest.body.id, 'ticket-updates', 'ticket-update'), reason: 'daily-digest' },
    ]);
    const [held] = await heard(picky.id, 'message.suppressed', 1);
    expect(held!.data).toEqual({ contactId: picky.id, organizationId: org, ...message(expect.any(String), 'security-advisories', 'security-advisory'), reason: 'below-threshold' });
    expect(JSON.stringify(receiver.received)).not.toMatch(/@|no such user|User unknown/);
    smtp.setVerdict(() => ({ accept: true }));
  });

  it('when no endpoint wants message events, then an outcome writes none; enabling one here takes effect at the next message', async () => {
    const org = await organization('Quiet');
    const person = await contact(org);
    const messageEvents = () => server.testStore.store.db.selectFrom('events').select('type').where('contact_id', '=', person.id).where('type', 'like', 'message.%').execute();
    expect((await server.api.patch(`/api/v1/webhook-endpoints/${endpointId}`, { enabled: false })).status).toBe(200);
    try {
      const quiet = await send(person.id, 'invoices', 'invoice-receipt', invoice);
      expect((await outcome(quiet.body.id)).status).toBe('sent');
      expect(await messageEvents()).toEqual([]);
    } finally {
      expect((await server.api.patch(`/api/v1/webhook-endpoints/${endpointId}`, { enabled: true })).status).toBe(200);
    }
    const told = await send(person.id, 'invoices', 'invoice-receipt', invoice);
    expect((await outcome(told.body.id)).status).toBe('sent');
    expect((await messageEvents()).map((e) => e.type)).toEqual(['message.sent']);
    expect((await heard(person.id, 'message.sent', 1)).map((e) => e.data['messageId'])).toEqual([told.body.id]);
  });
});
