// npm run package:extension: what the stores take, in dist/store/ (EXTENSION_PACKAGE_DIR):
//   serveitpro-chrome-<version>.zip   Chrome Web Store and Microsoft Edge Add-ons (the same file)
//   serveitpro-firefox-<version>.zip  Firefox Add-ons (AMO takes the .zip as it takes an .xpi)
//   serveitpro-source-<version>.zip   the repository at HEAD, which AMO asks for with bundled code
//   listing/{en,fr}/                  the store texts, from store/
// A production build (no source maps, no developer server-URL setting) for EXTENSION_SERVER_URL.
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = resolve(fileURLToPath(import.meta.url), '..', '..');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);

export interface PackageOptions {
  /** Where the packages go (made empty first). */
  outDir: string;
  /** The service's address baked in (EXTENSION_SERVER_URL); a policy may still replace it. */
  serverUrl: string;
  /** Also zip the repository's HEAD for AMO's source review (needs git). */
  source?: boolean;
}

export interface Packages {
  version: string;
  chromeZip: string;
  firefoxZip: string;
  sourceZip: string | null;
  listingDir: string;
}

type Manifest = Record<string, unknown>;

/** What Chrome, Edge and their stores get: no `key` (the stores refuse it and assign the id), no Firefox settings. */
export function chromeManifest(built: Manifest): Manifest {
  const { key: _key, browser_specific_settings: _firefox, ...manifest } = built;
  return manifest;
}

/** What Firefox gets: no `key`, which only Chromium reads. */
export function firefoxManifest(built: Manifest): Manifest {
  const { key: _key, ...manifest } = built;
  return manifest;
}

async function stage(builtDir: string, manifest: Manifest): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'serveitpro-stage-'));
  await cp(builtDir, dir, { recursive: true, filter: (path) => !path.endsWith('.map') });
  await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return dir;
}

async function zipWithWebExt(sourceDir: string, outDir: string, filename: string): Promise<string> {
  await run(bin('web-ext'), ['build', '--source-dir', sourceDir, '--artifacts-dir', outDir, '--filename', filename, '--overwrite-dest', '--ignore-files', '**/*.map', '--no-input'], {
    cwd: root,
  });
  return join(outDir, filename);
}

export async function packageExtension({ outDir, serverUrl, source = true }: PackageOptions): Promise<Packages> {
  const builtDir = await mkdtemp(join(tmpdir(), 'serveitpro-production-'));
  const staged: string[] = [];
  try {
    await run(bin('tsx'), ['scripts/build-extension.ts'], {
      cwd: root,
      env: { ...process.env, EXTENSION_SERVER_URL: serverUrl, EXTENSION_OUT_DIR: builtDir, EXTENSION_DEV: '0' },
    });
    const built = JSON.parse(await readFile(join(builtDir, 'manifest.json'), 'utf8')) as Manifest;
    const version = String(built['version']);

    await rm(outDir, { recursive: true, force: true });
    await mkdir(outDir, { recursive: true });
    const chromeDir = await stage(builtDir, chromeManifest(built));
    const firefoxDir = await stage(builtDir, firefoxManifest(built));
    staged.push(chromeDir, firefoxDir);
    const chromeZip = await zipWithWebExt(chromeDir, outDir, `serveitpro-chrome-${version}.zip`);
    const firefoxZip = await zipWithWebExt(firefoxDir, outDir, `serveitpro-firefox-${version}.zip`);

    let sourceZip: string | null = null;
    if (source) {
      sourceZip = join(outDir, `serveitpro-source-${version}.zip`);
      await run('git', ['archive', '--format=zip', `--output=${sourceZip}`, 'HEAD'], { cwd: root });
    }

    const listingDir = join(outDir, 'listing');
    await cp(join(root, 'store'), listingDir, { recursive: true });
    return { version, chromeZip, firefoxZip, sourceZip, listingDir };
  } finally {
    await Promise.all([builtDir, ...staged].map((dir) => rm(dir, { recursive: true, force: true })));
  }
}

async function main() {
  const serverUrl = process.env['EXTENSION_SERVER_URL']?.trim() || 'http://localhost:3000';
  if (/^https?:\/\/(localhost|127\.)/.test(serverUrl)) {
    console.warn(`EXTENSION_SERVER_URL is ${serverUrl}: set it to the service's public address for a store package.`);
  }
  const outDir = resolve(root, process.env['EXTENSION_PACKAGE_DIR']?.trim() || join('dist', 'store'));
  const packages = await packageExtension({ outDir, serverUrl });
  console.log(`Packaged version ${packages.version} for ${serverUrl} in ${outDir}:`);
  for (const file of [packages.chromeZip, packages.firefoxZip, packages.sourceZip, packages.listingDir]) if (file) console.log(`  ${file}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
