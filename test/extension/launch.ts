// Builds the extension and loads it in headless Chromium, as in /work/shared/notes/extension-testing.md.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type BrowserContext, type Worker } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../support/chromium.js';

const root = resolve(import.meta.dirname, '..', '..');
const run = promisify(execFile);
export { CHROMIUM };

/**
 * Builds into a fresh temporary directory (absolute path), so parallel test files never clash.
 * A development build unless `dev: false`: the tests point the options page at their own server.
 */
export async function buildExtension(serverUrl = 'http://localhost:3000', { dev = true }: { dev?: boolean } = {}): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), 'serveitpro-extension-'));
  await run(join(root, 'node_modules', '.bin', 'tsx'), ['scripts/build-extension.ts'], {
    cwd: root,
    env: { ...process.env, EXTENSION_SERVER_URL: serverUrl, EXTENSION_OUT_DIR: outDir, EXTENSION_DEV: dev ? '1' : '0' },
  });
  return outDir;
}

export interface LaunchOptions {
  /** Server URL baked into the build (ignored when extensionDir is given). */
  serverUrl?: string;
  /** A development build (the default) or, false, what the stores get (ignored when extensionDir is given). */
  dev?: boolean;
  /** An existing build to load instead of building one. */
  extensionDir?: string;
  /** Browser UI language, e.g. 'fr' (switches browser.i18n). */
  lang?: string;
  /** How long to wait for the service worker before failing: a broken manifest fails silently. */
  serviceWorkerTimeoutMs?: number;
}

export interface LaunchedExtension {
  context: BrowserContext;
  /** The background service worker: `serviceWorker.evaluate(() => chrome.storage.local.set(...))` seeds storage. */
  serviceWorker: Worker;
  extensionId: string;
  extensionDir: string;
  /** chrome-extension://ID/<page> */
  url: (page: string) => string;
  close: () => Promise<void>;
}

export async function launchExtension(options: LaunchOptions = {}): Promise<LaunchedExtension> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install -y chromium)`);
  const ownBuild = options.extensionDir === undefined;
  const extensionDir = options.extensionDir ?? (await buildExtension(options.serverUrl, { dev: options.dev ?? true }));
  const profileDir = await mkdtemp(join(tmpdir(), 'serveitpro-profile-'));
  const cleanUp = async () => {
    await rm(profileDir, { recursive: true, force: true });
    if (ownBuild) await rm(extensionDir, { recursive: true, force: true });
  };

  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      // --lang picks the message bundle; Playwright's locale is what i18n.getUILanguage() reports.
      ...(options.lang ? { locale: options.lang } : {}),
      args: [
        `--disable-extensions-except=${extensionDir}`,
        `--load-extension=${extensionDir}`,
        ...CHROMIUM_ARGS,
        ...(options.lang ? [`--lang=${options.lang}`] : []),
      ],
    });
  } catch (error) {
    await cleanUp();
    throw error;
  }
  const close = async () => {
    await context.close();
    await cleanUp();
  };

  try {
    const serviceWorker =
      context.serviceWorkers()[0] ??
      (await context.waitForEvent('serviceworker', { timeout: options.serviceWorkerTimeoutMs ?? 10_000 }));
    const extensionId = new URL(serviceWorker.url()).host;
    const url = (page: string) => `chrome-extension://${extensionId}/${page}`;
    return { context, serviceWorker, extensionId, extensionDir, url, close };
  } catch (error) {
    await close();
    throw new Error(`No extension service worker appeared in ${extensionDir}: check its manifest.json`, { cause: error });
  }
}
