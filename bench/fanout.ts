// 1. Advisory fan-out: from the webhook call to the last message accepted by the SMTP counter
// process, against the ceiling: nodemailer's pooled transport sending N already-rendered messages
// of the same size to the same SMTP process with the same number of connections.
import crypto from 'node:crypto';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { forEachLimited } from '../server/delivery/pacing.js';
import { memoryOf, sampleRss, sleep, tempDir } from './lib/proc.js';
import { postAdvisory, seedContactsApart, startService } from './lib/service.js';
import { wallClock, type SmtpCounter } from './lib/smtp.js';

export const SEND_CONCURRENCY = Number(process.env['SEND_CONCURRENCY'] ?? 5);

/** DKIM as a real sender has it (RSA 2048), for the service and the ceiling alike. */
const DKIM_KEY = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
export const DKIM = { domainName: 'bench.example', keySelector: 'bench', privateKey: DKIM_KEY };
const DKIM_ENV = { DKIM_DOMAIN: DKIM.domainName, DKIM_SELECTOR: DKIM.keySelector, DKIM_PRIVATE_KEY: DKIM_KEY };

export interface FanoutRun {
  n: number;
  seconds: number;
  /** From the webhook call to the first message at the SMTP counter. */
  firstMessageMs: number;
  msgsPerSecond: number;
  msPerMessage: number;
  /** Highest VmRSS of the server process sampled during the fan-out, and its VmHWM over its whole life (start included; it does not seed). */
  peakRssMb: number;
  lifetimePeakMb: number;
  rssBeforeMb: number;
  duplicates: number;
}

export interface CeilingRun {
  n: number;
  seconds: number;
  msgsPerSecond: number;
}

/** A service that has sent before: its code is compiled by V8's optimizer, as in a running service. */
export const WARM_UP_RECIPIENTS = 2_000;

/**
 * The service, fresh SQLite, worker on: N contacts seeded by another process first (the import's
 * heap is not the fan-out's), and a warm-up fan-out to another organization of its own; then the
 * webhook call, waited for until N messages reach the counter.
 */
export async function fanout(counter: SmtpCounter, n: number, { dkim = false } = {}): Promise<FanoutRun> {
  const dataDir = tempDir('service');
  const databaseUrl = `sqlite:${path.join(dataDir, 'bench.db')}`;
  const [organizationId, warmUpOrganizationId] = await seedContactsApart({ databaseUrl, dataDir }, [
    { count: n, prefix: `fan${n}` },
    { count: WARM_UP_RECIPIENTS, prefix: `warm${n}` },
  ]);
  const service = await startService({ databaseUrl, dataDir, smtpUrl: counter.url, env: { SEND_CONCURRENCY: String(SEND_CONCURRENCY), ...(dkim ? DKIM_ENV : {}) } });
  try {
    await counter.reset();
    await postAdvisory(service.url, `warm-${crypto.randomUUID()}`, [warmUpOrganizationId!]);
    await counter.waitFor(WARM_UP_RECIPIENTS, 60_000);
    await sleep(500);
    await counter.reset();
    const rssBeforeMb = memoryOf(service.pid).rssMb;
    const peak = sampleRss(service.pid);
    const start = wallClock();
    const answer = await postAdvisory(service.url, `adv-${crypto.randomUUID()}`, [organizationId!]);
    if (answer['queued'] !== n) throw new Error(`expected ${n} queued, got ${JSON.stringify(answer)}`);
    const at = await counter.waitFor(n, Math.max(120_000, n * 20));
    const [first] = await counter.arrivals();
    const peakRssMb = peak();
    const { lifetimePeakMb } = { lifetimePeakMb: memoryOf(service.pid).peakMb };
    await sleep(300);
    const stats = await counter.stats();
    const seconds = (at - start) / 1000;
    return {
      n,
      seconds,
      firstMessageMs: first! - start,
      msgsPerSecond: n / seconds,
      msPerMessage: (seconds * 1000) / n,
      peakRssMb,
      lifetimePeakMb,
      rssBeforeMb,
      duplicates: stats.count - stats.distinct,
    };
  } finally {
    await service.stop();
  }
}

/**
 * The ceiling: the same pooled transport settings as server/mail/transport.ts, N messages of one
 * real rendered advisory (`mail`), each with its own Message-ID and recipient, 2 × connections in
 * flight as the worker keeps. `raw: true` sends finished MIME bytes instead (for information).
 */
export async function ceiling(counter: SmtpCounter, n: number, mail: Mail.Options, raw = false, { dkim = false } = {}): Promise<CeilingRun> {
  const transport = nodemailer.createTransport({ url: counter.url, pool: true, maxConnections: SEND_CONCURRENCY, maxMessages: 1000, ...(dkim ? { dkim: DKIM } : {}) });
  let mime: string | null = null;
  if (raw) {
    const built = await nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' }).sendMail(mail);
    mime = (built.message as Buffer).toString('utf8');
  }
  try {
    await counter.reset();
    const indexes = Array.from({ length: n }, (_, i) => i);
    const start = wallClock();
    await forEachLimited(indexes, SEND_CONCURRENCY * 2, async (i) => {
      const messageId = `<ceiling-${i}-${crypto.randomUUID()}@localhost>`;
      const to = `contact-${i}@bench.example`;
      if (mime) await transport.sendMail({ envelope: { from: 'no-reply@localhost', to }, raw: mime.replace(/^Message-ID: .*$/im, `Message-ID: ${messageId}`) });
      else await transport.sendMail({ ...mail, to, messageId });
    });
    const at = await counter.waitFor(n, 60_000);
    const seconds = (at - start) / 1000;
    return { n, seconds, msgsPerSecond: n / seconds };
  } finally {
    transport.close();
  }
}
