// 6. The extension: the popup bundle's gzipped size, and the time from opening the popup (signed
// in) to its preference switches on screen, in headless Chromium against the real server.
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildExtension, launchExtension } from '../test/extension/launch.js';
import { openStore } from '../server/store/db.js';
import { Tokens } from '../server/tokens/tokens.js';
import { Sessions } from '../server/self-service/sessions.js';
import { TOKEN_SECRET } from './lib/proc.js';
import { seedContacts, startService } from './lib/service.js';
import { contactIds } from './unsubscribe.js';

export interface ExtensionResult {
  popupBytes: number;
  popupGzipBytes: number;
  /** Median of the runs; null when Chromium is not available. */
  timeToPreferencesMs: number | null;
  runs: number[];
  note?: string;
}

export async function benchExtension(runs = 5): Promise<ExtensionResult> {
  const service = await startService({ env: { WORKER: 'off' } });
  try {
    const dir = await buildExtension(service.url);
    const popup = fs.readFileSync(path.join(dir, 'popup.js'));
    const result: ExtensionResult = { popupBytes: popup.length, popupGzipBytes: gzipSync(popup, { level: 9 }).length, timeToPreferencesMs: null, runs: [] };
    try {
      await seedContacts(service.url, 1, 'ext');
      const [id] = await contactIds(service.databaseUrl);
      const store = await openStore({ url: service.databaseUrl });
      const session = await new Sessions(store.db, new Tokens([TOKEN_SECRET])).open(id!);
      await store.close();
      const launched = await launchExtension({ extensionDir: dir });
      try {
        await launched.serviceWorker.evaluate(
          ([token, expiresAt]) =>
            (globalThis as unknown as { chrome: { storage: { local: { set(v: object): Promise<void> } } } }).chrome.storage.local.set({
              sessionToken: token,
              sessionExpiresAt: expiresAt,
            }),
          [session.token, session.expiresAt] as const,
        );
        for (let i = 0; i < runs + 1; i += 1) {
          const page = await launched.context.newPage();
          const start = performance.now();
          await page.goto(launched.url('popup.html'));
          await page
            .getByRole('switch')
            .first()
            .waitFor({ timeout: 15_000 })
            .catch(async (error: unknown) => {
              throw new Error(`${String(error).split('\n')[0]}; the popup showed: ${(await page.locator('body').innerText()).replace(/\s+/g, ' ').slice(0, 300)}`);
            });
          if (i > 0) result.runs.push(performance.now() - start); // the first one warms the browser up
          await page.close();
        }
      } finally {
        await launched.close();
      }
      const sorted = [...result.runs].sort((a, b) => a - b);
      result.timeToPreferencesMs = sorted[Math.floor(sorted.length / 2)] ?? null;
    } catch (error) {
      result.note = `time to preferences not measured: ${String(error).split('\n')[0]}`;
    }
    fs.rmSync(dir, { recursive: true, force: true });
    return result;
  } finally {
    await service.stop();
  }
}
