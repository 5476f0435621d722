// npm run package:extension: the zips the stores take, read back, and the Chrome one loaded in
// Chromium as a client's staff would get it (a production build: no developer setting).
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frenchProblems } from '../support/french-typography.js';
import { packageExtension, type Packages } from '../../scripts/package-extension.js';
import { launchExtension } from './launch.js';
import { readZip } from './zip.js';

const root = resolve(import.meta.dirname, '..', '..');
const run = promisify(execFile);
const SERVER = 'https://mail.serveitpro.example';

// Top-level keys both Chrome and Edge document for Manifest V3 extensions (Edge Add-ons takes the
// Chrome package as is): anything else, like `key` or `update_url`, a store refuses or rewrites.
const CHROME_AND_EDGE_KEYS = new Set([
  'manifest_version', 'name', 'description', 'version', 'default_locale', 'icons', 'action', 'options_ui',
  'background', 'permissions', 'host_permissions', 'optional_host_permissions', 'storage',
]);

let outDir: string;
let packages: Packages;
let chrome: Map<string, Buffer>;
let firefox: Map<string, Buffer>;
const manifestOf = (zip: Map<string, Buffer>) => JSON.parse(zip.get('manifest.json')!.toString('utf8')) as Record<string, unknown>;

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'serveitpro-package-'));
  packages = await packageExtension({ outDir, serverUrl: SERVER });
  chrome = await readZip(packages.chromeZip);
  firefox = await readZip(packages.firefoxZip);
}, 120_000);
afterAll(async () => {
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

describe('the store packages', () => {
  it('when packaged, then the files are named with the version of package.json', async () => {
    const { version } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(packages.version).toBe(version);
    expect(packages.chromeZip).toBe(join(outDir, `serveitpro-chrome-${version}.zip`));
    expect(packages.firefoxZip).toBe(join(outDir, `serveitpro-firefox-${version}.zip`));
    expect(packages.sourceZip).toBe(join(outDir, `serveitpro-source-${version}.zip`));
  });

  for (const [browser, zip] of [['Chrome and Edge', () => chrome], ['Firefox', () => firefox]] as const) {
    it(`when the ${browser} zip is read, then the manifest is at its root, with the managed schema, both locales, and no source map`, () => {
      const files = [...zip().keys()];
      expect(files).toContain('manifest.json');
      for (const file of ['background.js', 'popup.html', 'popup.js', 'options.html', 'options.js', 'managed-schema.json', '_locales/en/messages.json', '_locales/fr/messages.json', 'icons/icon-128.png']) {
        expect(files, file).toContain(file);
      }
      expect(files.filter((file) => file.endsWith('.map'))).toEqual([]);
      for (const file of files.filter((f) => f.endsWith('.js') || f.endsWith('.css'))) {
        expect(zip().get(file)!.toString('utf8'), file).not.toContain('sourceMappingURL');
      }
      const manifest = manifestOf(zip());
      expect(manifest['key']).toBeUndefined();
      expect(manifest['storage']).toEqual({ managed_schema: 'managed-schema.json' });
      expect(manifest['host_permissions']).toEqual(['https://mail.serveitpro.example/*']);
      // The service's address is baked in, not the development default.
      expect(zip().get('popup.js')!.toString('utf8')).toContain(SERVER);
      expect(zip().get('popup.js')!.toString('utf8')).not.toContain('localhost:3000');
    });
  }

  it('when the managed schema is read, then it is what Chrome wants: an object of serverUrl and signInEmailHint, strings, no additionalProperties', () => {
    const schema = JSON.parse(chrome.get('managed-schema.json')!.toString('utf8')) as {
      type: string;
      properties: Record<string, { type: string; title: string; description: string }>;
      additionalProperties?: unknown;
    };
    expect(schema.type).toBe('object');
    expect(schema.additionalProperties).toBeUndefined();
    expect(Object.keys(schema.properties).sort()).toEqual(['serverUrl', 'signInEmailHint']);
    for (const property of Object.values(schema.properties)) {
      expect(property.type).toBe('string');
      expect(property.title).toBeTruthy();
      expect(property.description).toBeTruthy();
    }
  });

  it('when the Chrome zip’s manifest is read, then it has only keys Chrome and Edge both take (no key, update_url or Firefox settings)', () => {
    const manifest = manifestOf(chrome);
    expect(Object.keys(manifest).filter((key) => !CHROME_AND_EDGE_KEYS.has(key))).toEqual([]);
    expect(manifest['manifest_version']).toBe(3);
    expect(manifest['background']).toMatchObject({ service_worker: 'background.js' });
  });

  it('when the Firefox zip’s manifest is read, then it keeps the gecko id the policies name', async () => {
    const source = JSON.parse(await readFile(join(root, 'manifest.json'), 'utf8')) as { browser_specific_settings: unknown };
    expect(manifestOf(firefox)['browser_specific_settings']).toEqual(source.browser_specific_settings);
    expect(manifestOf(firefox)['background']).toMatchObject({ scripts: ['background.js'] });
  });

  it('when addons-linter reads the Firefox zip, as AMO does, then there is no error and only the expected warnings', async () => {
    const { stdout } = await run(join(root, 'node_modules', '.bin', 'addons-linter'), ['--output', 'json', packages.firefoxZip], {
      cwd: root,
      maxBuffer: 10 * 1024 * 1024,
    }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
    const report = JSON.parse(stdout) as { errors: { code: string }[]; warnings: { code: string }[] };
    expect(report.errors).toEqual([]);
    // As for the unpacked build (lint.test.ts): Firefox ignores service_worker; Preact's innerHTML support.
    expect(report.warnings.map((w) => w.code).filter((code) => code !== 'BACKGROUND_SERVICE_WORKER_IGNORED' && code !== 'UNSAFE_VAR_ASSIGNMENT')).toEqual([]);
  }, 60_000);

  it('when the source zip is read, then it holds the build script and the sources, not node_modules or dist', async () => {
    const files = [...(await readZip(packages.sourceZip!)).keys()];
    for (const file of ['package.json', 'package-lock.json', 'manifest.json', 'scripts/build-extension.ts', 'extension/popup/popup.tsx']) {
      expect(files, file).toContain(file);
    }
    expect(files.filter((file) => /^(node_modules|dist)\//.test(file))).toEqual([]);
  });
});

describe('the production build in Chromium', () => {
  it('when the Chrome zip is loaded, then the options page offers no server-URL setting and the popup asks for the email', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'serveitpro-unzipped-'));
    for (const [file, bytes] of chrome) {
      await mkdir(dirname(join(dir, file)), { recursive: true });
      await writeFile(join(dir, file), bytes);
    }
    const launched = await launchExtension({ extensionDir: dir });
    try {
      const page = await launched.context.newPage();
      await page.goto(launched.url('options.html'));
      await page.getByText('Sign in with the toolbar button to edit your account.').waitFor();
      expect(await page.getByRole('textbox', { name: 'Server URL' }).count()).toBe(0);
      expect(await page.getByRole('heading', { name: 'Developer settings' }).count()).toBe(0);
      expect(await page.locator('body').textContent()).not.toContain('CORS');

      await page.goto(launched.url('popup.html'));
      await page.getByRole('textbox', { name: 'Work email' }).waitFor();
    } finally {
      await launched.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the store listings', () => {
  const listing = (lang: 'en' | 'fr', file: string) => readFile(join(packages.listingDir, lang, file), 'utf8');

  it('when packaged, then each language has a summary, a description and the privacy text, copied next to the packages', async () => {
    for (const lang of ['en', 'fr'] as const) {
      for (const file of ['summary.txt', 'description.txt', 'privacy.txt']) {
        expect(await listing(lang, file)).toBe(await readFile(join(root, 'store', lang, file), 'utf8'));
        expect((await listing(lang, file)).trim().length, `${lang}/${file}`).toBeGreaterThan(50);
      }
    }
  });

  it('when the summaries are measured, then each fits Chrome’s 132 characters', async () => {
    for (const lang of ['en', 'fr'] as const) expect([...(await listing(lang, 'summary.txt')).trim()].length).toBeLessThanOrEqual(132);
  });

  it('when the French texts are read, then they say « courriel » and « fournisseur de services informatiques », with Quebec typography', async () => {
    const texts = await Promise.all(['summary.txt', 'description.txt', 'privacy.txt'].map((file) => listing('fr', file)));
    const all = texts.join('\n');
    expect(all).toContain('courriel');
    expect(all).toContain('fournisseur de services informatiques');
    expect(all).not.toMatch(/\be-?mail\b/i);
    expect(all).toContain('’');
    // The link pages' and the extension's convention (OQLF): one checker for all three.
    for (const text of texts) for (const paragraph of text.replace(/https?:\/\/\S+/g, '').split('\n')) expect(frenchProblems(paragraph), paragraph).toEqual([]);
  });

  it('when the privacy texts are read, then both say what is kept in the browser, that nothing goes to a third party, and about the proof of consent', async () => {
    const en = await listing('en', 'privacy.txt');
    const fr = await listing('fr', 'privacy.txt');
    expect(en).toContain('session token');
    expect(en).toContain('no third party');
    expect(en).toContain('CASL');
    expect(fr).toContain('jeton de session');
    expect(fr).toContain('aucun tiers');
    expect(fr).toContain('LCAP');
  });
});
