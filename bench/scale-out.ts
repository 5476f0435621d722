// 5. Scale-out on PostgreSQL: one server (WORKER=off) with one worker process, then with two, on
// the same database and SMTP counter; throughput ratio, and no message delivered twice.
import crypto from 'node:crypto';
import { createPgDatabase, sleep, type Child } from './lib/proc.js';
import { postAdvisory, seedContacts, startService, startWorker } from './lib/service.js';
import { wallClock, type SmtpCounter } from './lib/smtp.js';
import { SEND_CONCURRENCY } from './fanout.js';

export interface ScaleOutPhase {
  workers: number;
  n: number;
  seconds: number;
  msgsPerSecond: number;
  received: number;
  distinct: number;
  duplicates: number;
}

export interface ScaleOutResult {
  one: ScaleOutPhase;
  two: ScaleOutPhase;
}

async function workerReady(worker: Child): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!worker.output().includes('worker started')) {
    if (worker.child.exitCode !== null || Date.now() > deadline) throw new Error(`worker did not start:\n${worker.output()}`);
    await sleep(50);
  }
}

async function phase(counter: SmtpCounter, base: string, databaseUrl: string, organizationId: string, n: number, workers: number): Promise<ScaleOutPhase> {
  const env = { LOG_LEVEL: 'info', SEND_CONCURRENCY: String(SEND_CONCURRENCY) };
  const started = Array.from({ length: workers }, () => startWorker(databaseUrl, counter.url, env));
  try {
    await Promise.all(started.map(workerReady));
    await counter.reset();
    const start = wallClock();
    await postAdvisory(base, `scale-${workers}-${crypto.randomUUID()}`, [organizationId]);
    const at = await counter.waitFor(n, Math.max(180_000, n * 30));
    await sleep(1_000); // anything sent twice would arrive now
    const stats = await counter.stats();
    const seconds = (at - start) / 1000;
    return { workers, n, seconds, msgsPerSecond: n / seconds, received: stats.count, distinct: stats.distinct, duplicates: stats.count - stats.distinct };
  } finally {
    await Promise.all(started.map((w) => w.stop()));
  }
}

export async function benchScaleOut(counter: SmtpCounter, n: number): Promise<ScaleOutResult> {
  const database = await createPgDatabase();
  try {
    const service = await startService({ databaseUrl: database.url, smtpUrl: counter.url, env: { WORKER: 'off' } });
    try {
      const organizationId = await seedContacts(service.url, n, 'scale');
      const one = await phase(counter, service.url, database.url, organizationId, n, 1);
      const two = await phase(counter, service.url, database.url, organizationId, n, 2);
      return { one, two };
    } finally {
      await service.stop();
    }
  } finally {
    await database.drop();
  }
}
