import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import { verifySignature } from '../../server/crypto/webhook-signature.js';

export interface Received {
  id: string;
  type: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

/**
 * An MSP's receiver of events (its PSA): checks each signature with the secret it was given, keeps
 * what it accepted in arrival order, and answers as told (a status, or no answer at all).
 */
export async function psa() {
  const received: Received[] = [];
  const refused: string[] = [];
  let secret = '';
  let answer: (attempt: number) => number | 'hang' = () => 200;
  let attempts = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      attempts += 1;
      const told = answer(attempts);
      if (told === 'hang') return;
      if (!verifySignature(req.headers['x-signature'] as string, body, secret)) {
        refused.push(body.toString());
        return res.writeHead(401).end();
      }
      const event = JSON.parse(body.toString()) as Received;
      expect(req.headers['x-event-id']).toBe(event.id);
      if (told >= 200 && told < 300) received.push(event);
      res.writeHead(told).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`,
    received,
    refused,
    attempts: () => attempts,
    set secret(value: string) {
      secret = value;
    },
    answering(fn: (attempt: number) => number | 'hang') {
      attempts = 0;
      answer = fn;
    },
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(r));
    },
  };
}
