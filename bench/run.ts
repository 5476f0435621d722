// npm run bench [-- --full]   (or BENCH_FULL=1): every figure as a ratio against a ceiling
// measured in the same run on the same machine; absolute figures are printed for information.
// Writes bench/results.json (bench/results.full.json with --full; *.partial.json with --only). Options: --only=fanout,unsubscribe,render,api,api-fanout,scale,latency,extension
// BENCH_CPU_PROF=<dir> makes the service and worker processes write V8 CPU profiles there
// (summarise one with `node --import tsx bench/lib/profile-summary.ts <file> [top] [last-seconds]`).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchRender, type RenderResult } from './render.js';
import { ceiling, fanout, SEND_CONCURRENCY, WARM_UP_RECIPIENTS, type CeilingRun, type FanoutRun } from './fanout.js';
import { benchUnsubscribe, type UnsubscribeResult } from './unsubscribe.js';
import { benchSelfService, type SelfServiceResult } from './self-service-api.js';
import { benchLatencyScaleOut, benchScaleOut, type LatencyScaleOutResult, type ScaleOutPhase, type ScaleOutResult } from './scale-out.js';
import { benchApiDuringFanout, type ApiDuringFanoutResult, type StallSummary } from './api-during-fanout.js';
import { benchExtension, type ExtensionResult } from './extension.js';
import { createPgDatabase, killAll, postgresAvailable, ROOT } from './lib/proc.js';
import { startSmtpCounter } from './lib/smtp.js';
import { mailPipeline } from './lib/mail-pipeline.js';

const args = process.argv.slice(2);
const FULL = args.includes('--full') || process.env['BENCH_FULL'] === '1';
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
const wanted = (name: string) => !only || only.includes(name);
const RESULTS_FILE = `bench/results${FULL ? '.full' : ''}${only ? '.partial' : ''}.json`;
const FANOUT_SIZES = FULL ? [1_000, 5_000, 10_000, 100_000] : [1_000, 5_000, 10_000];

interface Row {
  measurement: string;
  figure: string;
  ratio: number | null;
  target: string;
  met: boolean | null;
}

const rows: Row[] = [];
const results: Record<string, unknown> = {};
const began = Date.now();
const log = (line: string) => process.stderr.write(`[bench ${((Date.now() - began) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
const n0 = (x: number) => Math.round(x).toLocaleString('en-US');
const n1 = (x: number) => x.toFixed(1);
const n2 = (x: number) => x.toFixed(2);

function row(measurement: string, figure: string, ratio: number | null, target: string, met: boolean | null) {
  rows.push({ measurement, figure, ratio, target, met });
}

function machine() {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    cpu: `${cpus.length} × ${cpus[0]?.model ?? 'unknown'}`,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    loadAverageAtStart: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
}

async function main(): Promise<void> {
  results['machine'] = machine();
  results['full'] = FULL;
  log(`machine: ${JSON.stringify(results['machine'])}; sizes: ${FULL ? 'full' : 'default'}`);

  const counter = await startSmtpCounter();
  const fanouts: FanoutRun[] = [];
  let render: RenderResult | null = null;
  try {
    if (wanted('render') || wanted('fanout')) {
      log('3. rendering: compiled templates vs MJML per message');
      render = await benchRender();
      results['render'] = render;
      row('3. render one message (Handlebars fill)', `${n2(render.renderMs * 1000)} µs; with headers + signed links ${n2(render.composeMs * 1000)} µs`, render.mjmlMs / render.composeMs, 'MJML per message ÷ service (×, higher is better)', null);
      row('3. MJML per message (mjml2html on the layout)', `${n1(render.mjmlMs)} ms`, null, 'information', null);
      row('3. nodemailer MIME build per message (CPU)', `${n2(render.mimeMs)} ms for ${n0(render.mimeBytes)} bytes`, null, 'information', null);
    }

    if (wanted('fanout')) {
      const { composer, sample } = await mailPipeline();
      const { mail } = await composer.compose(sample(0));
      const ceilings: Record<number, CeilingRun[]> = {};
      for (const n of FANOUT_SIZES) {
        log(`1. fan-out N=${n}: ceiling, service, ceiling`);
        const runs = [await ceiling(counter, n, mail)];
        const run = await fanout(counter, n);
        if (n < 100_000) runs.push(await ceiling(counter, n, mail));
        ceilings[n] = runs;
        fanouts.push(run);
        log(`   service ${n1(run.msgsPerSecond)} msg/s, ceiling ${runs.map((r) => n1(r.msgsPerSecond)).join(' / ')} msg/s, peak RSS ${n0(run.peakRssMb)} MB`);
      }
      const rawCeiling = await ceiling(counter, 10_000, mail, true);
      log('1. fan-out N=10000 with DKIM: raw-MIME ceiling with DKIM, service with DKIM');
      const rawDkimCeiling = await ceiling(counter, 10_000, mail, true, { dkim: true });
      const dkimRun = await fanout(counter, 10_000, { dkim: true });
      log(`   service ${n1(dkimRun.msgsPerSecond)} msg/s, raw ceiling ${n1(rawDkimCeiling.msgsPerSecond)} msg/s (DKIM)`);
      results['fanout'] = { sendConcurrency: SEND_CONCURRENCY, messageBytes: render?.mimeBytes, runs: fanouts, ceilings, rawMimeCeiling10k: rawCeiling, dkim: { run: dkimRun, rawMimeCeiling10k: rawDkimCeiling } };
      for (const run of fanouts) {
        const c = ceilings[run.n]!;
        const ceilingRate = c.reduce((a, r) => a + r.msgsPerSecond, 0) / c.length;
        const ratio = run.msgsPerSecond / ceilingRate;
        const is10k = run.n === 10_000;
        row(
          `1. fan-out N=${n0(run.n)} (webhook → last message at SMTP)`,
          `${n1(run.seconds)} s (first message after ${n0(run.firstMessageMs)} ms), ${n0(run.msgsPerSecond)} msg/s vs nodemailer composing ${n0(ceilingRate)} msg/s`,
          ratio,
          is10k ? '≥ 1.5 × nodemailer composing' : 'information: ÷ nodemailer composing',
          is10k ? ratio >= 1.5 : null,
        );
      }
      const perMsg = fanouts.map((r) => r.msPerMessage);
      const spread = Math.max(...perMsg) / Math.min(...perMsg);
      row(
        `1. cost per message, N=${fanouts.map((r) => n0(r.n)).join(' → ')} (each after a ${n0(WARM_UP_RECIPIENTS)}-recipient warm-up)`,
        fanouts.map((r) => `${n2(r.msPerMessage)} ms`).join(' → '),
        spread,
        'max ÷ min ≤ 1.20 (flat within 20%)',
        spread <= 1.2,
      );
      // The server's own memory: contacts are seeded by another process before it starts (fanout.ts).
      const RSS_TARGET_MB: Record<number, number> = { 5_000: 250, 100_000: 300 };
      for (const run of fanouts) {
        const targetMb = RSS_TARGET_MB[run.n];
        row(
          `1. server peak RSS during fan-out, N=${n0(run.n)}`,
          `${n0(run.peakRssMb)} MB (after the warm-up, before this fan-out: ${n0(run.rssBeforeMb)} MB; VmHWM since start ${n0(run.lifetimePeakMb)} MB)`,
          run.peakRssMb / (targetMb ?? 300),
          targetMb ? `< ${targetMb} MB at ${n0(run.n)} (ratio to ${targetMb} < 1)` : 'information',
          targetMb ? run.peakRssMb < targetMb : null,
        );
      }
      const dupes = fanouts.reduce((a, r) => a + r.duplicates, 0);
      row('1. messages delivered twice (all fan-outs)', String(dupes), null, '0', dupes === 0);
      const ten = fanouts.find((r) => r.n === 10_000);
      if (ten) {
        const rawRatio = ten.msgsPerSecond / rawCeiling.msgsPerSecond;
        row('1. fan-out N=10,000 ÷ nodemailer sending finished MIME, DKIM off', `${n0(ten.msgsPerSecond)} vs ${n0(rawCeiling.msgsPerSecond)} msg/s`, rawRatio, '≥ 0.60', rawRatio >= 0.6);
      }
      const dkimRatio = dkimRun.msgsPerSecond / rawDkimCeiling.msgsPerSecond;
      row('1. fan-out N=10,000 ÷ nodemailer sending finished MIME, DKIM on (both)', `${n0(dkimRun.msgsPerSecond)} vs ${n0(rawDkimCeiling.msgsPerSecond)} msg/s`, dkimRatio, '≥ 0.60', dkimRatio >= 0.6 && dkimRun.duplicates === 0);
      if (render && ten) {
        const perMessageMs = 1000 / ten.msgsPerSecond;
        row('3. share of the send path spent rendering (N=10,000)', `${n2(render.composeMs)} ms of ${n2(perMessageMs)} ms per message`, render.composeMs / perMessageMs, 'information (lower is better)', null);
      }
    }

    const pg = await postgresAvailable();
    if (wanted('unsubscribe')) {
      log('2. one-click unsubscribe, SQLite');
      const unsub: UnsubscribeResult[] = [await benchUnsubscribe({ contacts: 30_000, seconds: 5, rounds: 2 })];
      if (pg) {
        log('2. one-click unsubscribe, PostgreSQL');
        const database = await createPgDatabase();
        try {
          unsub.push(await benchUnsubscribe({ databaseUrl: database.url, contacts: 20_000, seconds: 5, rounds: 1 }));
        } finally {
          await database.drop();
        }
      }
      results['unsubscribe'] = unsub;
      for (const u of unsub) {
        const ratio = u.service.requestsPerSecond / u.bare.requestsPerSecond;
        row(
          `2. one-click POST /u/<token>, ${u.store}, distinct contacts`,
          `${n0(u.service.requestsPerSecond)} req/s (p99 ${u.service.p99Ms} ms) vs bare Express ${n0(u.bare.requestsPerSecond)} req/s`,
          ratio,
          u.store === 'sqlite' ? '≥ 0.50 of bare' : 'information (≥ 0.50 on SQLite)',
          u.store === 'sqlite' ? ratio >= 0.5 && u.service.non2xx === 0 : null,
        );
      }
    }

    if (wanted('api')) {
      log('4. extension API under load');
      const api: SelfServiceResult = await benchSelfService({ contacts: 2_000, seconds: 5 });
      results['api'] = api;
      const bare = (results['unsubscribe'] as UnsubscribeResult[] | undefined)?.[0]?.bare;
      for (const r of [api.get, api.put]) {
        row(
          `4. ${r.route}${api.endpoints === 'admin' ? ' (admin stand-in)' : ''}`,
          `p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, ${n0(r.requestsPerSecond)} req/s, ${r.non2xx} non-2xx`,
          bare ? r.requestsPerSecond / bare.requestsPerSecond : null,
          'information: req/s ÷ bare Express',
          r.non2xx === 0 ? null : false,
        );
      }
    }

    if (wanted('api-fanout')) {
      const contacts = 10_000;
      log(`4. GET /api/v1/me at a steady rate, with nothing sent, then during a ${n0(contacts)}-recipient fan-out in the same process`);
      const af: ApiDuringFanoutResult = await benchApiDuringFanout(counter, { contacts, sessions: 2_000, ratePerSecond: 100, idleSeconds: 10 });
      results['apiDuringFanout'] = af;
      const ms = (s: { p50Ms: number; p99Ms: number; maxMs: number }) => `p50 ${n1(s.p50Ms)} ms, p99 ${n1(s.p99Ms)} ms, max ${n1(s.maxMs)} ms`;
      const failed = af.fanout.non2xx + af.fanout.errors + af.idle.non2xx + af.idle.errors;
      row(
        `4. GET /api/v1/me p99 during a ${n0(contacts)}-recipient fan-out (same process, SQLite)`,
        `${ms(af.fanout)}; ${n0(af.fanout.requests)} requests at ${af.ratePerSecond}/s; fan-out ${n1(af.fanout.seconds)} s, ${n0(af.fanout.msgsPerSecond)} msg/s`,
        af.fanout.p99Ms / af.idle.p99Ms,
        '< 50 ms (ratio: p99 ÷ p99 with nothing sent)',
        af.fanout.p99Ms < 50 && failed === 0,
      );
      row('4. GET /api/v1/me with nothing sent (same run, same rate)', `${ms(af.idle)}; ${n0(af.idle.requests)} requests; ${failed} non-2xx or failed in all`, null, 'information', failed === 0 ? null : false);
      if (af.loop) {
        const stalls = (s: StallSummary) => `${s.over20} ≥ 20 ms (${n0(s.over20Ms)} ms, ${n0(s.over20OnCpu * 100)}% on CPU), ${s.over50} ≥ 50 ms, max ${n1(s.maxMs)} ms`;
        row('4. event-loop stalls during the fan-out (BENCH_CPU_PROF)', `${stalls(af.loop.fanout)}; nothing sent: ${stalls(af.loop.idle)}`, null, 'information (bench/lib/profile-slices.ts)', null);
      }
    }

    if (wanted('scale')) {
      if (!pg) row('5. scale-out on PostgreSQL', 'PostgreSQL not reachable: skipped', null, '—', null);
      else {
        const n = FULL ? 20_000 : 10_000;
        log(`5. scale-out on PostgreSQL, N=${n}: 1 worker, then 2`);
        const scale: ScaleOutResult = await benchScaleOut(counter, n);
        results['scaleOut'] = scale;
        row(
          `5. scale-out, PostgreSQL, N=${n0(n)}: 2 workers ÷ 1 worker`,
          `${n0(scale.two.msgsPerSecond)} vs ${n0(scale.one.msgsPerSecond)} msg/s`,
          scale.two.msgsPerSecond / scale.one.msgsPerSecond,
          'information (2 cores shared by server, workers, SMTP, PostgreSQL)',
          null,
        );
        const dupes = scale.one.duplicates + scale.two.duplicates;
        const extra = scale.one.received - n + scale.two.received - n;
        row('5. messages sent twice / extra (scale-out)', `${dupes} duplicate Message-IDs, ${extra} beyond N`, null, '0', dupes === 0 && extra === 0);
      }
    }

    if (wanted('latency')) {
      if (!pg) row('5. latency-bound scale-out on PostgreSQL', 'PostgreSQL not reachable: skipped', null, '—', null);
      else {
        const n = FULL ? 6_000 : 3_000;
        const latencyMs = 100;
        log(`5. latency-bound scale-out on PostgreSQL, relay ${latencyMs} ms a message, N=${n0(n)}: 1, 2, then 4 workers`);
        const lat: LatencyScaleOutResult = await benchLatencyScaleOut(n, latencyMs, [1, 2, 4], log);
        results['latencyScaleOut'] = lat;
        const [one, two, four] = lat.phases as [ScaleOutPhase, ScaleOutPhase, ScaleOutPhase];
        const title = `5. latency-bound scale-out, PostgreSQL, relay ${latencyMs} ms/msg, N=${n0(n)}`;
        row(
          `${title}: 4 workers ÷ 1 worker`,
          `${[one, two, four].map((p) => `${p.workers}: ${n1(p.msgsPerSecond)}`).join(', ')} msg/s (bound ${n0(lat.perWorkerBoundMsgsPerSecond)} per worker)`,
          four.msgsPerSecond / one.msgsPerSecond,
          '≥ 3.5 (4 ÷ 1 workers)',
          four.msgsPerSecond / one.msgsPerSecond >= 3.5,
        );
        row(`${title}: 2 workers ÷ 1 worker`, `${n1(two.seconds)} s vs ${n1(one.seconds)} s`, two.msgsPerSecond / one.msgsPerSecond, 'information', null);
        row(
          `${title}: steady rate 4 ÷ 1 (10th–90th percentile of arrivals)`,
          `${[one, two, four].map((p) => `${p.workers}: ${n1(p.steadyMsgsPerSecond ?? NaN)}`).join(', ')} msg/s; last send per worker at 4: ${four.perWorker?.map((w) => `${n1(w.lastSentSeconds)} s`).join(', ')} of ${n1(four.seconds)} s`,
          (four.steadyMsgsPerSecond ?? NaN) / (one.steadyMsgsPerSecond ?? NaN),
          'information: without the start and the tail',
          null,
        );
        const dupes = lat.phases.reduce((a, p) => a + p.duplicates, 0);
        const extra = lat.phases.reduce((a, p) => a + p.received - n, 0);
        row('5. messages sent twice / extra (latency-bound)', `${dupes} duplicate Message-IDs, ${extra} beyond N`, null, '0', dupes === 0 && extra === 0);
      }
    }

    if (wanted('extension')) {
      log('6. extension bundle and time to preferences');
      const ext: ExtensionResult = await benchExtension();
      results['extension'] = ext;
      row('6. popup.js gzipped', `${n0(ext.popupGzipBytes)} bytes (${n0(ext.popupBytes)} minified)`, ext.popupBytes / (40 * 1024), 'minified ≤ 40 KiB budget of build-extension.ts (ratio < 1)', ext.popupBytes <= 40 * 1024);
      row('6. popup open → preference switches shown (Chromium)', ext.timeToPreferencesMs === null ? (ext.note ?? 'not measured') : `${n0(ext.timeToPreferencesMs)} ms median of ${ext.runs.length}`, null, 'information', null);
    }
  } finally {
    await counter.stop();
  }

  const seconds = (Date.now() - began) / 1000;
  (results['machine'] as Record<string, unknown>)['loadAverageAtEnd'] = os.loadavg().map((l) => Number(l.toFixed(2)));
  results['seconds'] = Math.round(seconds);
  results['table'] = rows;
  fs.writeFileSync(path.join(ROOT, RESULTS_FILE), `${JSON.stringify(results, null, 2)}\n`);
  print(seconds);
}

function print(seconds: number): void {
  const m = results['machine'] as ReturnType<typeof machine> & { loadAverageAtEnd: number[] };
  const header = ['measurement', 'figures (for information)', 'ratio', 'target', 'met'];
  const body = rows.map((r) => [r.measurement, r.figure, r.ratio === null ? '—' : n2(r.ratio), r.target, r.met === null ? '' : r.met ? 'yes' : 'NO']);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(`\nBenchmarks, ${m.date.slice(0, 10)}, ${m.cpu}, ${m.memoryGiB} GiB, Node ${m.node}, load average ${m.loadAverageAtStart.join(' ')} → ${m.loadAverageAtEnd.join(' ')}${FULL ? ', full sizes' : ''}`);
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const b of body) console.log(line(b));
  console.log(`\n${Math.round(seconds)} s in all; results in ${RESULTS_FILE}`);
}

main()
  .then(() => process.exit(0))
  .catch((error: unknown) => {
    killAll();
    console.error(error);
    process.exit(1);
  });
