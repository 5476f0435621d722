// A child process: an SMTP server on loopback that only counts what it accepts. It never parses
// mail; it reads each message's header block up to the blank line to note its Message-ID (so a
// message sent twice is seen), and drops the rest. Talks to its parent over IPC:
//   parent → {type:'expect', n}   child → {type:'reached', count, at}   (at: wall clock, ms)
//   parent → {type:'stats'}       child → {type:'stats', count, distinct, duplicates}
//   parent → {type:'reset'}       counts from zero again
//   parent → {type:'arrivals'}    child → {type:'arrivals', at: number[]}  (wall clock of each acceptance since the reset)
// SMTP_LATENCY_MS=<ms> (env): a slow relay. The final reply to each message's DATA waits that long,
// per connection (SMTP answers one message at a time on a connection), so connections still run
// side by side: with c connections the relay tops out at c × 1000 / latency messages a second.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

const HEADER_END = Buffer.from('\r\n\r\n');
const now = () => performance.timeOrigin + performance.now();
const LATENCY_MS = Number(process.env['SMTP_LATENCY_MS'] ?? 0);

let count = 0;
let seen = new Set<string>();
let duplicates = 0;
let expected: number | null = null;
let arrivals: number[] = [];

function reply(message: object): void {
  process.send?.(message);
}

function accepted(messageId: string | undefined): void {
  const at = now();
  count += 1;
  arrivals.push(at);
  if (messageId) {
    if (seen.has(messageId)) duplicates += 1;
    else seen.add(messageId);
  }
  if (expected !== null && count >= expected) {
    expected = null;
    reply({ type: 'reached', count, at });
  }
}

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  disableReverseLookup: true,
  logger: false,
  size: 10 * 1024 * 1024,
  maxClients: 1000,
  onData(stream, _session, callback) {
    let head: Buffer | null = Buffer.alloc(0);
    let messageId: string | undefined;
    stream.on('data', (chunk: Buffer) => {
      if (!head) return;
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf(HEADER_END);
      if (end >= 0 || head.length > 64 * 1024) {
        const text = head.subarray(0, end >= 0 ? end : head.length).toString('latin1');
        messageId = /^Message-ID:\s*(<[^>\r\n]+>)/im.exec(text)?.[1];
        head = null;
      }
    });
    stream.on('end', () => {
      const accept = () => {
        callback();
        accepted(messageId);
      };
      if (LATENCY_MS > 0) setTimeout(accept, LATENCY_MS);
      else accept();
    });
  },
});

server.listen(0, '127.0.0.1', () => {
  reply({ type: 'ready', port: (server.server.address() as AddressInfo).port });
});

process.on('message', (message: { type: string; n?: number }) => {
  if (message.type === 'expect') {
    if (count >= message.n!) reply({ type: 'reached', count, at: now() });
    else expected = message.n!;
  } else if (message.type === 'stats') {
    reply({ type: 'stats', count, distinct: seen.size, duplicates });
  } else if (message.type === 'reset') {
    count = 0;
    seen = new Set();
    duplicates = 0;
    expected = null;
    arrivals = [];
    reply({ type: 'reset' });
  } else if (message.type === 'arrivals') {
    reply({ type: 'arrivals', at: arrivals });
  }
});
process.on('disconnect', () => process.exit(0));
