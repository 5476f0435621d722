// 2. One-click unsubscribe (RFC 8058 POST /u/<token>) for distinct contacts, against a bare
// Express POST route in its own process, both under the same autocannon load from this process.
import { openStore } from '../server/store/db.js';
import { Tokens } from '../server/tokens/tokens.js';
import { TOKEN_SECRET, runTs, type Child } from './lib/proc.js';
import { load, type LoadResult } from './lib/load.js';
import { seedContacts, startService } from './lib/service.js';

/** Subscribed by default, so every POST is a real change (a consent update plus a history row). */
const CATEGORY = 'service-alerts';
const BODY = 'List-Unsubscribe=One-Click';

export interface UnsubscribeResult {
  store: 'sqlite' | 'postgres';
  bare: LoadResult;
  service: LoadResult;
  distinctContacts: number;
}

async function startBare(): Promise<{ child: Child; url: string }> {
  const child = runTs('bench/lib/bare-server.ts');
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const port = /PORT (\d+)/.exec(child.output())?.[1];
    if (port) return { child, url: `http://127.0.0.1:${port}` };
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`bare server did not start:\n${child.output()}`);
}

/** Ids of every contact, read straight from the service's store. */
export async function contactIds(databaseUrl: string): Promise<string[]> {
  const store = await openStore({ url: databaseUrl, pgPoolSize: 2 });
  try {
    return (await store.db.selectFrom('contacts').select('id').orderBy('id').execute()).map((r) => r.id);
  } finally {
    await store.close();
  }
}

export async function benchUnsubscribe(options: { databaseUrl?: string; contacts: number; seconds: number; rounds: number }): Promise<UnsubscribeResult> {
  const service = await startService(options.databaseUrl ? { databaseUrl: options.databaseUrl, env: { WORKER: 'off' } } : { env: { WORKER: 'off' } });
  const bare = await startBare();
  try {
    await seedContacts(service.url, options.contacts, 'unsub');
    const tokens = new Tokens([TOKEN_SECRET]);
    const paths = (await contactIds(service.databaseUrl)).map((id) => `/u/${tokens.link('unsubscribe', id, CATEGORY)}`);
    let cursor = 0; // across rounds, so each round's requests go to contacts not yet unsubscribed
    const next = () => ({ method: 'POST' as const, path: paths[cursor++ % paths.length]!, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: BODY });
    // Warm both up (JIT, connection pools), then alternate rounds and keep the best of each.
    await load(bare.url, next, 1);
    await load(service.url, next, 1);
    let bestBare: LoadResult | null = null;
    let bestService: LoadResult | null = null;
    for (let round = 0; round < options.rounds; round += 1) {
      const b = await load(bare.url, next, options.seconds);
      const s = await load(service.url, next, options.seconds);
      if (!bestBare || b.requestsPerSecond > bestBare.requestsPerSecond) bestBare = b;
      if (!bestService || s.requestsPerSecond > bestService.requestsPerSecond) bestService = s;
    }
    return { store: service.databaseUrl.startsWith('sqlite:') ? 'sqlite' : 'postgres', bare: bestBare!, service: bestService!, distinctContacts: paths.length };
  } finally {
    await Promise.all([service.stop(), bare.child.stop()]);
  }
}
