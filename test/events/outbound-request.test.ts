import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_ANSWER_BYTES, postOutbound } from '../../server/events/outbound-request.js';

const development = { production: false, allowedInternalHosts: new Set<string>() };
const production = { production: true, allowedInternalHosts: new Set<string>() };

interface Seen {
  headers: http.IncomingHttpHeaders;
  body: string;
}

const servers: http.Server[] = [];
async function receiver(answer: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<{ url: string; port: number; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ headers: req.headers, body });
      answer(req, res);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/events`, port, seen };
}
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});

describe('a POST to a receiver we do not control', () => {
  it('when the receiver answers, then its status and the start of its answer come back, with the time it took', async () => {
    const r = await receiver((_req, res) => res.writeHead(202).end('queued'));
    const answer = await postOutbound(r.url, '{"id":"e1"}', { 'x-signature': 't=1,v1=ab' }, { policy: development });
    expect(answer).toEqual({ status: 202, detail: 'queued', latencyMs: expect.any(Number) });
    expect(r.seen).toEqual([{ headers: expect.objectContaining({ 'content-type': 'application/json', 'x-signature': 't=1,v1=ab' }), body: '{"id":"e1"}' }]);
  });

  it('when the receiver redirects, then the redirect is the answer and nothing follows it', async () => {
    const elsewhere = await receiver((_req, res) => res.writeHead(200).end());
    const r = await receiver((_req, res) => res.writeHead(307, { location: elsewhere.url }).end());
    expect((await postOutbound(r.url, '{}', {}, { policy: development })).status).toBe(307);
    expect(elsewhere.seen).toEqual([]);
  });

  it('when the receiver never answers, then the request ends at the time limit without a status', async () => {
    const r = await receiver(() => {});
    const answer = await postOutbound(r.url, '{}', {}, { policy: development, timeoutMs: 300 });
    expect(answer.status).toBeNull();
    expect(answer.detail).toBe('no answer within 0.3 s');
    expect(answer.latencyMs).toBeGreaterThanOrEqual(290);
    expect(answer.latencyMs).toBeLessThan(5_000);
  });

  it('when the receiver answers at length, then only the start is read', async () => {
    const r = await receiver((_req, res) => res.writeHead(200).end('x'.repeat(1024 * 1024)));
    const answer = await postOutbound(r.url, '{}', {}, { policy: development });
    expect(answer.status).toBe(200);
    expect(answer.detail).toBe('x'.repeat(MAX_ANSWER_BYTES));
  });

  it('when nothing listens, then the failure is an answer without a status', async () => {
    const r = await receiver(() => {});
    servers.pop()!.close();
    const answer = await postOutbound(r.url, '{}', {}, { policy: development, timeoutMs: 2_000 });
    expect(answer.status).toBeNull();
    expect(answer.detail).toMatch(/ECONNREFUSED/);
  });

  it('when the address is not allowed, then no request is made at all', async () => {
    const r = await receiver((_req, res) => res.writeHead(200).end());
    const answer = await postOutbound(r.url, '{}', {}, { policy: production });
    expect(answer.status).toBeNull();
    expect(answer.detail).toMatch(/https/);
    expect(r.seen).toEqual([]);
  });

  it('when a name is used, then the connection goes to the address that was checked', async () => {
    const r = await receiver((_req, res) => res.writeHead(200).end('here'));
    const answer = await postOutbound(`http://psa.client.test:${r.port}/events`, '{}', {}, { policy: development, resolve: async () => ['127.0.0.1'] });
    expect(answer).toMatchObject({ status: 200, detail: 'here' });
    expect(r.seen[0]!.headers.host).toBe(`psa.client.test:${r.port}`);
  });
});
