// The relays' event webhooks, end to end: a real message leaves through a real SMTP server with
// each configured relay's metadata header (its signed reference), then the relay's own webhook
// call comes back signed as that relay signs it — SendGrid's ECDSA signature (a P-256 key pair made
// here), Postmark's basic auth, SNS's RSA signature by a certificate made here with openssl and
// served to the server's injected certificate fetcher as if from an SNS host. A forged, stale or
// misdirected call is refused and changes nothing; the same event twice counts once.
import crypto from 'node:crypto';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Agent, getGlobalDispatcher, setGlobalDispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, header } from '../support/mail.js';
import { startServer, type TestServer } from '../support/server.js';
import { startSmtp, type ReceivedMail, type TestSmtp } from '../support/smtp.js';
import { STORES } from '../support/stores.js';
import { loadConfig } from '../../server/config/config.js';
import { httpsGet, type HttpsGet } from '../../server/deliverability/relays/https-get.js';
import { verifySendGrid } from '../../server/deliverability/relays/sendgrid.js';
import { enhancedStatus } from '../../server/deliverability/relays/relay-event.js';

const invoice = { invoiceNumber: 'INV-2001', amount: '80.00', currency: 'CAD', issuedAt: '2026-11-01', dueAt: '2026-12-01', url: 'https://billing.msp.example/i/2001' };

// SendGrid: the key pair SendGrid would keep (private) and show (public, base64 DER).
const sendGridKeys = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const SENDGRID_PUBLIC_KEY = sendGridKeys.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');

const POSTMARK = { user: 'postmark-hooks', password: crypto.randomBytes(24).toString('base64url') };

// SNS: an RSA key and its self-signed certificate, as if SNS's, served from an SNS host.
const TOPIC = 'arn:aws:sns:ca-central-1:123456789012:ses-feedback';
const CERT_URL = 'https://sns.ca-central-1.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem';
const SUBSCRIBE_URL = `https://sns.ca-central-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${TOPIC}&Token=2336412f37`;
const sns = (() => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sns-cert-'));
  const [key, cert] = [path.join(dir, 'key.pem'), path.join(dir, 'cert.pem')];
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=sns.amazonaws.com'], { stdio: 'ignore' });
  return { privateKey: readFileSync(key, 'utf8'), certificate: readFileSync(cert, 'utf8') };
})();

const RELAYS_ENV = { SENDGRID_WEBHOOK_PUBLIC_KEY: SENDGRID_PUBLIC_KEY, POSTMARK_WEBHOOK_USER: POSTMARK.user, POSTMARK_WEBHOOK_PASSWORD: POSTMARK.password, SES_SNS_TOPIC_ARNS: TOPIC };

/** A SendGrid call: the batch, and the signature SendGrid makes over `timestamp + body`. */
function sendGridCall(events: object[], options: { key?: crypto.KeyObject; secondsAgo?: number } = {}) {
  const body = `${JSON.stringify(events)}\r\n`;
  const timestamp = String(Math.floor(Date.now() / 1000) - (options.secondsAgo ?? 0));
  const signature = crypto.sign('sha256', Buffer.from(timestamp + body), options.key ?? sendGridKeys.privateKey).toString('base64');
  return { body, headers: { 'X-Twilio-Email-Event-Webhook-Signature': signature, 'X-Twilio-Email-Event-Webhook-Timestamp': timestamp } };
}

/** An SNS message signed as SNS documents it: "name\nvalue\n" for each signed field, in order. */
function snsMessage<Fields extends Record<string, string>>(fields: Fields, options: { version?: '1' | '2'; key?: string; certUrl?: string } = {}) {
  const version = options.version ?? '2';
  const signedNames =
    fields.Type === 'Notification' ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'] : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
  const signed = signedNames
    .filter((name) => fields[name] !== undefined)
    .map((name) => `${name}\n${fields[name]}\n`)
    .join('');
  const signature = crypto.sign(version === '1' ? 'sha1' : 'sha256', Buffer.from(signed), options.key ?? sns.privateKey).toString('base64');
  return { ...fields, SignatureVersion: version, Signature: signature, SigningCertURL: options.certUrl ?? CERT_URL };
}

function sesNotification(message: object, id = crypto.randomUUID()) {
  return { Type: 'Notification', MessageId: id, TopicArn: TOPIC, Message: JSON.stringify(message), Timestamp: new Date().toISOString(), UnsubscribeURL: 'https://sns.ca-central-1.amazonaws.com/?Action=Unsubscribe' };
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe.each(STORES)('relay event webhooks, on %s', (kind) => {
  let server: TestServer;
  let smtp: TestSmtp;
  let run = 0;
  /** Every URL the server asked the SNS fetcher for; which certificate URLs answer. */
  const fetched: string[] = [];
  const served = new Set([CERT_URL, 'https://sns.ca-central-1.amazonaws.com.evil.example/cert.pem', 'https://sns.evil.example/cert.pem']);
  const snsGet: HttpsGet = async (url) => {
    fetched.push(url.href);
    if (served.has(url.href)) return sns.certificate;
    if (url.href === SUBSCRIBE_URL) return '<ConfirmSubscriptionResponse/>';
    throw new Error('answered 404');
  };

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startServer(kind, { smtpUrl: smtp.url, env: RELAYS_ENV, snsGet });
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.close();
  });

  async function contact() {
    run++;
    const org = await server.api.post('/api/v1/organizations', { name: `Cabinet ${run} ${kind}`, locale: 'en' });
    const email = `relay.person.${run}.${kind}@client.example`;
    const res = await server.api.post('/api/v1/contacts', { organizationId: org.body.id, email, locale: 'en' });
    expect(res.status).toBe(201);
    return { id: res.body.id as string, email, organizationId: org.body.id as string };
  }

  /** Sends an invoice; answers its id and the mail as the relay received it. */
  async function sendInvoice(to: { id: string; email: string }): Promise<{ messageId: string; mail: ReceivedMail }> {
    const before = smtp.to(to.email).length;
    const res = await server.api.post('/api/v1/messages', { category: 'invoices', template: 'invoice-receipt', to: { contactId: to.id }, data: invoice });
    expect(res.status).toBe(202);
    const mails = await eventually(async () => smtp.to(to.email), (m) => m.length > before);
    return { messageId: res.body.id as string, mail: mails.at(-1)! };
  }

  const sendGridReference = (mail: ReceivedMail) => JSON.parse(header(mail, 'X-SMTPAPI')!).unique_args.message_ref as string;
  const postmarkReference = (mail: ReceivedMail) => header(mail, 'X-PM-Metadata-message_ref')!;
  const sesTag = (mail: ReceivedMail) => /^message_ref=([0-9a-f]{32}-[0-9a-f]{16})$/.exec(header(mail, 'X-SES-MESSAGE-TAGS')!)![1]!;
  const message = async (id: string) => (await server.api.get(`/api/v1/messages/${id}`)).body;
  const post = (relay: string, body: string | object, headers: Record<string, string> = {}, contentType = 'application/json') =>
    server.api.as(null).request('POST', `/hooks/relays/${relay}`, { body: typeof body === 'string' ? body : JSON.stringify(body), contentType, headers });
  const countsOf = async (organizationId: string) =>
    ((await server.api.get('/api/v1/deliverability?days=1')).body.byOrganization as { organizationId: string }[]).find((o) => o.organizationId === organizationId);
  /** Nothing came of a refused call: no bounce, no complaint, no suppression, categories untouched. */
  async function unchanged(person: { id: string; email: string }, messageId: string) {
    expect(await message(messageId)).toMatchObject({ bounced: null, complained: null });
    expect(await server.services.suppressions.reasonFor(person.email)).toBeNull();
    expect((await server.api.get(`/api/v1/contacts/${person.id}`)).body.preferences.invoices).toBe(true);
  }
  async function complainedAndWithdrawn(person: { id: string }, messageId: string) {
    expect((await message(messageId)).complained).not.toBeNull();
    const preferences = (await server.api.get(`/api/v1/contacts/${person.id}`)).body.preferences as Record<string, boolean>;
    expect(preferences).toMatchObject({ invoices: false, 'ticket-updates': false, 'service-alerts': false, marketing: false });
    const history = (await server.api.get(`/api/v1/contacts/${person.id}/consent-history`)).body as { source: string }[];
    expect(history.some((h) => h.source === 'complaint')).toBe(true);
  }

  it('when a message is sent with every relay configured, then it carries each relay’s metadata header, holding its verifiable reference and nothing personal', async () => {
    const person = await contact();
    const { messageId, mail } = await sendInvoice(person);
    const { references } = server.services;
    // As SendGrid reads it: plain JSON on one line, not MIME-encoded.
    expect(mail.raw).toMatch(/^X-SMTPAPI: \{"unique_args":\{"message_ref":"[0-9a-f]{32}\.[0-9a-f]{16}"\}\}\r$/m);
    expect(references.messageIdOf(sendGridReference(mail))).toBe(messageId);
    expect(references.messageIdOf(postmarkReference(mail))).toBe(messageId);
    // SES tag values allow no dot: the reference's dot travels as a dash.
    expect(references.messageIdOf(sesTag(mail).replace('-', '.'))).toBe(messageId);
    const relayHeaders = ['X-SMTPAPI', 'X-PM-Metadata-message_ref', 'X-SES-MESSAGE-TAGS'].map((name) => header(mail, name)).join('\n');
    expect(relayHeaders).not.toContain(person.email);
    expect(relayHeaders).not.toContain(person.id);
  });

  it('when SendGrid posts a signed batch (a bounce, a deferral, a spam report, an event of no message of ours), then the bounce suppresses the address, the complaint turns off what the person may leave, the rest is counted, and the same batch again counts once', async () => {
    const bounced = await contact();
    const complaining = await contact();
    const first = await sendInvoice(bounced);
    const second = await sendInvoice(complaining);
    const now = Math.floor(Date.now() / 1000);
    const forged = sendGridReference(first.mail).replace(/.$/, (c) => (c === '0' ? '1' : '0'));
    const batch = [
      { email: bounced.email, event: 'deferred', sg_event_id: `def-${run}`, timestamp: now, message_ref: sendGridReference(first.mail), response: '451 try later' },
      { email: bounced.email, event: 'bounce', type: 'bounce', status: '5.1.1', reason: `550 5.1.1 <${bounced.email}>: user unknown`, sg_event_id: `bnc-${run}`, timestamp: now, message_ref: sendGridReference(first.mail) },
      { email: complaining.email, event: 'spamreport', sg_event_id: `spm-${run}`, timestamp: now, message_ref: sendGridReference(second.mail) },
      { email: bounced.email, event: 'bounce', type: 'bounce', status: '5.1.1', reason: 'unknown', sg_event_id: `fake-${run}`, timestamp: now, message_ref: forged },
    ];
    const call = sendGridCall(batch);
    const res = await post('sendgrid', call.body, call.headers);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ recorded: 2, duplicates: 0, unmatched: 1, ignored: 1 });

    const state = await message(first.messageId);
    expect(state.bounced).toMatchObject({ kind: 'hard', statusCode: '5.1.1', diagnostic: '550 5.1.1 <address>: user unknown' });
    expect(await server.services.suppressions.reasonFor(bounced.email)).toBe('hard bounce (5.1.1)');
    await complainedAndWithdrawn(complaining, second.messageId);

    // SendGrid retries: the same events, signed anew, count once.
    const again = sendGridCall(batch);
    expect((await post('sendgrid', again.body, again.headers)).body).toEqual({ recorded: 0, duplicates: 2, unmatched: 1, ignored: 1 });
    expect(await countsOf(bounced.organizationId)).toEqual({ organizationId: bounced.organizationId, hardBounces: 1, softBounces: 0, complaints: 0 });
    expect(await countsOf(complaining.organizationId)).toEqual({ organizationId: complaining.organizationId, hardBounces: 0, softBounces: 0, complaints: 1 });
    expect(server.logs.join('\n')).not.toContain(bounced.email);
  });

  it('when a SendGrid call is signed by another key, altered, stale or unsigned, then it is refused with 401 and nothing changes; a blocked bounce is soft', async () => {
    const person = await contact();
    const { messageId, mail } = await sendInvoice(person);
    const events = [{ event: 'bounce', type: 'bounce', status: '5.1.1', reason: 'user unknown', sg_event_id: `x-${run}`, timestamp: Math.floor(Date.now() / 1000), message_ref: sendGridReference(mail) }];
    const otherKey = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
    const signedByOther = sendGridCall(events, { key: otherKey });
    const valid = sendGridCall(events);
    const stale = sendGridCall(events, { secondsAgo: 11 * 60 });
    for (const [body, headers] of [
      [signedByOther.body, signedByOther.headers],
      [valid.body.replace('5.1.1', '5.1.2'), valid.headers],
      [stale.body, stale.headers],
      [valid.body, {}],
      [valid.body, { ...valid.headers, 'X-Twilio-Email-Event-Webhook-Signature': 'not base64 at all!' }],
    ] as const) {
      const res = await post('sendgrid', body, headers);
      expect(res.status).toBe(401);
      expect(res.body.type).toBe('/problems/bad-signature');
    }
    await unchanged(person, messageId);

    const blocked = sendGridCall([{ ...events[0], type: 'blocked', status: '4.7.0', reason: 'IP blocked', sg_event_id: `blk-${run}` }]);
    expect((await post('sendgrid', blocked.body, blocked.headers)).body).toMatchObject({ recorded: 1 });
    expect((await message(messageId)).bounced).toMatchObject({ kind: 'soft', statusCode: '4.7.0' });
    expect(await server.services.suppressions.reasonFor(person.email)).toBeNull();
  });

  it('when Postmark posts a hard bounce and a spam complaint with the webhook’s basic auth, then both are recorded once; a wrong or missing password is 401 with a Basic challenge and changes nothing', async () => {
    const bounced = await contact();
    const complaining = await contact();
    const first = await sendInvoice(bounced);
    const second = await sendInvoice(complaining);
    const hardBounce = {
      RecordType: 'Bounce',
      ID: 4323372036 + run,
      Type: 'HardBounce',
      TypeCode: 1,
      Name: 'Hard bounce',
      MessageID: crypto.randomUUID(),
      Metadata: { message_ref: postmarkReference(first.mail) },
      Description: 'The server was unable to deliver your message (ex: unknown user, mailbox not found).',
      Details: `smtp;550 5.1.1 The email account that you tried to reach does not exist: ${bounced.email}`,
      Email: bounced.email,
      BouncedAt: new Date().toISOString(),
      MessageStream: 'outbound',
    };
    const auth = { authorization: basic(POSTMARK.user, POSTMARK.password) };

    for (const authorization of [basic(POSTMARK.user, `${POSTMARK.password}x`), basic('someone', POSTMARK.password), 'Bearer whatever']) {
      const refused = await post('postmark', hardBounce, { authorization });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    }
    expect((await post('postmark', hardBounce)).status).toBe(401);
    await unchanged(bounced, first.messageId);

    expect((await post('postmark', hardBounce, auth)).body).toEqual({ recorded: 1, duplicates: 0, unmatched: 0, ignored: 0 });
    expect((await message(first.messageId)).bounced).toMatchObject({ kind: 'hard', statusCode: '5.1.1', diagnostic: 'smtp;550 5.1.1 The email account that you tried to reach does not exist: <address>' });
    expect(await server.services.suppressions.reasonFor(bounced.email)).toBe('hard bounce (5.1.1)');
    expect((await post('postmark', hardBounce, auth)).body).toEqual({ recorded: 0, duplicates: 1, unmatched: 0, ignored: 0 });

    // The key as the header's name reached Postmark: nodemailer recases it to X-Pm-Metadata-Message_ref.
    const complaint = { RecordType: 'SpamComplaint', ID: 5323372036 + run, Type: 'SpamComplaint', TypeCode: 512, Metadata: { Message_ref: postmarkReference(second.mail) }, Email: complaining.email, BouncedAt: new Date().toISOString() };
    expect((await post('postmark', complaint, auth)).body).toEqual({ recorded: 1, duplicates: 0, unmatched: 0, ignored: 0 });
    await complainedAndWithdrawn(complaining, second.messageId);

    // An auto-reply says nothing about the address.
    const autoReply = { ...hardBounce, ID: 6323372036 + run, Type: 'AutoResponder', TypeCode: 2 };
    expect((await post('postmark', autoReply, auth)).body).toEqual({ recorded: 0, duplicates: 0, unmatched: 0, ignored: 1 });
    expect(await countsOf(bounced.organizationId)).toEqual({ organizationId: bounced.organizationId, hardBounces: 1, softBounces: 0, complaints: 0 });
  });

  it('when SNS confirms the subscription, then SES bounces (SignatureVersion 2) and complaints (SignatureVersion 1) through it are recorded once, by the SES message tag', async () => {
    const confirmation = snsMessage({
      Type: 'SubscriptionConfirmation',
      MessageId: crypto.randomUUID(),
      Token: '2336412f37',
      TopicArn: TOPIC,
      Message: `You have chosen to subscribe to the topic ${TOPIC}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
      SubscribeURL: SUBSCRIBE_URL,
      Timestamp: new Date().toISOString(),
    });
    // SNS posts text/plain.
    const confirmed = await post('ses', confirmation, {}, 'text/plain; charset=UTF-8');
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.subscription).toBe('confirmed');
    expect(fetched).toContain(SUBSCRIBE_URL);

    const bounced = await contact();
    const complaining = await contact();
    const first = await sendInvoice(bounced);
    const second = await sendInvoice(complaining);
    const bounce = snsMessage(
      sesNotification({
        eventType: 'Bounce',
        bounce: {
          bounceType: 'Permanent',
          bounceSubType: 'General',
          bouncedRecipients: [{ emailAddress: bounced.email, action: 'failed', status: '5.1.1', diagnosticCode: `smtp; 550 5.1.1 <${bounced.email}> user unknown` }],
          timestamp: new Date().toISOString(),
          feedbackId: '0100017f-bounce',
        },
        mail: { timestamp: new Date().toISOString(), source: 'billing@msp.example', messageId: '0100017f-mail', destination: [bounced.email], tags: { 'ses:configuration-set': ['feedback'], message_ref: [sesTag(first.mail)] } },
      }),
    );
    expect((await post('ses', bounce, {}, 'text/plain; charset=UTF-8')).body).toEqual({ recorded: 1, duplicates: 0, unmatched: 0, ignored: 0 });
    expect((await message(first.messageId)).bounced).toMatchObject({ kind: 'hard', statusCode: '5.1.1', diagnostic: 'smtp; 550 5.1.1 <address> user unknown' });
    expect(await server.services.suppressions.reasonFor(bounced.email)).toBe('hard bounce (5.1.1)');
    // SNS delivers again after a timeout: the same MessageId counts once.
    expect((await post('ses', bounce, {}, 'text/plain; charset=UTF-8')).body).toEqual({ recorded: 0, duplicates: 1, unmatched: 0, ignored: 0 });

    const complaint = snsMessage(
      sesNotification({
        notificationType: 'Complaint',
        complaint: { complainedRecipients: [{ emailAddress: complaining.email }], complaintFeedbackType: 'abuse', timestamp: new Date().toISOString(), feedbackId: '0100017f-complaint' },
        mail: { messageId: '0100017f-mail2', destination: [complaining.email], tags: { message_ref: [sesTag(second.mail)] } },
      }),
      { version: '1' },
    );
    expect((await post('ses', complaint, {}, 'text/plain; charset=UTF-8')).body).toEqual({ recorded: 1, duplicates: 0, unmatched: 0, ignored: 0 });
    await complainedAndWithdrawn(complaining, second.messageId);

    const delivery = snsMessage(sesNotification({ eventType: 'Delivery', delivery: {}, mail: { tags: { message_ref: [sesTag(first.mail)] } } }));
    expect((await post('ses', delivery)).body).toEqual({ recorded: 0, duplicates: 0, unmatched: 0, ignored: 1 });
    expect(await countsOf(bounced.organizationId)).toEqual({ organizationId: bounced.organizationId, hardBounces: 1, softBounces: 0, complaints: 0 });
  });

  it('when an SNS message is forged, altered, signed by a certificate off the SNS hosts, or from another topic, then it is refused and nothing is fetched from where it points; an unreachable certificate is 503', async () => {
    const person = await contact();
    const { messageId, mail } = await sendInvoice(person);
    const notification = sesNotification({
      eventType: 'Bounce',
      bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: person.email, status: '5.1.1' }], timestamp: new Date().toISOString() },
      mail: { tags: { message_ref: [sesTag(mail)] } },
    });
    const otherKey = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const valid = snsMessage(notification);
    const refusals: [object, number][] = [
      [snsMessage(notification, { key: otherKey }), 401],
      [{ ...valid, Message: valid.Message.replace('Permanent', 'Transient') }, 401],
      [snsMessage(notification, { certUrl: 'https://sns.ca-central-1.amazonaws.com.evil.example/cert.pem' }), 401],
      [snsMessage(notification, { certUrl: 'https://sns.evil.example/cert.pem' }), 401],
      [snsMessage(notification, { certUrl: CERT_URL.replace('https:', 'http:') }), 401],
      [snsMessage({ ...notification, TopicArn: 'arn:aws:sns:ca-central-1:210987654321:someone-else' }), 403],
      [{ ...valid, SignatureVersion: '3' }, 401],
      [{ hello: 'world' }, 401],
    ];
    for (const [body, status] of refusals) {
      const res = await post('ses', body);
      expect(res.status, JSON.stringify(body).slice(0, 120)).toBe(status);
    }
    expect(fetched.filter((url) => !url.startsWith('https://sns.ca-central-1.amazonaws.com/'))).toEqual([]);

    const unreachable = await post('ses', snsMessage(notification, { certUrl: 'https://sns.ca-central-1.amazonaws.com/SimpleNotificationService-gone.pem' }));
    expect(unreachable.status).toBe(503);
    expect(unreachable.headers.get('retry-after')).toBe('30');
    await unchanged(person, messageId);
  });
});

describe('relay webhooks that are not configured', () => {
  let server: TestServer;
  let smtp: TestSmtp;
  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startServer('sqlite', { smtpUrl: smtp.url });
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.close();
  });

  it('when no relay is configured, then each webhook answers 404 before reading anything, and mail carries no relay header', async () => {
    for (const relay of ['sendgrid', 'postmark', 'ses']) {
      const res = await server.api.as(null).request('POST', `/hooks/relays/${relay}`, { body: '[]', contentType: 'application/json' });
      expect(res.status).toBe(404);
    }
    const org = await server.api.post('/api/v1/organizations', { name: 'Plain relay', locale: 'en' });
    const person = await server.api.post('/api/v1/contacts', { organizationId: org.body.id, email: 'plain@client.example' });
    await server.api.post('/api/v1/messages', { category: 'invoices', template: 'invoice-receipt', to: { contactId: person.body.id }, data: invoice });
    const [mail] = await eventually(async () => smtp.to('plain@client.example'), (m) => m.length > 0);
    expect(['X-SMTPAPI', 'X-PM-Metadata-message_ref', 'X-SES-MESSAGE-TAGS'].map((name) => header(mail!, name))).toEqual([undefined, undefined, undefined]);
  });
});

describe('relay webhook settings and signatures', () => {
  const base = { DATA_DIR: os.tmpdir(), ADMIN_API_KEY: 'sk_test_admin_0123456789abcdefghijklmnop', WEBHOOK_SECRET: 'whsec_test_0123456789abcdef', TOKEN_SECRETS: 'k1:test-token-secret-0123456789abcdefghij', DATA_KEY: Buffer.alloc(32, 7).toString('base64') };
  const production = {
    NODE_ENV: 'production',
    TOKEN_SECRETS: 'a:TwqBpD5uNMcIoXJS3agyH4S3w7lUIAMbaYDGjG2Fba4',
    WEBHOOK_SECRET: 'whsec_qjDKJvIs859BOlZyAfaKEyYD4l2IIZ2eFrIrKDgpWU4',
    ADMIN_API_KEY: 'sk_qPs6eDBTuxmV-Bf4psJ5E9VF7N2hB8wOUdQxNvftp_0',
    PUBLIC_URL: 'https://mail.serveitpro.example',
    SMTP_URL: 'smtps://user:pass@smtp.example:465',
    BRAND_POSTAL_ADDRESS: '500 Grande Allée, Québec (Québec) G1R 2J5',
    BRAND_PHONE: '+1 418 555-0100',
    DATA_KEY: '38/EegygYndjPLFJrq8ZVFytI9CLfmo6cW2rocnZfxw=',
  };

  it('when SendGrid’s own published example is checked, then it verifies at its time, and not with its last digit changed nor 10 minutes later', () => {
    // The test vector of SendGrid's libraries (sendgrid-nodejs, -python, -java…): the key as SendGrid shows it.
    const publicKey = loadConfig({ ...base, SENDGRID_WEBHOOK_PUBLIC_KEY: 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==' })
      .relayWebhooks.sendGrid!.publicKey;
    const rawBody = Buffer.from('{"category":"example_payload","event":"test_event","message_id":"message_id"}');
    const signature = 'MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH2j/0=';
    const at = 1588788367_000;
    expect(verifySendGrid(publicKey, { signature, timestamp: '1588788367', rawBody }, at)).toBe(true);
    expect(verifySendGrid(publicKey, { signature: signature.replace('2j/0', '3j/0'), timestamp: '1588788367', rawBody }, at)).toBe(false);
    expect(verifySendGrid(publicKey, { signature, timestamp: '1588788367', rawBody }, at + 601_000)).toBe(false);
  });

  it('when relay settings are set, then each relay turns on alone, and a bad key, a user without a password, a bad topic ARN or a weak password in production are refused', () => {
    expect(loadConfig(base).relayWebhooks).toEqual({ sendGrid: null, postmark: null, ses: null });
    const pem = sendGridKeys.publicKey.export({ format: 'pem', type: 'spki' }).toString();
    expect(loadConfig({ ...base, SENDGRID_WEBHOOK_PUBLIC_KEY: pem }).relayWebhooks.sendGrid).not.toBeNull();
    expect(loadConfig({ ...base, SES_SNS_TOPIC_ARNS: `${TOPIC}, arn:aws-cn:sns:cn-north-1:123456789012:other` }).relayWebhooks.ses).toEqual({ topicArns: [TOPIC, 'arn:aws-cn:sns:cn-north-1:123456789012:other'] });

    const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    expect(() => loadConfig({ ...base, SENDGRID_WEBHOOK_PUBLIC_KEY: rsa })).toThrow(/SENDGRID_WEBHOOK_PUBLIC_KEY must be the ECDSA P-256 verification key/);
    expect(() => loadConfig({ ...base, SENDGRID_WEBHOOK_PUBLIC_KEY: 'not a key' })).toThrow(/SENDGRID_WEBHOOK_PUBLIC_KEY/);
    expect(() => loadConfig({ ...base, POSTMARK_WEBHOOK_USER: 'postmark' })).toThrow(/POSTMARK_WEBHOOK_USER and POSTMARK_WEBHOOK_PASSWORD go together/);
    expect(() => loadConfig({ ...base, POSTMARK_WEBHOOK_USER: 'post:mark', POSTMARK_WEBHOOK_PASSWORD: POSTMARK.password })).toThrow(/without a colon/);
    expect(() => loadConfig({ ...base, SES_SNS_TOPIC_ARNS: 'ses-feedback' })).toThrow(/"ses-feedback" is not an SNS topic ARN/);
    expect(() => loadConfig({ ...production, POSTMARK_WEBHOOK_USER: 'postmark', POSTMARK_WEBHOOK_PASSWORD: 'abcdabcdabcdabcdabcd' })).toThrow(/POSTMARK_WEBHOOK_PASSWORD is one short pattern repeated/);
    expect(() => loadConfig({ ...production, POSTMARK_WEBHOOK_USER: 'postmark', POSTMARK_WEBHOOK_PASSWORD: production.WEBHOOK_SECRET })).toThrow(/POSTMARK_WEBHOOK_PASSWORD/);
    expect(loadConfig({ ...production, POSTMARK_WEBHOOK_USER: 'postmark', POSTMARK_WEBHOOK_PASSWORD: POSTMARK.password }).relayWebhooks.postmark).toEqual({ user: 'postmark', password: POSTMARK.password });
  });

  it('when the certificate fetcher meets a redirect, a large, endless or slow answer, an error or plain http, then it refuses; a small 200 is read', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'https-get-'));
    const [key, cert] = [path.join(dir, 'key.pem'), path.join(dir, 'cert.pem')];
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    const server = https.createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
      if (req.url === '/cert.pem') return res.end('-----BEGIN CERTIFICATE-----');
      if (req.url === '/large') return res.end('x'.repeat(100_000));
      if (req.url === '/endless') return res.write('x'.repeat(40_000), () => res.end('x'.repeat(40_000)));
      if (req.url === '/redirect') return res.writeHead(302, { location: '/cert.pem' }).end();
      if (req.url === '/slow') return;
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const at = (p: string, scheme = 'https') => new URL(`${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}${p}`);
    // fetch trusts the certificate made here, for this test only.
    const trusted = getGlobalDispatcher();
    setGlobalDispatcher(new Agent({ connect: { ca: readFileSync(cert) } }));
    try {
      const get = httpsGet({ timeoutMs: 500, maxBytes: 64 * 1024 });
      expect(await get(at('/cert.pem'))).toBe('-----BEGIN CERTIFICATE-----');
      await expect(get(at('/large'))).rejects.toThrow(/too large/);
      await expect(get(at('/endless'))).rejects.toThrow(/too large/);
      await expect(get(at('/redirect'))).rejects.toThrow();
      await expect(get(at('/missing'))).rejects.toThrow(/404/);
      await expect(get(at('/slow'))).rejects.toThrow();
      await expect(get(at('/cert.pem', 'http'))).rejects.toThrow(/only https/);
    } finally {
      setGlobalDispatcher(trusted);
      server.closeAllConnections();
      server.close();
    }
  });

  it('when a relay’s text holds an enhanced status code, then it is found, and version-like numbers are not', () => {
    expect(enhancedStatus('smtp;550 5.1.1 The email account does not exist')).toBe('5.1.1');
    expect(enhancedStatus('452 4.2.2 Mailbox full')).toBe('4.2.2');
    expect(enhancedStatus('Postfix 3.5.1.2 said no')).toBeNull();
    expect(enhancedStatus(null)).toBeNull();
  });
});
