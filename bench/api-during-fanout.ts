// 4b. The extension's API while the same process sends (issue 18, item 4): p50/p99/max of
// GET /api/v1/me under a steady, modest open-loop load, first with nothing being sent, then during a
// fan-out of `contacts` messages sent by the service's in-process worker (the default, SQLite).
// The fan-out window runs from the webhook call to the last message accepted by the SMTP counter.
// With BENCH_CPU_PROF=<dir> the service also runs bench/lib/loop-probe.mjs, which notes every
// stall of its event loop (written to <dir>/loop-<pid>.json); the result then counts the stalls of
// each window, and gives the windows in monotonic microseconds for bench/lib/profile-slices.ts
// (--window=<from>:<to> --loop=<file>), which says what ran during each stall.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { openStore } from '../server/store/db.js';
import { Tokens } from '../server/tokens/tokens.js';
import { Sessions } from '../server/self-service/sessions.js';
import { ROOT, TOKEN_SECRET, sleep } from './lib/proc.js';
import { pacedLoad, summarize, type LatencySummary } from './lib/paced-load.js';
import { postAdvisory, seedContacts, startService } from './lib/service.js';
import { wallClock, type SmtpCounter } from './lib/smtp.js';
import { contactIds } from './unsubscribe.js';
import { SEND_CONCURRENCY } from './fanout.js';

export interface ApiDuringFanoutOptions {
  contacts: number;
  /** Signed-in contacts the requests cycle through. */
  sessions: number;
  ratePerSecond: number;
  idleSeconds: number;
}

export interface ApiDuringFanoutResult {
  route: 'GET /api/v1/me';
  contacts: number;
  sessions: number;
  ratePerSecond: number;
  sendConcurrency: number;
  /** Nothing being sent. */
  idle: LatencySummary & { seconds: number };
  /** From the webhook call to the last message at the SMTP counter. */
  fanout: LatencySummary & { seconds: number; msgsPerSecond: number; duplicates: number };
  /** With BENCH_CPU_PROF: the windows (monotonic µs), and the event-loop stalls the probe noted in each. */
  loop?: { file: string; idle: StallSummary & { window: string }; fanout: StallSummary & { window: string } };
}

export interface StallSummary {
  /** Stalls of 20 ms or more, and of 50 ms or more: how many, and their time in all. */
  over20: number;
  over50: number;
  over20Ms: number;
  maxMs: number;
  /** The CPU the process used during the stalls of 20 ms or more ÷ their length: near 1, it computed; well below, it waited for a core. */
  over20OnCpu: number;
}

/** Monotonic microseconds, the clock of the loop probe and of V8's CPU profiles (CLOCK_MONOTONIC on Linux). */
const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

function stallsIn(file: string, from: number, to: number): StallSummary {
  const { stalls } = JSON.parse(fs.readFileSync(file, 'utf8')) as { stalls: [number, number, number][] };
  const within = stalls.filter(([due]) => due >= from && due <= to);
  const over20 = within.filter(([, ms]) => ms >= 20);
  const over20Ms = over20.reduce((a, [, ms]) => a + ms, 0);
  return {
    over20: over20.length,
    over50: within.filter(([, ms]) => ms >= 50).length,
    over20Ms: Math.round(over20Ms),
    maxMs: Math.max(0, ...within.map(([, ms]) => ms)),
    over20OnCpu: over20Ms ? Number((over20.reduce((a, [, , cpu]) => a + cpu, 0) / over20Ms).toFixed(2)) : 0,
  };
}

const WARM_CONTACTS = 20;

export async function benchApiDuringFanout(counter: SmtpCounter, options: ApiDuringFanoutOptions): Promise<ApiDuringFanoutResult> {
  const n = options.contacts;
  const profileDir = process.env['BENCH_CPU_PROF'];
  const probe: Record<string, string> = profileDir
    ? { NODE_OPTIONS: `${process.env['NODE_OPTIONS'] ?? ''} --import ${path.join(ROOT, 'bench/lib/loop-probe.mjs')}`.trim(), BENCH_LOOP_PROBE: profileDir }
    : {};
  const service = await startService({ smtpUrl: counter.url, env: { SEND_CONCURRENCY: String(SEND_CONCURRENCY), ...probe } });
  let result: ApiDuringFanoutResult;
  let windows: { idle: [number, number]; fanout: [number, number] };
  try {
    const organizationId = await seedContacts(service.url, n, 'apifan');
    // A first, small advisory to an organization of its own: the first email a process renders
    // compiles its Handlebars templates (lazily, ~0.1 s), and the send path is still cold. That
    // happens once per process, not per fan-out: warm it here so the windows measure a process
    // that has sent before (the profile of a cold one shows it as one stall at the webhook).
    const warmOrganization = await seedContacts(service.url, WARM_CONTACTS, 'apifan-warm');
    await counter.reset();
    await postAdvisory(service.url, `apifan-warm-${crypto.randomUUID()}`, [warmOrganization]);
    await counter.waitFor(WARM_CONTACTS, 60_000);
    const ids = (await contactIds(service.databaseUrl)).slice(0, options.sessions);
    // Sessions opened straight in the store, as bench/self-service-api.ts does.
    const store = await openStore({ url: service.databaseUrl });
    const bearer: string[] = [];
    try {
      const sessions = new Sessions(store.db, new Tokens([TOKEN_SECRET]));
      for (const id of ids) bearer.push(`Bearer ${(await sessions.open(id)).token}`);
    } finally {
      await store.close();
    }
    const next = (i: number) => ({ method: 'GET' as const, path: '/api/v1/me', headers: { authorization: bearer[i % bearer.length]! } });
    const first = await fetch(`${service.url}/api/v1/me`, { headers: { authorization: bearer[0]! } });
    if (first.status !== 200) throw new Error(`GET /api/v1/me → ${first.status}: ${(await first.text()).slice(0, 300)}`);

    // Warm-up (JIT, statement cache), then the same load with nothing being sent.
    const warm = pacedLoad(service.url, options.ratePerSecond, next);
    await sleep(2_000);
    await warm.stop();
    const idleFrom = monotonicUs();
    const idleLoad = pacedLoad(service.url, options.ratePerSecond, next);
    await sleep(options.idleSeconds * 1000);
    const idleSamples = await idleLoad.stop();
    const idleTo = monotonicUs();
    const idle = { ...summarize(idleSamples), seconds: options.idleSeconds };

    await counter.reset();
    const load = pacedLoad(service.url, options.ratePerSecond, next);
    await sleep(500); // the load is steady before the webhook comes
    const fanoutStart = wallClock();
    const fanoutFrom = monotonicUs();
    const answer = await postAdvisory(service.url, `apifan-${crypto.randomUUID()}`, [organizationId]);
    if (answer['queued'] !== n) throw new Error(`expected ${n} queued, got ${JSON.stringify(answer)}`);
    const at = await counter.waitFor(n, Math.max(120_000, n * 20));
    const fanoutTo = monotonicUs() - Math.round((wallClock() - at) * 1000);
    windows = { idle: [idleFrom, idleTo], fanout: [fanoutFrom, fanoutTo] };
    const samples = await load.stop();
    const seconds = (at - fanoutStart) / 1000;
    await sleep(300);
    const stats = await counter.stats();
    result = {
      route: 'GET /api/v1/me',
      contacts: n,
      sessions: bearer.length,
      ratePerSecond: options.ratePerSecond,
      sendConcurrency: SEND_CONCURRENCY,
      idle,
      fanout: { ...summarize(samples, fanoutStart, at), seconds, msgsPerSecond: n / seconds, duplicates: stats.count - stats.distinct },
    };
  } finally {
    await service.stop();
  }
  const loopFile = profileDir ? path.join(profileDir, `loop-${service.pid}.json`) : null;
  if (loopFile && fs.existsSync(loopFile)) {
    const window = ([from, to]: [number, number]) => `${from}:${to}`;
    result.loop = {
      file: loopFile,
      idle: { ...stallsIn(loopFile, ...windows.idle), window: window(windows.idle) },
      fanout: { ...stallsIn(loopFile, ...windows.fanout), window: window(windows.fanout) },
    };
  }
  return result;
}
