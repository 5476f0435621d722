import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

export interface ReceivedMail {
  raw: string;
  parsed: ParsedMail;
  to: string[];
}

/** How the server answers a message: accept it, or reply with an SMTP error (e.g. 421 or 550 5.1.1). */
export type Verdict = { accept: true } | { accept: false; code: number; message: string };

/** A real SMTP server on loopback that keeps and parses what it receives. */
export async function startSmtp() {
  const received: ReceivedMail[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let verdict: (rcpt: string) => Verdict = () => ({ accept: true });

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 10 * 1024 * 1024,
    onRcptTo(address, _session, callback) {
      const v = verdict(address.address);
      if (v.accept) return callback();
      const error = Object.assign(new Error(v.message), { responseCode: v.code });
      callback(error);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        received.push({ raw, parsed: await simpleParser(raw), to: session.envelope.rcptTo.map((r) => r.address) });
        for (const w of [...waiters]) {
          if (received.length >= w.count) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve();
          }
        }
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;

  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    received,
    setVerdict(fn: (rcpt: string) => Verdict) {
      verdict = fn;
    },
    /** Resolves once `count` messages in all have arrived; rejects after `timeoutMs`. */
    waitFor(count: number, timeoutMs = 15_000): Promise<ReceivedMail[]> {
      if (received.length >= count) return Promise.resolve(received);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`expected ${count} messages, got ${received.length}`)), timeoutMs);
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve(received);
          },
        });
      });
    },
    to(address: string): ReceivedMail[] {
      return received.filter((m) => m.to.includes(address));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type TestSmtp = Awaited<ReturnType<typeof startSmtp>>;
