// Child processes for the benchmarks: the real service, workers, the SMTP counter and the bare
// Express ceiling, each its own node process (so its pid is the process we measure).
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { buildServer, COMPILED_NODE_ARGS, compiledEntry } from '../../test/support/process.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const ADMIN_KEY = 'bench-admin-key-0123456789abcdefghijklmnop';
export const WEBHOOK_SECRET = 'bench-webhook-secret-0123456789abcdefghij';
export const TOKEN_SECRET = { kid: 'b1', secret: 'bench-token-secret-0123456789abcdefghij' };
export const PG_BASE = process.env['BENCH_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432';

// One way to find a free port and to compile the service, shared with the tests.
export { freePort } from '../../test/support/process.js';

const NODE_ARGS = ['--import', 'tsx'];
const live = new Set<ChildProcess>();

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `bench-${prefix}-`));
}

export interface Child {
  child: ChildProcess;
  pid: number;
  output: () => string;
  exited: Promise<number | null>;
  stop: () => Promise<void>;
}

function track(child: ChildProcess): Child {
  live.add(child);
  let output = '';
  child.stdout?.on('data', (d) => (output = (output + String(d)).slice(-20_000)));
  child.stderr?.on('data', (d) => (output = (output + String(d)).slice(-20_000)));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      live.delete(child);
      resolve(code);
    }),
  );
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  return { child, pid: child.pid!, output: () => output, exited, stop };
}

let built = false;

/**
 * A file of this project as its own process (stdout/stderr captured). The service's entries
 * (server/…) run compiled from dist/node on node alone, as `npm start` runs them; the bench's own
 * helpers run from TypeScript through tsx.
 */
export function runTs(file: string, env: Record<string, string> = {}, ipc = false): Child {
  const service = file.startsWith('server/');
  if (service && !built) {
    buildServer();
    built = true;
  }
  const full = service ? compiledEntry(file) : path.resolve(ROOT, file);
  const nodeArgs = service ? COMPILED_NODE_ARGS : NODE_ARGS;
  // BENCH_CPU_PROF=<dir>: the service and workers write V8 CPU profiles there when they stop.
  const profile = process.env['BENCH_CPU_PROF'] && service ? ['--cpu-prof', `--cpu-prof-dir=${process.env['BENCH_CPU_PROF']}`] : [];
  const options = { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe', ...(ipc ? ['ipc'] : [])] as never };
  const child = ipc ? fork(full, [], { ...options, execArgv: nodeArgs }) : spawn(process.execPath, [...nodeArgs, ...profile, full], options);
  return track(child);
}

/** Kills whatever is still running (called on exit and on failure). */
export function killAll(): void {
  for (const child of live) child.kill('SIGKILL');
}
process.on('exit', killAll);

export async function waitForHealthy(url: string, child: Child, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.child.exitCode !== null) throw new Error(`process exited early:\n${child.output()}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} never became healthy:\n${child.output()}`);
}

/** Peak (VmHWM) and current (VmRSS) resident memory of a process, in MB. */
export function memoryOf(pid: number): { peakMb: number; rssMb: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return { peakMb: kb('VmHWM') / 1024, rssMb: kb('VmRSS') / 1024 };
}

/** Polls VmRSS every `everyMs` until stopped; returns the highest seen (MB). */
export function sampleRss(pid: number, everyMs = 50): () => number {
  let max = 0;
  const timer = setInterval(() => {
    try {
      max = Math.max(max, memoryOf(pid).rssMb);
    } catch {
      // process gone
    }
  }, everyMs);
  return () => {
    clearInterval(timer);
    return max;
  };
}

/** A fresh PostgreSQL database for one run; `drop()` removes it. */
export async function createPgDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: `${PG_BASE}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return {
    url: `${PG_BASE}/${name}`,
    drop: async () => {
      const client = new pg.Client({ connectionString: `${PG_BASE}/postgres` });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/** Whether PostgreSQL answers at PG_BASE. */
export async function postgresAvailable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: `${PG_BASE}/postgres`, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
