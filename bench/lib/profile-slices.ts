// What held the event loop, slice by slice, from a V8 .cpuprofile (BENCH_CPU_PROF=<dir>).
// Usage: node --import tsx bench/lib/profile-slices.ts <file.cpuprofile> [--last=<s> | --window=<from>:<to>] [--long=<ms>] [--loop=<loop-pid.json>] [--list=<n>]
//   --last: only the profile's final seconds; --window: monotonic microseconds (as the benchmark
//   prints them); --long: the slices looked into (10 ms by default); --list: how many of the
//   longest to show one by one (15).
//   --loop: the stalls bench/lib/loop-probe.mjs noted in the same process; each stall (a 2 ms timer
//   firing late) is a slice: what ran from when the timer was due until it fired. Without it, a
//   slice is a run of consecutive samples that are not (idle), which on a busy process merges many
//   tasks into one.
import fs from 'node:fs';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }
interface Slice { start: number; us: number; samples: number[]; weights: number[]; cpuMs?: number }

const [file, ...flags] = process.argv.slice(2);
const flag = (name: string) => flags.find((f) => f.startsWith(`--${name}=`))?.slice(name.length + 3);
if (!file) throw new Error('usage: profile-slices.ts <file.cpuprofile> [--last=<s> | --window=<from>:<to>] [--long=<ms>] [--loop=<file>]');
const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
const LONG_US = Number(flag('long') ?? 10) * 1000;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const windowFlag = flag('window')?.split(':').map(Number);
const from = windowFlag ? windowFlag[0]! : flag('last') ? profile.endTime - Number(flag('last')) * 1e6 : profile.startTime;
const to = windowFlag ? windowFlag[1]! : profile.endTime;

const short = (url: string) => url.replace(/^.*node_modules\//, '').replace(/^.*\/main\//, '').replace(/^file:\/\//, '');
const keyOf = (n: Node) => `${n.callFrame.functionName || '(anonymous)'} ${short(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
const isIdle = (id: number) => byId.get(id)?.callFrame.functionName === '(idle)';

// Sample i was taken at `times[i]` and stands for the time until the next one.
const times: number[] = [];
let clock = profile.startTime;
for (let i = 0; i < profile.samples.length; i += 1) times.push((clock += profile.timeDeltas[i] ?? 0));
const weightOf = (i: number) => profile.timeDeltas[i + 1] ?? 0;

const slices: Slice[] = [];
const loopFile = flag('loop');
if (loopFile) {
  const loop = JSON.parse(fs.readFileSync(loopFile, 'utf8')) as { stalls: [number, number, number?][]; everyMs: number; noteMs: number };
  let i = 0;
  for (const [due, lateMs, cpuMs] of loop.stalls) {
    if (due < from || due > to) continue;
    const slice: Slice = { start: due, us: lateMs * 1000, samples: [], weights: [], ...(cpuMs === undefined ? {} : { cpuMs }) };
    while (i < times.length && times[i]! < due) i += 1;
    for (let j = i; j < times.length && times[j]! < due + slice.us; j += 1) {
      if (isIdle(profile.samples[j]!)) continue;
      slice.samples.push(profile.samples[j]!);
      slice.weights.push(weightOf(j));
    }
    slices.push(slice);
  }
  console.log(`slices: the loop probe's stalls (a ${loop.everyMs} ms timer late by ≥ ${loop.noteMs} ms)`);
} else {
  let current: Slice | null = null;
  for (let i = 0; i < profile.samples.length; i += 1) {
    const id = profile.samples[i]!;
    if (times[i]! < from || times[i]! > to || isIdle(id)) {
      current = null;
      continue;
    }
    if (!current) slices.push((current = { start: times[i]!, us: 0, samples: [], weights: [] }));
    current.us += weightOf(i);
    current.samples.push(id);
    current.weights.push(weightOf(i));
  }
  console.log('slices: runs of consecutive non-idle samples');
}

const windowUs = to - from;
const busyUs = slices.reduce((a, s) => a + s.us, 0);
const ms = (us: number) => (us / 1000).toFixed(1);
console.log(`window ${(windowUs / 1e6).toFixed(1)} s, ${((100 * busyUs) / windowUs).toFixed(0)}% of it in ${slices.length} slices`);
for (const limit of [5, 10, 20, 50, 100]) {
  const over = slices.filter((s) => s.us >= limit * 1000);
  const us = over.reduce((a, s) => a + s.us, 0);
  const cpu = over.reduce((a, s) => a + (s.cpuMs ?? 0), 0);
  const computing = over.filter((s) => (s.cpuMs ?? 0) * 1000 >= 0.6 * s.us);
  const onCpu = loopFile && us ? `, the process on CPU ${((100 * cpu * 1000) / us).toFixed(0)}% of it; ${computing.length} of them computing (CPU ≥ 60% of their length)` : '';
  console.log(`  slices ≥ ${String(limit).padStart(3)} ms: ${String(over.length).padStart(5)}, ${ms(us).padStart(8)} ms in all${onCpu}`);
}
const sorted = [...slices].sort((a, b) => a.us - b.us);
const q = (p: number) => ms(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]?.us ?? 0);
console.log(`  slice length p50 ${q(0.5)} ms, p90 ${q(0.9)} ms, p99 ${q(0.99)} ms, max ${ms(sorted.at(-1)?.us ?? 0)} ms`);

const PROJECT = /\/server\/|nodemailer|kysely|better-sqlite3|handlebars|express|router|pino/;

/** Self time by function and inclusive time by project or library function within some slices (shares of their sampled time). */
function breakdown(of: Slice[]) {
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  for (const s of of) {
    s.samples.forEach((id, i) => {
      const w = s.weights[i]!;
      total += w;
      const node = byId.get(id)!;
      self.set(keyOf(node), (self.get(keyOf(node)) ?? 0) + w);
      const seen = new Set<string>();
      for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
        const n = byId.get(cur)!;
        if (PROJECT.test(n.callFrame.url)) seen.add(keyOf(n));
      }
      for (const k of seen) inclusive.set(k, (inclusive.get(k) ?? 0) + w);
    });
  }
  const top = (m: Map<string, number>, count: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, count).map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
  return { total, self: top(self, 20), inclusive: top(inclusive, 30) };
}

const long = slices.filter((s) => s.us >= LONG_US);
const b = breakdown(long);
console.log(`\n${long.length} slices ≥ ${LONG_US / 1000} ms (${ms(long.reduce((a, s) => a + s.us, 0))} ms; ${ms(b.total)} ms of it sampled busy): by function, self time`);
for (const line of b.self) console.log(line);
console.log('\nthe same slices: inclusive time in the project and its database, mail and HTTP libraries');
for (const line of b.inclusive) console.log(line);

const LIST = Number(flag('list') ?? 15);
console.log(`\nthe ${LIST} longest slices, in time order: when (s into the window), how long, and the innermost project frames they spent most in`);
for (const s of [...slices].sort((a, b2) => b2.us - a.us).slice(0, LIST).sort((a, b2) => a.start - b2.start)) {
  const frames = new Map<string, number>();
  s.samples.forEach((id, i) => {
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const n = byId.get(cur)!;
      if (/\/server\//.test(n.callFrame.url)) {
        frames.set(keyOf(n), (frames.get(keyOf(n)) ?? 0) + s.weights[i]!);
        return;
      }
    }
    const leaf = keyOf(byId.get(id)!);
    frames.set(leaf, (frames.get(leaf) ?? 0) + s.weights[i]!);
  });
  const top = [...frames].sort((a, b2) => b2[1] - a[1]).slice(0, 3).map(([k, v]) => `${k} ${ms(v)} ms`);
  const cpu = s.cpuMs === undefined ? '' : ` (CPU ${s.cpuMs.toFixed(0)} ms)`;
  console.log(`  +${((s.start - from) / 1e6).toFixed(2).padStart(6)} s  ${ms(s.us).padStart(6)} ms${cpu}  ${top.join('; ') || '(nothing sampled)'}`);
}
