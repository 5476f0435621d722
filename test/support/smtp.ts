import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

export interface ReceivedMail {
  raw: string;
  /** Parsed with mailparser, unless the server was started with `parse: false` (load tests). */
  parsed: ParsedMail;
  to: string[];
  /** The envelope sender (MAIL FROM): where bounces go. */
  from: string;
  messageId: string | undefined;
}

/** How the server answers a message: accept it, or reply with an SMTP error (e.g. 421 or 550 5.1.1). */
export type Verdict = { accept: true } | { accept: false; code: number; message: string };

/**
 * A real SMTP server on loopback that keeps what it receives. `stop()` and `start()` take it off
 * and back on the same port, to play an outage (connections refused meanwhile).
 */
export async function startSmtp(options: { parse?: boolean } = {}) {
  const parse = options.parse ?? true;
  const received: ReceivedMail[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let verdict: (rcpt: string) => Verdict = () => ({ accept: true });
  let server: SMTPServer | null = null;
  let port = 0;

  const notify = () => {
    for (const w of [...waiters]) {
      if (received.length >= w.count) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };

  const listen = async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      size: 10 * 1024 * 1024,
      closeTimeout: 200,
      onRcptTo(address, _session, callback) {
        const v = verdict(address.address);
        if (v.accept) return callback();
        callback(Object.assign(new Error(v.message), { responseCode: v.code }));
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', async () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const head = raw.slice(0, raw.indexOf('\r\n\r\n'));
          const messageId = /^Message-ID:\s*(<[^>]+>)/im.exec(head)?.[1];
          const parsed = parse ? await simpleParser(raw) : ({} as ParsedMail);
          received.push({ raw: parse ? raw : head, parsed, to: session.envelope.rcptTo.map((r) => r.address), from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', messageId });
          notify();
          callback();
        });
      },
    });
    const s = server;
    // A client that dies mid-session (a killed sender) resets its socket: expected here.
    s.on('error', () => {});
    await new Promise<void>((resolve) => s.listen(port, '127.0.0.1', resolve));
    port = (s.server.address() as AddressInfo).port;
  };
  await listen();

  return {
    get url() {
      return `smtp://127.0.0.1:${port}`;
    },
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
    /** Goes away: new connections are refused until `start()`. */
    stop: () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())).then(() => void (server = null)),
    start: () => listen(),
    close: () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
  };
}

export type TestSmtp = Awaited<ReturnType<typeof startSmtp>>;
