// Compiles server/ and contract/ to plain JavaScript in dist/node/, file for file in the same
// layout, so the service runs on node alone: without tsx's loader thread and its caches (about
// 30 MB a process). Files read or run as they are (JSON, CSS, .mjs) are copied; the folders the
// code finds beside its own (templates, console, manifest.json, package.json) are linked.
// Processes may be running from dist/node while another `npm run …` builds it again: a file is
// only written when it changed, and then replaced whole (written aside, renamed over).
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT = path.join(ROOT, 'dist', 'node');
const SOURCES = ['server', 'contract'];
const LINKED = ['templates', 'console', 'manifest.json', 'package.json'];

const files = SOURCES.flatMap((dir) => fs.readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' }).map((file) => path.join(dir, file)));
const code = files.filter((file) => /\.tsx?$/.test(file) && !/\.test\.tsx?$/.test(file) && !file.endsWith('.d.ts'));
// Read or run as they are (a shim that starts a TypeScript entry through tsx is copied too, unused).
const assets = files.filter((file) => /\.(json|css|mjs)$/.test(file));

const { outputFiles } = await build({
  entryPoints: code.map((file) => path.join(ROOT, file)),
  outdir: OUT,
  outbase: ROOT,
  format: 'esm',
  platform: 'node',
  target: 'node20.10',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  sourcemap: 'linked',
  logLevel: 'warning',
  write: false,
});

function replaceIfChanged(file: string, contents: Uint8Array): number {
  if (fs.existsSync(file) && Buffer.compare(fs.readFileSync(file), contents) === 0) return 0;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const aside = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(aside, contents);
  fs.renameSync(aside, file);
  return 1;
}

let written = 0;
for (const output of outputFiles) written += replaceIfChanged(output.path, output.contents);
for (const file of assets) written += replaceIfChanged(path.join(OUT, file), fs.readFileSync(path.join(ROOT, file)));
for (const name of LINKED) {
  const link = path.join(OUT, name);
  if (!fs.existsSync(link)) fs.symlinkSync(path.relative(OUT, path.join(ROOT, name)), link);
}
console.error(`dist/node: ${code.length} modules, ${written} files written`);
