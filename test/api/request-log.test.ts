import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/logger.js';
import { httpLogger } from '../../server/http/request-log.js';

describe('the request log', () => {
  const lines: Record<string, unknown>[] = [];
  let server: http.Server;
  let url: string;

  beforeAll(async () => {
    const logger = createLogger('info', new Writable({ write: (chunk, _encoding, done) => done(void lines.push(...String(chunk).split('\n').filter(Boolean).map((l) => JSON.parse(l)))) }));
    const app = express();
    app.use(httpLogger(logger));
    app.post('/u/:token', (_req, res) => void res.type('text').send('Unsubscribed.'));
    app.get('/down', (_req, res) => void res.status(503).json({ status: 'unavailable' }));
    app.get('/noted', (req, res) => {
      req.log?.warn({ person: { email: 'someone@private.example' } }, 'something to note');
      res.status(204).end();
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const lineOf = (id: string, msg?: string) => lines.find((l) => (l.req as { id?: string } | undefined)?.id === id && (!msg || l.msg === msg));

  it('when a request is answered, then it gets one line with its id (the caller’s if sane, sent back), method, masked path, status and time', async () => {
    const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    const res = await fetch(`${url}/u/${token}?lang=fr`, { method: 'POST', headers: { 'x-request-id': 'caller-id-0001' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('caller-id-0001');
    await expect.poll(() => lineOf('caller-id-0001')).toBeDefined();
    expect(lineOf('caller-id-0001')).toMatchObject({ level: 30, req: { id: 'caller-id-0001', method: 'POST', path: '/u/:token' }, res: { statusCode: 200 }, msg: 'request completed' });
    expect(typeof lineOf('caller-id-0001')!.responseTime).toBe('number');
    expect(lines.filter((l) => (l.req as { id?: string }).id === 'caller-id-0001')).toHaveLength(1);

    const fresh = await fetch(`${url}/u/${token}`, { method: 'POST', headers: { 'x-request-id': 'bad id!' } });
    const id = fresh.headers.get('x-request-id')!;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await expect.poll(() => lineOf(id)).toBeDefined();
  });

  it('when a request fails with a 5xx, then its line is an error', async () => {
    const id = (await fetch(`${url}/down`)).headers.get('x-request-id')!;
    await expect.poll(() => lineOf(id)).toBeDefined();
    expect(lineOf(id)).toMatchObject({ level: 50, res: { statusCode: 503 }, err: { message: 'failed with status code 503' }, msg: 'request errored' });
  });

  it('when something is logged while answering, then it carries the request’s fields, and personal data stays redacted', async () => {
    const id = (await fetch(`${url}/noted`)).headers.get('x-request-id')!;
    await expect.poll(() => lineOf(id, 'request completed')).toBeDefined();
    expect(lineOf(id, 'something to note')).toMatchObject({ level: 40, req: { id, method: 'GET', path: '/noted' } });
    expect(JSON.stringify(lines)).not.toContain('private.example');
  });
});
