// npm run bench [-- --full]   (or BENCH_FULL=1): every figure as a ratio against a ceiling
// measured in the same run on the same machine; absolute figures are printed for information.
// Writes bench/results.json (bench/results.full.json with --full; *.partial.json with --only). Options: --only=fanout,unsubscribe,render,api,scale,extension
// BENCH_CPU_PROF=<dir> makes the service and worker processes write V8 CPU profiles there
// (summarise one with `node --import tsx bench/lib/profile-summary.ts <file> [top] [last-seconds]`).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchRender, type RenderResult } from './render.js';
import { ceiling, fanout, SEND_CONCURRENCY, type CeilingRun, type FanoutRun } from './fanout.js';
import { benchUnsubscribe, type UnsubscribeResult } from './unsubscribe.js';
import { benchSelfService, type SelfServiceResult } from './self-service-api.js';
import { benchScaleOut, type ScaleOutResult } from './scale-out.js';
import { benchExtension, type ExtensionResult } from './extension.js';
import { createPgDatabase, killAll, postgresAvailable, ROOT } from './lib/proc.js';
import { startSmtpCounter } from './lib/smtp.js';
import { mailPipeline } from './lib/mail-pipeline.js';

const args = process.argv.slice(2);
const FULL = args.includes('--full') || process.env['BENCH_FULL'] === '1';
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
const wanted = (name: string) => !only || only.includes(name);
const RESULTS_FILE = `bench/results${FULL ? '.full' : ''}${only ? '.partial' : ''}.json`;
const FANOUT_SIZES = FULL ? [1_000, 10_000, 100_000] : [1_000, 10_000];

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
      results['fanout'] = { sendConcurrency: SEND_CONCURRENCY, messageBytes: render?.mimeBytes, runs: fanouts, ceilings, rawMimeCeiling10k: rawCeiling };
      for (const run of fanouts) {
        const c = ceilings[run.n]!;
        const ceilingRate = c.reduce((a, r) => a + r.msgsPerSecond, 0) / c.length;
        const ratio = run.msgsPerSecond / ceilingRate;
        const is10k = run.n === 10_000;
        row(
          `1. fan-out N=${n0(run.n)} (webhook → last message at SMTP)`,
          `${n1(run.seconds)} s, ${n0(run.msgsPerSecond)} msg/s vs ceiling ${n0(ceilingRate)} msg/s`,
          ratio,
          is10k ? '≥ 0.80 of ceiling' : 'information',
          is10k ? ratio >= 0.8 : null,
        );
      }
      const perMsg = fanouts.map((r) => r.msPerMessage);
      const spread = Math.max(...perMsg) / Math.min(...perMsg);
      row(
        `1. cost per message, N=${fanouts.map((r) => n0(r.n)).join(' → ')}`,
        fanouts.map((r) => `${n2(r.msPerMessage)} ms`).join(' → '),
        spread,
        'max ÷ min ≤ 1.20 (flat within 20%)',
        spread <= 1.2,
      );
      for (const run of fanouts) {
        const is100k = run.n === 100_000;
        row(
          `1. server peak RSS during fan-out, N=${n0(run.n)}`,
          `${n0(run.peakRssMb)} MB (before: ${n0(run.rssBeforeMb)} MB; VmHWM incl. seeding ${n0(run.lifetimePeakMb)} MB)`,
          run.peakRssMb / 300,
          is100k ? '< 300 MB at 100,000 (ratio to 300 < 1)' : 'information',
          is100k ? run.peakRssMb < 300 : null,
        );
      }
      const dupes = fanouts.reduce((a, r) => a + r.duplicates, 0);
      row('1. messages delivered twice (all fan-outs)', String(dupes), null, '0', dupes === 0);
      const ten = fanouts.find((r) => r.n === 10_000);
      row('1. raw-MIME ceiling (MIME built once, sent as bytes)', `${n0(rawCeiling.msgsPerSecond)} msg/s`, ten ? ten.msgsPerSecond / rawCeiling.msgsPerSecond : null, 'information: service ÷ raw ceiling', null);
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
