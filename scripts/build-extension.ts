// Builds the unpacked MV3 extension into dist/extension/ (npm run build:extension).
// EXTENSION_SERVER_URL (default http://localhost:3000) is baked into the code and host_permissions;
// EXTENSION_OUT_DIR (default dist/extension) lets tests build side by side without clashing.
// A production build by default: no source maps, no server-URL setting on the options page.
// `--dev` (or EXTENSION_DEV=1) adds both, for developers and the tests that need them.
import { build } from 'esbuild';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync, gzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'extension');
const out = resolve(root, process.env['EXTENSION_OUT_DIR']?.trim() || join('dist', 'extension'));
const POPUP_BUDGET_BYTES = 48 * 1024;

function serverUrlFromEnv(): URL {
  const text = process.env['EXTENSION_SERVER_URL']?.trim() || 'http://localhost:3000';
  const url = new URL(text);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`EXTENSION_SERVER_URL must be http(s): ${text}`);
  return url;
}

function isDevBuild(argv: readonly string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): boolean {
  return argv.includes('--dev') || /^(1|true|yes)$/i.test(env['EXTENSION_DEV']?.trim() ?? '');
}

async function main() {
  const serverUrl = serverUrlFromEnv();
  const dev = isDevBuild();
  const serverBase = `${serverUrl.origin}${serverUrl.pathname}`.replace(/\/+$/, '');
  const { version } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string };

  await rm(out, { recursive: true, force: true });
  await mkdir(join(out, 'icons'), { recursive: true });

  await build({
    entryPoints: [
      { in: join(src, 'popup/popup.tsx'), out: 'popup' },
      { in: join(src, 'popup/popup.css'), out: 'popup' },
      { in: join(src, 'options/options.tsx'), out: 'options' },
      { in: join(src, 'options/options.css'), out: 'options' },
      { in: join(src, 'background/background.ts'), out: 'background' },
    ],
    outdir: out,
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['chrome120', 'firefox140'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    sourcemap: dev ? 'linked' : false,
    legalComments: 'none',
    define: { __SERVER_URL__: JSON.stringify(serverBase), __DEV_BUILD__: JSON.stringify(dev) },
    logLevel: 'warning',
  });

  const manifest = JSON.parse(await readFile(join(root, 'manifest.json'), 'utf8')) as Record<string, unknown>;
  manifest['version'] = version;
  // Firefox match patterns take no port; without one, Chromium matches every port of the host.
  manifest['host_permissions'] = [`${serverUrl.protocol}//${serverUrl.hostname}/*`];
  await writeFile(join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  // What a client's IT may set by policy (storage.managed); Chrome and Edge refuse values outside it.
  await cp(join(root, 'managed-schema.json'), join(out, 'managed-schema.json'));

  await cp(join(src, 'popup/popup.html'), join(out, 'popup.html'));
  await cp(join(src, 'options/options.html'), join(out, 'options.html'));
  await cp(join(src, '_locales'), join(out, '_locales'), { recursive: true });
  for (const size of [16, 32, 48, 128]) await writeFile(join(out, 'icons', `icon-${size}.png`), drawIcon(size));

  const popup = await readFile(join(out, 'popup.js'));
  const gzipped = gzipSync(popup, { level: 9 }).length;
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  console.log(`Built ${out} (${dev ? 'development' : 'production'}, version ${version}, server ${serverBase})`);
  console.log(`popup.js: ${kb(popup.length)} minified, ${kb(gzipped)} gzipped (budget ${kb(POPUP_BUDGET_BYTES)} minified)`);
  if (popup.length > POPUP_BUDGET_BYTES) {
    console.error('popup.js is over its size budget');
    process.exitCode = 1;
  }
}

// ---- Icons: a blue rounded square with a white check, drawn and PNG-encoded here so no binary is committed.

function drawIcon(size: number): Buffer {
  const samples = 4;
  const radius = size * 0.22;
  const stroke = size * 0.09;
  const check: [number, number][] = [
    [0.27, 0.52],
    [0.43, 0.68],
    [0.74, 0.35],
  ].map(([x, y]) => [x! * size, y! * size]);
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4); // leading 0 = no PNG filter
    for (let x = 0; x < size; x++) {
      let bg = 0;
      let fg = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const px = x + (sx + 0.5) / samples;
          const py = y + (sy + 0.5) / samples;
          if (!insideRoundedSquare(px, py, size, radius)) continue;
          bg++;
          if (distanceToPolyline(px, py, check) <= stroke / 2) fg++;
        }
      }
      const n = samples * samples;
      const white = bg === 0 ? 0 : fg / bg;
      const o = 1 + x * 4;
      row[o] = Math.round(0x1f + (255 - 0x1f) * white);
      row[o + 1] = Math.round(0x5f + (255 - 0x5f) * white);
      row[o + 2] = Math.round(0xbf + (255 - 0xbf) * white);
      row[o + 3] = Math.round((255 * bg) / n);
    }
    rows.push(row);
  }
  return encodePng(size, size, Buffer.concat(rows));
}

function insideRoundedSquare(x: number, y: number, size: number, r: number): boolean {
  const cx = Math.min(Math.max(x, r), size - r);
  const cy = Math.min(Math.max(y, r), size - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

function distanceToPolyline(x: number, y: number, points: [number, number][]): number {
  let best = Infinity;
  for (let i = 0; i + 1 < points.length; i++) {
    const [ax, ay] = points[i]!;
    const [bx, by] = points[i + 1]!;
    const t = Math.max(0, Math.min(1, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)));
    best = Math.min(best, Math.hypot(x - (ax + t * (bx - ax)), y - (ay + t * (by - ay))));
  }
  return best;
}

function encodePng(width: number, height: number, filteredRgba: Buffer): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, default compression/filter, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(filteredRgba)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

await main();
