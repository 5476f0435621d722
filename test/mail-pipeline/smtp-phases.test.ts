import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { describe, expect, it } from 'vitest';
import type { Config } from '../../server/config/config.js';
import { classifySendError } from '../../server/delivery/send-errors.js';
import { createMailer } from '../../server/delivery/transport.js';
import { eventually } from '../support/mail.js';
import { seedContact, startServer, type TestServer } from '../support/server.js';
import { STORES } from '../support/stores.js';

const ticket = { ticketId: 'T-9', subject: 'Disk almost full', status: 'Open', message: 'We are on it.' };
/** No responseCode: smtp-server then answers the connection with 554. The address must not reach the logs. */
const GREETING_REFUSAL = 'Relay under maintenance, write to postmaster@relay.example';

const refusal = (responseCode: number, message: string) => Object.assign(new Error(message), { responseCode });

/** A real SMTP server on loopback (no STARTTLS nor AUTH unless `options` turn them on). */
async function listen(options: SMTPServerOptions) {
  const server = new SMTPServer({ logger: false, authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], disableReverseLookup: true, closeTimeout: 100, ...options });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { port, url: `smtp://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** What the service's own pooled transport (server/delivery/transport.ts) throws when sending through `url`. */
async function sendError(url: string): Promise<unknown> {
  const mailer = createMailer({ smtpUrl: url, sendConcurrency: 2, dkim: null } as Partial<Config> as Config);
  try {
    await mailer.send({ from: 'no-reply@serveitpro.example', to: 'ana@example.com', subject: 'Ticket T-9', text: 'We are on it.' });
  } catch (error) {
    return error;
  } finally {
    mailer.close();
  }
  throw new Error('the server accepted the message');
}

const drain = (stream: NodeJS.ReadableStream, done: () => void) => stream.on('end', done).resume();

const phases: { name: string; server: SMTPServerOptions; auth?: string; nodemailer: object; failure: object }[] = [
  {
    name: 'when the relay answers the connection with 554, then the failure is transient and about the relay',
    server: { onConnect: (_session, callback) => callback(new Error(GREETING_REFUSAL)) },
    nodemailer: { code: 'EPROTOCOL', command: 'CONN', responseCode: 554 },
    failure: { kind: 'transient', relay: true, badAddress: false, detail: '554 Relay under maintenance, write to <address>' },
  },
  {
    name: 'when the relay refuses our credentials with 535, then the failure is transient and about the relay',
    server: { disabledCommands: ['STARTTLS'], authOptional: false, allowInsecureAuth: true, onAuth: (_auth, _session, callback) => callback(refusal(535, 'Authentication credentials invalid')) },
    auth: 'mailer:wrong-password@',
    nodemailer: { code: 'EAUTH', command: 'AUTH PLAIN', responseCode: 535 },
    failure: { kind: 'transient', relay: true, badAddress: false },
  },
  {
    name: 'when a Postfix relay refuses us at RCPT TO with "Relay access denied" (we are outside its allow-list), then the failure is transient and about the relay',
    server: { onRcptTo: (address, _session, callback) => callback(refusal(554, `5.7.1 <${address.address}>: Relay access denied`)) },
    nodemailer: { code: 'EENVELOPE', command: 'RCPT TO', responseCode: 554 },
    failure: { kind: 'transient', relay: true, badAddress: false, detail: '554 5.7.1 <address>: Relay access denied' },
  },
  {
    name: 'when the relay refuses our sender with 553, then the failure is transient and about the relay',
    server: { onMailFrom: (address, _session, callback) => callback(refusal(553, `5.7.1 <${address.address}>: Sender address rejected: not owned by user`)) },
    nodemailer: { code: 'EENVELOPE', command: 'MAIL FROM', responseCode: 553 },
    failure: { kind: 'transient', relay: true, badAddress: false, detail: '553 5.7.1 <address>: Sender address rejected: not owned by user' },
  },
  {
    name: 'when the relay refuses the message size at MAIL FROM with 552, then the failure is permanent and about the message',
    server: { onMailFrom: (_address, _session, callback) => callback(refusal(552, '5.3.4 Message size exceeds fixed limit')) },
    nodemailer: { code: 'EENVELOPE', command: 'MAIL FROM', responseCode: 552 },
    failure: { kind: 'permanent', relay: false, badAddress: false },
  },
  {
    name: 'when the relay refuses the recipient with 550 5.1.1, then the failure is permanent and the address is bad',
    server: { onRcptTo: (address, _session, callback) => callback(refusal(550, `5.1.1 <${address.address}>: Recipient address rejected: User unknown`)) },
    nodemailer: { code: 'EENVELOPE', command: 'RCPT TO', responseCode: 550 },
    failure: { kind: 'permanent', relay: false, badAddress: true, detail: '550 5.1.1 <address>: Recipient address rejected: User unknown' },
  },
  {
    name: 'when the relay refuses the message after DATA with 554, then the failure is permanent and the address is not bad',
    server: { onData: (stream, _session, callback) => drain(stream, () => callback(refusal(554, '5.7.1 Message rejected as spam'))) },
    nodemailer: { code: 'EMESSAGE', command: 'DATA', responseCode: 554 },
    failure: { kind: 'permanent', relay: false, badAddress: false },
  },
  {
    name: 'when the relay offers STARTTLS with a certificate we do not trust, then the failure is transient and about the relay',
    server: { disabledCommands: ['AUTH'] },
    nodemailer: { code: 'ESOCKET', command: 'CONN' },
    failure: { kind: 'transient', relay: true, badAddress: false },
  },
];

describe('nodemailer errors by SMTP phase', () => {
  for (const { name, server: options, auth, nodemailer, failure } of phases) {
    it(name, async () => {
      const server = await listen(options);
      try {
        const error = await sendError(auth ? server.url.replace('//', `//${auth}`) : server.url);
        expect(error).toMatchObject(nodemailer);
        expect(classifySendError(error)).toMatchObject(failure);
      } finally {
        await server.close();
      }
    });
  }

  it('when nothing listens on the port, then the failure is transient and about the relay', async () => {
    const server = await listen({});
    await server.close();
    const error = await sendError(server.url);
    expect(error).toMatchObject({ code: 'ESOCKET', command: 'CONN' });
    expect(classifySendError(error)).toMatchObject({ kind: 'transient', relay: true, badAddress: false });
  });
});

/** A relay whose refusal can be switched while the service runs: at the greeting (554), at RCPT TO (554), or none. */
async function switchableRelay(refuse: 'greeting' | 'rcpt' | 'none') {
  const state = { refuse, delivered: 0 };
  const server = await listen({
    onConnect: (_session, callback) => callback(state.refuse === 'greeting' ? new Error(GREETING_REFUSAL) : null),
    onRcptTo: (address, _session, callback) =>
      callback(state.refuse === 'rcpt' ? refusal(554, `5.7.1 <${address.address}>: Recipient address rejected: Access denied`) : null),
    onData: (stream, _session, callback) => drain(stream, () => {
        state.delivered += 1;
        callback();
      }),
  });
  return Object.assign(state, server);
}

async function queueTicketUpdate(server: TestServer, contactId: string): Promise<string> {
  const res = await server.api.post('/api/v1/messages', { category: 'ticket-updates', template: 'ticket-update', to: { contactId }, data: ticket });
  expect(res.body.status).toBe('queued');
  return res.body.id;
}

const errorLines = (server: TestServer) => server.logs.map((line) => JSON.parse(line)).filter((line) => line.level >= 50);

describe.each(STORES)('a relay refusing mail, on %s', (kind) => {
  it('when the relay greets with 554 for a while, then messages stay queued, go out once it accepts again, and the operator gets one error line', async () => {
    const relay = await switchableRelay('greeting');
    const server = await startServer(kind, { smtpUrl: relay.url, env: { SEND_RETRY_BASE_MS: '50', SEND_MAX_ATTEMPTS: '20' } });
    try {
      const { contact } = await seedContact(server.api);
      const ids = [await queueTicketUpdate(server, contact.id), await queueTicketUpdate(server, contact.id), await queueTicketUpdate(server, contact.id)];
      const during = await eventually(
        () => server.api.get(`/api/v1/messages/${ids[0]}`),
        (res) => res.body.attempts >= 3 && res.body.status !== 'sending',
      );
      expect(during.body).toMatchObject({ status: 'queued', lastError: '554 Relay under maintenance, write to <address>' });

      relay.refuse = 'none';
      await eventually(() => Promise.all(ids.map((id) => server.api.get(`/api/v1/messages/${id}`))), (all) => all.every((res) => res.body.status === 'sent'));
      expect(relay.delivered).toBe(3);
      const errors = errorLines(server);
      expect(errors).toHaveLength(1);
      expect(errors[0].msg).toMatch(/^SMTP relay is not accepting mail \(554 Relay under maintenance, write to <address>\); .*retried/);
      expect(JSON.stringify(errors[0])).not.toContain('@');
    } finally {
      await server.close();
      await relay.close();
    }
  });

  it('when the relay keeps greeting with 554, then SEND_MAX_ATTEMPTS still ends the message', async () => {
    const relay = await switchableRelay('greeting');
    const server = await startServer(kind, { smtpUrl: relay.url, env: { SEND_RETRY_BASE_MS: '50', SEND_MAX_ATTEMPTS: '3' } });
    try {
      const { contact } = await seedContact(server.api);
      const id = await queueTicketUpdate(server, contact.id);
      const done = await eventually(() => server.api.get(`/api/v1/messages/${id}`), (res) => res.body.status === 'failed');
      expect(done.body).toMatchObject({ attempts: 3, lastError: '554 Relay under maintenance, write to <address>' });
    } finally {
      await server.close();
      await relay.close();
    }
  });

  it('when the relay answers 554 to RCPT TO, then the message fails after one attempt', async () => {
    const relay = await switchableRelay('rcpt');
    const server = await startServer(kind, { smtpUrl: relay.url, env: { SEND_RETRY_BASE_MS: '50', SEND_MAX_ATTEMPTS: '3' } });
    try {
      const { contact } = await seedContact(server.api);
      const id = await queueTicketUpdate(server, contact.id);
      const done = await eventually(() => server.api.get(`/api/v1/messages/${id}`), (res) => res.body.status === 'failed');
      expect(done.body).toMatchObject({ attempts: 1, lastError: '554 5.7.1 <address>: Recipient address rejected: Access denied' });
      expect(errorLines(server)).toHaveLength(0);
    } finally {
      await server.close();
      await relay.close();
    }
  });
});
