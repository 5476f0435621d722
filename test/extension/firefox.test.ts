import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildExtension } from './launch.js';

const FIREFOX = process.env['FIREFOX_PATH'] ?? '/usr/bin/firefox-esr';
const WEB_EXT = path.resolve(import.meta.dirname, '../../node_modules/.bin/web-ext');

// Playwright cannot drive stock Firefox, so Firefox is checked by loading: web-ext installs the
// build as a temporary add-on, which fails loudly on a manifest Firefox refuses.
describe('the extension in Firefox', () => {
  it('when the build is loaded in headless Firefox ESR, then it installs as a temporary add-on', async () => {
    expect(existsSync(FIREFOX), `Firefox not found at ${FIREFOX} (apt-get install -y firefox-esr)`).toBe(true);
    const dir = await buildExtension();
    const run = spawn(WEB_EXT, ['run', '--target', 'firefox-desktop', '--firefox', FIREFOX, '--no-input', '--no-reload', '--source-dir', dir], {
      env: { ...process.env, MOZ_HEADLESS: '1' },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const installed = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 45_000);
      const watch = (chunk: Buffer) => {
        output += chunk;
        if (/Installed .* as a temporary add-on/.test(output)) {
          clearTimeout(timer);
          resolve(true);
        }
      };
      run.stdout!.on('data', watch);
      run.stderr!.on('data', watch);
      run.on('exit', () => {
        clearTimeout(timer);
        resolve(/Installed .* as a temporary add-on/.test(output));
      });
    });
    process.kill(-run.pid!, 'SIGKILL');
    expect(installed, output).toBe(true);
  }, 60_000);
});
