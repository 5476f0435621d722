import { ADMIN_KEY, ApiClient, TEST_DATA_KEY, WEBHOOK_SECRET } from './server.js';
import { freePort, spawnEntry, waitForHealthy, type Spawned } from './process.js';
import type { TestStore } from './stores.js';

/** The DATABASE_URL that reaches a test store from another process (its schema, on PostgreSQL). */
export function databaseUrlOf(testStore: TestStore): string {
  if (!testStore.pgSchema) return testStore.url;
  return `${testStore.url}?options=${encodeURIComponent(`-c search_path=${testStore.pgSchema}`)}`;
}

export interface ChildServer extends Spawned {
  url: string;
  api: ApiClient;
}

/** `npm start` as its own process on a test store: what a crash or a SIGTERM can really stop. */
export async function startChildServer(testStore: TestStore, env: Record<string, string> = {}): Promise<ChildServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const spawned = spawnEntry('server/cli/server.ts', {
    NODE_ENV: 'development',
    PORT: String(port),
    PUBLIC_URL: url,
    DATA_DIR: testStore.dir,
    DATABASE_URL: databaseUrlOf(testStore),
    ADMIN_API_KEY: ADMIN_KEY,
    WEBHOOK_SECRET,
    TOKEN_SECRETS: 'k1:test-token-secret-0123456789abcdefghij',
    DATA_KEY: TEST_DATA_KEY,
    LOG_LEVEL: 'warn',
    ...env,
  });
  try {
    await waitForHealthy(url);
  } catch (error) {
    spawned.child.kill('SIGKILL');
    throw new Error(`${String(error)}\n${spawned.output()}`, { cause: error });
  }
  return { ...spawned, url, api: new ApiClient(url, ADMIN_KEY) };
}
