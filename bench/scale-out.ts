// 5. Scale-out on PostgreSQL: one server (WORKER=off) with one worker process, then with two, on
// the same database and SMTP counter; throughput ratio, and no message delivered twice.
// 5b. The same, latency-bound (issue 18, item 6): a relay that takes `latencyMs` per message (the
// SMTP counter's SMTP_LATENCY_MS), so a worker is bound by SEND_CONCURRENCY × 1000 / latency msg/s
// rather than by CPU, and 1, 2 and 4 worker processes should scale almost linearly.
import crypto from 'node:crypto';
import fs from 'node:fs';
import pg from 'pg';
import { createPgDatabase, freePort, sleep, type Child } from './lib/proc.js';
import { postAdvisory, seedContacts, startService, startWorker } from './lib/service.js';
import { startSmtpCounter, wallClock, type SmtpCounter } from './lib/smtp.js';
import { SEND_CONCURRENCY } from './fanout.js';

/** One worker process's part of a phase, read from its own /metrics (METRICS_PORT). */
export interface WorkerShare {
  sent: number;
  /** Seconds from the webhook call to this worker's last send (to within the 250 ms sampling). */
  lastSentSeconds: number;
  leasesLost: number;
}

export interface ScaleOutPhase {
  workers: number;
  n: number;
  seconds: number;
  msgsPerSecond: number;
  received: number;
  distinct: number;
  duplicates: number;
  /** Latency-bound case only: when the first message arrived, the rate between the 10th and 90th percentile of arrivals, and each worker's share. */
  firstMessageSeconds?: number;
  steadyMsgsPerSecond?: number;
  perWorker?: WorkerShare[];
  /** Messages accepted in each second after the webhook call. */
  perSecond?: number[];
  /**
   * CPU during the phase, in cores (CPU seconds ÷ wall seconds): the worker processes together, the
   * server, the SMTP counter, the PostgreSQL backends serving this database, and the whole machine
   * (others' benchmarks included) out of `cores`.
   */
  cpu?: { workers: number; server: number; counter: number; postgres: number; machineBusy: number; cores: number };
  /** From starting the worker processes until all said they started. */
  startupSeconds?: number;
}

export interface ScaleOutResult {
  one: ScaleOutPhase;
  two: ScaleOutPhase;
}

export interface LatencyScaleOutResult {
  latencyMs: number;
  sendConcurrency: number;
  /** The most one worker can send: SEND_CONCURRENCY connections × 1000 / latency. */
  perWorkerBoundMsgsPerSecond: number;
  n: number;
  phases: ScaleOutPhase[];
}

/**
 * Server and workers must share the key personal fields are sealed with: without DATA_KEY each
 * process makes its own development key under its own DATA_DIR, and a worker cannot open what the
 * server stored ("cannot decrypt a value sealed with key …").
 */
const SHARED = { DATA_KEY: crypto.randomBytes(32).toString('base64') };

async function workerReady(worker: Child): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!worker.output().includes('worker started')) {
    if (worker.child.exitCode !== null || Date.now() > deadline) throw new Error(`worker did not start:\n${worker.output()}`);
    await sleep(50);
  }
}

/** The sum of a counter's series in a Prometheus text exposition. */
function counterSum(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split('\n')) if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  return sum;
}

/** Polls each worker's /metrics every `everyMs`; `stop()` answers each one's sent count, when it last rose, and leases lost. */
function sampleWorkers(ports: number[], start: number, everyMs = 250): { stop: () => Promise<WorkerShare[]> } {
  const shares: WorkerShare[] = ports.map(() => ({ sent: 0, lastSentSeconds: 0, leasesLost: 0 }));
  let stopped = false;
  const scrape = async () => {
    await Promise.all(
      ports.map(async (port, i) => {
        try {
          const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
          const sent = counterSum(text, 'messages_sent_total');
          const share = shares[i]!;
          if (sent > share.sent) Object.assign(share, { sent, lastSentSeconds: (wallClock() - start) / 1000 });
          share.leasesLost = counterSum(text, 'worker_leases_lost_total');
        } catch {
          // a scrape missed: the next one catches up
        }
      }),
    );
  };
  const loop = (async () => {
    while (!stopped) {
      await scrape();
      await sleep(everyMs);
    }
    await scrape();
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      return shares;
    },
  };
}

/** User + system CPU seconds a process has used so far (0 once it is gone). */
function cpuSeconds(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime: clock ticks (USER_HZ 100)
  } catch {
    return 0;
  }
}

/** The machine's busy and total CPU seconds so far (all cores, /proc/stat). */
function machineCpu(): { busy: number; total: number } {
  const ticks = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = ticks.reduce((a, b) => a + b, 0);
  const idle = ticks[3]! + (ticks[4] ?? 0);
  return { busy: (total - idle) / 100, total: total / 100 };
}

/** CPU seconds of each PostgreSQL backend connected to the database right now. */
async function backendsCpu(client: pg.Client): Promise<Map<number, number>> {
  const { rows } = await client.query<{ pid: number }>('select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
  return new Map(rows.map((r) => [r.pid, cpuSeconds(r.pid)]));
}

interface PhaseOptions {
  /** Scrape each worker's metrics and the counter's arrival times, and account CPU (the latency-bound case). */
  detail?: { serverPid: number; counterPid: number };
}

async function phase(counter: SmtpCounter, base: string, databaseUrl: string, organizationId: string, n: number, workers: number, options: PhaseOptions = {}): Promise<ScaleOutPhase> {
  const env = { ...SHARED, LOG_LEVEL: 'info', SEND_CONCURRENCY: String(SEND_CONCURRENCY) };
  const ports = options.detail ? await Promise.all(Array.from({ length: workers }, () => freePort())) : [];
  const spawned = wallClock();
  const started = Array.from({ length: workers }, (_, i) => startWorker(databaseUrl, counter.url, ports[i] ? { ...env, METRICS_PORT: String(ports[i]) } : env));
  const pgClient = options.detail ? new pg.Client({ connectionString: databaseUrl }) : null;
  try {
    await pgClient?.connect();
    await Promise.all(started.map(workerReady));
    const startupSeconds = (wallClock() - spawned) / 1000;
    await counter.reset();
    const start = wallClock();
    const sampling = options.detail ? sampleWorkers(ports, start) : null;
    const cpuAt = () => ({ workers: started.reduce((a, w) => a + cpuSeconds(w.pid), 0), server: cpuSeconds(options.detail?.serverPid ?? 0), counter: cpuSeconds(options.detail?.counterPid ?? 0), machine: machineCpu(), at: wallClock() });
    const cpuBefore = cpuAt();
    const pgBefore = pgClient ? await backendsCpu(pgClient) : null;
    await postAdvisory(base, `scale-${workers}-${crypto.randomUUID()}`, [organizationId]);
    const at = await counter.waitFor(n, Math.max(180_000, n * 30));
    const cpuAfter = cpuAt();
    const pgAfter = pgClient ? await backendsCpu(pgClient) : null;
    await sleep(1_000); // anything sent twice would arrive now
    const stats = await counter.stats();
    const seconds = (at - start) / 1000;
    const result: ScaleOutPhase = { workers, n, seconds, msgsPerSecond: n / seconds, received: stats.count, distinct: stats.distinct, duplicates: stats.count - stats.distinct };
    if (sampling) {
      const wall = (cpuAfter.at - cpuBefore.at) / 1000;
      const cores = (cpuAfter.machine.total - cpuBefore.machine.total) / wall;
      const used = (key: 'workers' | 'server' | 'counter') => Number(((cpuAfter[key] - cpuBefore[key]) / wall).toFixed(2));
      let postgres = 0;
      for (const [pid, cpu] of pgAfter ?? []) postgres += cpu - (pgBefore?.get(pid) ?? 0);
      result.startupSeconds = startupSeconds;
      result.cpu = { workers: used('workers'), server: used('server'), counter: used('counter'), postgres: Number((postgres / wall).toFixed(2)), machineBusy: Number(((cpuAfter.machine.busy - cpuBefore.machine.busy) / wall).toFixed(2)), cores: Math.round(cores) };
      result.perWorker = await sampling.stop();
      const arrivals = await counter.arrivals();
      const t = (q: number) => arrivals[Math.min(arrivals.length - 1, Math.floor(q * (n - 1)))]!;
      result.firstMessageSeconds = (arrivals[0]! - start) / 1000;
      result.steadyMsgsPerSecond = (0.8 * (n - 1)) / ((t(0.9) - t(0.1)) / 1000);
      result.perSecond = Array.from({ length: Math.ceil(seconds) }, () => 0);
      for (const a of arrivals) {
        const second = Math.floor((a - start) / 1000);
        if (second < result.perSecond.length) result.perSecond[second]! += 1;
      }
    }
    return result;
  } finally {
    await pgClient?.end();
    await Promise.all(started.map((w) => w.stop()));
  }
}

export async function benchScaleOut(counter: SmtpCounter, n: number): Promise<ScaleOutResult> {
  const database = await createPgDatabase();
  try {
    const service = await startService({ databaseUrl: database.url, smtpUrl: counter.url, env: { ...SHARED, WORKER: 'off' } });
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

/**
 * Latency-bound scale-out: its own SMTP counter answering each message after `latencyMs`, one
 * server (WORKER=off) on a fresh PostgreSQL database, then `workerCounts` worker processes in turn,
 * each phase a new advisory to the same `n` contacts.
 */
export async function benchLatencyScaleOut(n: number, latencyMs = 100, workerCounts = [1, 2, 4], log: (line: string) => void = () => {}): Promise<LatencyScaleOutResult> {
  const counter = await startSmtpCounter({ latencyMs });
  try {
    const database = await createPgDatabase();
    try {
      const service = await startService({ databaseUrl: database.url, smtpUrl: counter.url, env: { ...SHARED, WORKER: 'off' } });
      try {
        const organizationId = await seedContacts(service.url, n, 'latency');
        const phases: ScaleOutPhase[] = [];
        for (const workers of workerCounts) {
          const p = await phase(counter, service.url, database.url, organizationId, n, workers, { detail: { serverPid: service.pid, counterPid: counter.pid } });
          log(
            `   ${workers} worker(s): ${p.msgsPerSecond.toFixed(1)} msg/s (${p.seconds.toFixed(1)} s, started in ${p.startupSeconds?.toFixed(1)} s; steady ${p.steadyMsgsPerSecond?.toFixed(1)} msg/s; ` +
              `last send (s)/messages per worker ${p.perWorker?.map((w) => `${w.lastSentSeconds.toFixed(1)}/${w.sent}`).join(', ')}; CPU in cores ${JSON.stringify(p.cpu)})`,
          );
          phases.push(p);
        }
        return { latencyMs, sendConcurrency: SEND_CONCURRENCY, perWorkerBoundMsgsPerSecond: (SEND_CONCURRENCY * 1000) / latencyMs, n, phases };
      } finally {
        await service.stop();
      }
    } finally {
      await database.drop();
    }
  } finally {
    await counter.stop();
  }
}
