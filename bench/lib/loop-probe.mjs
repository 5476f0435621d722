// Preloaded into a measured process (NODE_OPTIONS=--import <this file>, BENCH_LOOP_PROBE=<dir>): a
// timer due every 2 ms notes each time it fires late by 5 ms or more, i.e. a stretch during which
// the event loop could not run anything else (a request arriving then waits for it). Written at
// exit as <dir>/loop-<pid>.json: `stalls` as [due, lateMs, cpuMs], `due` in microseconds of the
// monotonic clock, the same clock as the `startTime` of the V8 CPU profile the process writes (so
// bench/lib/profile-slices.ts can say what ran during each stall); `cpuMs` the CPU time the process
// (all its threads) used meanwhile: close to lateMs, it was computing; far below, it was waiting for
// a core (a busy machine) or for a synchronous system call.
/* global process, setTimeout */
import fs from 'node:fs';
import path from 'node:path';

const dir = process.env.BENCH_LOOP_PROBE;
if (dir) {
  const EVERY_MS = 2;
  const NOTE_MS = 5;
  const stalls = [];
  let ticks = 0;
  const now = () => process.hrtime.bigint();
  const cpuMs = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
  let due = now() + BigInt(EVERY_MS * 1e6);
  let cpuAtLastTick = cpuMs();
  const tick = () => {
    const at = now();
    const cpu = cpuMs();
    const lateMs = Number(at - due) / 1e6;
    ticks += 1;
    // The CPU since the last tick covers the wait for this one too (EVERY_MS, often idle).
    if (lateMs >= NOTE_MS) stalls.push([Number(due / 1000n), Number(lateMs.toFixed(2)), Number((cpu - cpuAtLastTick).toFixed(2))]);
    cpuAtLastTick = cpu;
    due = at + BigInt(EVERY_MS * 1e6);
    setTimeout(tick, EVERY_MS).unref();
  };
  setTimeout(tick, EVERY_MS).unref();
  process.on('exit', () => {
    fs.writeFileSync(path.join(dir, `loop-${process.pid}.json`), JSON.stringify({ pid: process.pid, everyMs: EVERY_MS, noteMs: NOTE_MS, ticks, exitedAt: Number(now() / 1000n), stalls }));
  });
}
