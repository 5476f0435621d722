// Bounces and complaints that come back after sending, through the real inbound SMTP receiver:
// each message leaves with its own signed envelope sender (VERP); a delivery status notification
// (Postfix, Exchange Online) or an abuse report (Yahoo's feedback loop) is sent to it by a real
// SMTP client, and what the contact receives next changes. Hostile mail changes nothing.
import { readFileSync } from 'node:fs';
import nodemailer, { type Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/mail.js';
import { startServer, type TestServer } from '../support/server.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';
import { STORES } from '../support/stores.js';
import { MAX_REPORT_BYTES, startInboundReceiver } from '../../server/deliverability/inbound-receiver.js';

const BOUNCE_DOMAIN = 'bounces.msp.example';
const DAY_MS = 86_400_000;
const invoice = { invoiceNumber: 'INV-1001', amount: '120.00', currency: 'CAD', issuedAt: '2026-11-01', dueAt: '2026-12-01', url: 'https://billing.msp.example/i/1001' };

const fixture = (name: string, fields: Record<string, string>) =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8').replace(/\{\{(\w+)\}\}/g, (_, key: string) => fields[key] ?? `{{${key}}}`);

describe.each(STORES)('bounces and complaints that arrive later, on %s', (kind) => {
  let server: TestServer;
  let smtp: TestSmtp;
  let inbound: { port: number; close: () => Promise<void> };
  let reports: Transporter;
  let run = 0;

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startServer(kind, { smtpUrl: smtp.url, env: { BOUNCE_DOMAIN } });
    inbound = await startInboundReceiver(
      { references: server.services.references, feedback: server.services.deliveryFeedback, logger: server.logger },
      { port: 0, host: '127.0.0.1' },
    );
    reports = nodemailer.createTransport({ host: '127.0.0.1', port: inbound.port, secure: false, ignoreTLS: true });
  });
  afterAll(async () => {
    reports?.close();
    await inbound?.close();
    await server?.close();
    await smtp?.close();
  });

  async function contact(locale: 'en' | 'fr' = 'en') {
    run++;
    const org = await server.api.post('/api/v1/organizations', { name: `Clinique ${run} ${kind}`, locale });
    const email = `person.${run}.${kind}@client.example`;
    const res = await server.api.post('/api/v1/contacts', { organizationId: org.body.id, email, locale });
    expect(res.status).toBe(201);
    return { id: res.body.id as string, email, organizationId: org.body.id as string };
  }

  /** Sends an invoice and answers the message id and the envelope sender it left with. */
  async function sendInvoice(to: { id: string; email: string }) {
    const before = smtp.to(to.email).length;
    const res = await server.api.post('/api/v1/messages', { category: 'invoices', template: 'invoice-receipt', to: { contactId: to.id }, data: invoice });
    expect(res.status).toBe(202);
    const mails = await eventually(async () => smtp.to(to.email), (m) => m.length > before);
    return { messageId: res.body.id as string, verp: mails.at(-1)!.from };
  }

  const report = (envelopeTo: string, raw: string) => reports.sendMail({ envelope: { from: '', to: envelopeTo }, raw });
  const message = async (id: string) => (await server.api.get(`/api/v1/messages/${id}`)).body;

  it('when a message is sent, then its envelope sender is a signed bounce address of its own', async () => {
    const person = await contact();
    const first = await sendInvoice(person);
    const second = await sendInvoice(person);
    expect(first.verp).toMatch(new RegExp(`^bounces\\+[0-9a-f]{32}\\.[0-9a-f]{16}@${BOUNCE_DOMAIN.replaceAll('.', '\\.')}$`));
    expect(first.verp).toContain(first.messageId.replaceAll('-', ''));
    expect(second.verp).not.toBe(first.verp);
    expect(server.services.references.messageIdOfAddress(first.verp.toUpperCase())).toBe(first.messageId);
  });

  it('when a Postfix DSN says 5.1.1 a day later, then the message shows the bounce without the address, the address is suppressed, and the next email is not sent', async () => {
    const person = await contact();
    const { messageId, verp } = await sendInvoice(person);
    const diagnostic = `550 5.1.1 <${person.email}>: Recipient address rejected: User unknown in virtual mailbox table`;
    await report(verp, fixture('postfix-dsn.eml', { VERP: verp, RECIPIENT: person.email, STATUS: '5.1.1', DIAGNOSTIC: diagnostic, DATE: new Date().toUTCString(), ID: `dsn-${run}` }));
    const bounced = await eventually(() => message(messageId), (m) => m.bounced !== null);
    expect(bounced).toMatchObject({ status: 'sent', bounced: { kind: 'hard', statusCode: '5.1.1' }, complained: null });
    expect(bounced.bounced.diagnostic).toBe('550 5.1.1 <address>: Recipient address rejected: User unknown in virtual mailbox table');
    expect(JSON.stringify(bounced)).not.toContain(person.email);

    const next = await server.api.post('/api/v1/messages', { category: 'invoices', template: 'invoice-receipt', to: { contactId: person.id }, data: invoice });
    const state = await eventually(() => message(next.body.id), (m) => m.status !== 'queued' && m.status !== 'sending');
    expect(state.status).toBe('suppressed');
    expect(smtp.to(person.email)).toHaveLength(1);

    // The same report again is counted once.
    await report(verp, fixture('postfix-dsn.eml', { VERP: verp, RECIPIENT: person.email, STATUS: '5.1.1', DIAGNOSTIC: diagnostic, DATE: new Date().toUTCString(), ID: `dsn-${run}` }));
    const counts = await server.api.get('/api/v1/deliverability?days=1');
    expect(counts.status).toBe(200);
    expect(counts.body.byOrganization.find((o: { organizationId: string }) => o.organizationId === person.organizationId)).toEqual({
      organizationId: person.organizationId,
      hardBounces: 1,
      softBounces: 0,
      complaints: 0,
    });
    expect(counts.body.byCategory.find((c: { category: string }) => c.category === 'invoices').hardBounces).toBeGreaterThanOrEqual(1);
    const stats = await server.api.get('/api/v1/queue-stats');
    expect(stats.body.bouncesLastDay).toBeGreaterThanOrEqual(1);
  });

  it('when Exchange Online returns a 5.1.10 NDR with the original attached, then it is a hard bounce too', async () => {
    const person = await contact();
    const { messageId, verp } = await sendInvoice(person);
    await report(verp, fixture('exchange-online-ndr.eml', { VERP: verp, RECIPIENT: person.email, STATUS: '5.1.10', DIAGNOSTIC: '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup', DATE: new Date().toUTCString(), ID: `ndr-${run}` }));
    const bounced = await eventually(() => message(messageId), (m) => m.bounced !== null);
    expect(bounced.bounced).toMatchObject({ kind: 'hard', statusCode: '5.1.10' });
  });

  it('when a mailbox is full three times within 14 days, then the address is suppressed for 7 days from the last; two, or three spread wider, suppress nothing', async () => {
    const softly = async (person: { id: string; email: string }, daysAgo: number[]) => {
      for (const [i, days] of daysAgo.entries()) {
        const { messageId, verp } = await sendInvoice(person);
        const date = new Date(Date.now() - days * DAY_MS).toUTCString();
        await report(verp, fixture('postfix-dsn.eml', { VERP: verp, RECIPIENT: person.email, STATUS: '4.2.2', DIAGNOSTIC: '452 4.2.2 Mailbox full', DATE: date, ID: `soft-${run}-${i}` }));
        await eventually(() => message(messageId), (m) => m.bounced?.kind === 'soft');
      }
    };
    const suppressed = (person: { email: string }) => server.services.suppressions.reasonFor(person.email);

    const threeRecent = await contact();
    await softly(threeRecent, [10, 5, 1]);
    expect(await suppressed(threeRecent)).toBe('soft bounces (3 in 14 days)');

    const two = await contact();
    await softly(two, [3, 1]);
    expect(await suppressed(two)).toBeNull();

    const spread = await contact();
    await softly(spread, [20, 10, 1]);
    expect(await suppressed(spread)).toBeNull();

    // The third was 9 days ago: its 7 days are over, the address receives again.
    const over = await contact();
    await softly(over, [12, 10, 9]);
    expect(await suppressed(over)).toBeNull();
  });

  it('when Yahoo reports an email as spam through its feedback loop, then every category the person may leave is turned off (source complaint), a locked one stays, and the message shows the complaint', async () => {
    const person = await contact();
    expect((await server.api.put(`/api/v1/contacts/${person.id}/preferences`, { marketing: { subscribed: true, basis: 'express' } })).status).toBe(200);
    expect((await server.api.put(`/api/v1/organizations/${person.organizationId}/policy`, { 'security-advisories': { locked: true } })).status).toBe(200);
    const { messageId, verp } = await sendInvoice(person);
    await report(`fbl@${BOUNCE_DOMAIN}`, fixture('yahoo-arf.eml', { FBL: `fbl@${BOUNCE_DOMAIN}`, VERP: verp, RECIPIENT: person.email, FEEDBACK_TYPE: 'abuse', DATE: new Date().toUTCString(), ID: `arf-${run}` }));
    const complained = await eventually(() => message(messageId), (m) => m.complained !== null);
    expect(complained.bounced).toBeNull();

    const after = (await server.api.get(`/api/v1/contacts/${person.id}`)).body;
    expect(after.preferences).toEqual({ 'ticket-updates': false, invoices: false, 'security-advisories': true, 'service-alerts': false, marketing: false });
    const history = (await server.api.get(`/api/v1/contacts/${person.id}/consent-history`)).body as { category: string; source: string; subscribed: boolean }[];
    expect(history.filter((h) => h.source === 'complaint').map((h) => h.category).sort()).toEqual(['invoices', 'marketing', 'service-alerts', 'ticket-updates']);
    expect(history.filter((h) => h.source === 'complaint').every((h) => !h.subscribed)).toBe(true);
    const stats = await server.api.get('/api/v1/queue-stats');
    expect(stats.body.complaintsLastDay).toBeGreaterThanOrEqual(1);

    // "Not spam" changes nothing.
    const other = await contact();
    const sent = await sendInvoice(other);
    await report(`fbl@${BOUNCE_DOMAIN}`, fixture('yahoo-arf.eml', { FBL: `fbl@${BOUNCE_DOMAIN}`, VERP: sent.verp, RECIPIENT: other.email, FEEDBACK_TYPE: 'not-spam', DATE: new Date().toUTCString(), ID: `notspam-${run}` }));
    expect((await message(sent.messageId)).complained).toBeNull();
    expect((await server.api.get(`/api/v1/contacts/${other.id}`)).body.preferences.invoices).toBe(true);
  });

  it('when hostile or stray mail arrives, then other addresses and forged references are refused, oversized mail is refused, and mail that is not a report is dropped', async () => {
    const person = await contact();
    const { messageId, verp } = await sendInvoice(person);
    const forged = verp.replace(/\.([0-9a-f]{16})@/, (_, mac: string) => `.${mac.slice(0, 15)}${mac.endsWith('0') ? '1' : '0'}@`);
    const dsn = (to: string) => fixture('postfix-dsn.eml', { VERP: to, RECIPIENT: person.email, STATUS: '5.1.1', DIAGNOSTIC: '550 5.1.1 unknown', DATE: new Date().toUTCString(), ID: `hostile-${run}` });
    await expect(report(forged, dsn(forged))).rejects.toMatchObject({ responseCode: 550 });
    await expect(report(`postmaster@${BOUNCE_DOMAIN}`, dsn(verp))).rejects.toMatchObject({ responseCode: 550 });
    await expect(report(`someone@client.example`, dsn(verp))).rejects.toMatchObject({ responseCode: 550 });
    await expect(report(verp, `${dsn(verp)}\n${'x'.repeat(MAX_REPORT_BYTES)}`)).rejects.toMatchObject({ responseCode: 552 });
    await report(verp, fixture('not-a-report.eml', { VERP: verp, DATE: new Date().toUTCString(), ID: `stray-${run}` }));
    // A complaint to the feedback-loop address whose original names no message of ours.
    await report(`fbl@${BOUNCE_DOMAIN}`, fixture('yahoo-arf.eml', { FBL: `fbl@${BOUNCE_DOMAIN}`, VERP: forged, RECIPIENT: person.email, FEEDBACK_TYPE: 'abuse', DATE: new Date().toUTCString(), ID: `forged-${run}` }));
    await eventually(async () => server.logs, (lines) => lines.some((l) => l.includes('report dropped: it names no message of ours')));
    expect(server.logs.some((l) => l.includes('inbound mail dropped: not a report'))).toBe(true);
    expect(await message(messageId)).toMatchObject({ bounced: null, complained: null });
    expect(await server.services.suppressions.reasonFor(person.email)).toBeNull();
    expect((await server.api.get(`/api/v1/contacts/${person.id}`)).body.preferences.invoices).toBe(true);
    // Nothing personal in the log.
    expect(server.logs.join('\n')).not.toContain(person.email);
  });
});
