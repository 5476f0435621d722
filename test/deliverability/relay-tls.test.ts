// The relay's certificate is checked: a relay over implicit TLS whose certificate nobody trusted
// gets no message (it stays queued and is retried), the same relay with its certificate trusted
// gets it encrypted. Production's refusals of plain smtp:// are in test/config.test.ts.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/mail.js';
import { startServer, type TestServer } from '../support/server.js';
import { freePort, spawnEntry, waitForHealthy } from '../support/process.js';

/** A relay on implicit TLS with a self-signed certificate for 127.0.0.1, counting what it receives. */
async function tlsRelay() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'relay-tls-'));
  const [key, cert] = [path.join(dir, 'key.pem'), path.join(dir, 'cert.pem')];
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  let received = 0;
  let encrypted = false;
  const server = new SMTPServer({
    secure: true,
    key: readFileSync(key),
    cert: readFileSync(cert),
    authOptional: true,
    logger: false,
    onData(stream, session, callback) {
      stream.resume();
      stream.on('end', () => {
        received++;
        encrypted = Boolean(session.secure);
        callback();
      });
    },
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `smtps://127.0.0.1:${(server.server.address() as AddressInfo).port}`,
    certFile: cert,
    received: () => received,
    encrypted: () => encrypted,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('TLS to the relay', () => {
  let relay: Awaited<ReturnType<typeof tlsRelay>>;
  let server: TestServer;

  beforeAll(async () => {
    relay = await tlsRelay();
    server = await startServer('sqlite', { smtpUrl: relay.url });
  });
  afterAll(async () => {
    await server?.close();
    await relay?.close();
  });

  it('when the relay’s certificate is not trusted, then nothing is sent to it and the message waits with the certificate named as the reason', async () => {
    const org = await server.api.post('/api/v1/organizations', { name: 'Clinique TLS', locale: 'en' });
    const contact = await server.api.post('/api/v1/contacts', { organizationId: org.body.id, email: 'tls@client.example' });
    const res = await server.api.post('/api/v1/messages', { category: 'invoices', template: 'invoice-receipt', to: { contactId: contact.body.id }, data: { invoiceNumber: 'INV-1', amount: '1.00', currency: 'CAD', issuedAt: '2026-11-01', url: 'https://billing.msp.example/1' } });
    expect(res.status).toBe(202);
    const state = await eventually(() => server.api.get(`/api/v1/messages/${res.body.id}`), (r) => r.body.attempts >= 1);
    expect(state.body.status).toBe('queued');
    expect(state.body.lastError).toMatch(/certificate/i);
    expect(relay.received()).toBe(0);
  });

  it('when the relay’s private CA is trusted with NODE_EXTRA_CA_CERTS, then the started service sends over TLS; with INBOUND_SMTP_PORT it also receives reports', async () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'relay-ca-')), 'data');
    const [port, inboundPort] = [await freePort(), await freePort()];
    const started = spawnEntry('server/cli/server.ts', {
      DATA_DIR: dir,
      PORT: String(port),
      NODE_ENV: 'development',
      SMTP_URL: relay.url,
      NODE_EXTRA_CA_CERTS: relay.certFile,
      BOUNCE_DOMAIN: 'bounces.msp.example',
      INBOUND_SMTP_PORT: String(inboundPort),
    });
    try {
      const base = `http://127.0.0.1:${port}`;
      await waitForHealthy(base);
      const { adminApiKey } = JSON.parse(readFileSync(path.join(dir, 'dev-secrets.json'), 'utf8')) as { adminApiKey: string };
      const post = async (route: string, body: unknown) =>
        (await fetch(`${base}${route}`, { method: 'POST', headers: { authorization: `Bearer ${adminApiKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })).json() as Promise<{ id: string }>;
      const org = await post('/api/v1/organizations', { name: 'Clinique CA' });
      const contact = await post('/api/v1/contacts', { organizationId: org.id, email: 'ca@client.example' });
      const before = relay.received();
      await post('/api/v1/messages', { category: 'invoices', template: 'invoice-receipt', to: { contactId: contact.id }, data: { invoiceNumber: 'INV-2', amount: '2.00', currency: 'CAD', issuedAt: '2026-11-01', url: 'https://billing.msp.example/2' } });
      await eventually(async () => relay.received(), (n) => n > before);
      expect(relay.encrypted()).toBe(true);
      // The inbound receiver answers, and takes nothing for other addresses.
      const greeting = await smtpGreeting(inboundPort);
      expect(greeting).toMatch(/^220 bounces\.msp\.example/);
    } finally {
      started.child.kill('SIGTERM');
    }
    expect(await started.exited).toBe(0);
  });
});

/** The first line an SMTP server says. */
function smtpGreeting(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('data', (data) => {
      resolve(data.toString('utf8'));
      socket.end('QUIT\r\n');
    });
    socket.once('error', reject);
  });
}
