import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { outboundAddresses, type OutboundPolicy, type Resolve } from './outbound-address.js';

export interface OutboundAnswer {
  /** The receiver's status; null when none came (refused, unreachable, timed out). */
  status: number | null;
  /** The start of its body (at most MAX_ANSWER_BYTES), or why there was no answer. */
  detail: string;
  latencyMs: number;
}

export interface OutboundOptions {
  policy: OutboundPolicy;
  timeoutMs?: number;
  resolve?: Resolve;
}

/** A receiver's answer is read this far and no further: only its start is kept, as a hint. */
export const MAX_ANSWER_BYTES = 4_096;
const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * One POST to a receiver we do not control: its address checked again first (outbound-address.ts)
 * and the connection made to that checked address (a name pointed elsewhere meanwhile changes
 * nothing), no redirect followed (a 3xx is an answer like any other), one time limit for the whole
 * exchange, and at most MAX_ANSWER_BYTES of the answer read. Never throws: a failure is an answer
 * without a status.
 */
export async function postOutbound(url: string, body: string, headers: Record<string, string>, options: OutboundOptions): Promise<OutboundAnswer> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let target: URL;
  let address: string;
  try {
    target = new URL(url);
    [address] = (await outboundAddresses(target, options.policy, options.resolve)) as [string];
  } catch (error) {
    return { status: null, detail: error instanceof Error ? (error as { detail?: string }).detail ?? error.message : String(error), latencyMs: elapsed() };
  }
  const client = target.protocol === 'https:' ? https : http;
  return new Promise<OutboundAnswer>((resolve) => {
    let settled = false;
    const settle = (answer: Omit<OutboundAnswer, 'latencyMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      resolve({ ...answer, latencyMs: elapsed() });
    };
    const request = client.request(
      target,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'serveitpro-consent-mail webhooks', ...headers },
        // The name is kept for TLS (SNI and the certificate); the address is the one checked.
        lookup: (_host, lookupOptions, callback) => {
          const family = net.isIPv6(address) ? 6 : 4;
          if ((lookupOptions as { all?: boolean }).all) (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address, family }]);
          else callback(null, address, family);
        },
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () => settle({ status: response.statusCode ?? null, detail: Buffer.concat(chunks).toString('utf8').slice(0, MAX_ANSWER_BYTES) });
        response.on('data', (chunk: Buffer) => {
          if (size < MAX_ANSWER_BYTES) chunks.push(chunk.subarray(0, MAX_ANSWER_BYTES - size));
          size += chunk.length;
          if (size >= MAX_ANSWER_BYTES) done();
        });
        response.on('end', done);
        response.on('error', done);
      },
    );
    const timer = setTimeout(() => settle({ status: null, detail: `no answer within ${(options.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000} s` }), options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    request.on('error', (error) => settle({ status: null, detail: error.message }));
    request.end(body);
  });
}
