// 4. The extension's API under load: p50/p99 of GET /api/v1/me and PUT /api/v1/me/preferences,
// each request as a different signed-in contact (sessions opened straight in the store).
import { openStore } from '../server/store/db.js';
import { Tokens } from '../server/tokens/tokens.js';
import { Sessions } from '../server/self-service/sessions.js';
import { ADMIN_KEY, TOKEN_SECRET } from './lib/proc.js';
import { load, type LoadResult } from './lib/load.js';
import { seedContacts, startService } from './lib/service.js';
import { contactIds } from './unsubscribe.js';

export interface SelfServiceResult {
  endpoints: 'self-service' | 'admin';
  get: LoadResult & { route: string };
  put: LoadResult & { route: string };
  contacts: number;
}

/** The extension's routes answer an API key (not a session) with 401; without them the admin API answers 404. */
async function hasSelfService(base: string): Promise<boolean> {
  return (await fetch(`${base}/api/v1/me`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).status === 401;
}

export async function benchSelfService(options: { contacts: number; seconds: number }): Promise<SelfServiceResult> {
  const service = await startService({ env: { WORKER: 'off' } });
  try {
    await seedContacts(service.url, options.contacts, 'me');
    const ids = await contactIds(service.databaseUrl);
    const selfService = await hasSelfService(service.url);
    const json = { 'content-type': 'application/json' };
    // marketing flips on every visit of a contact, so every PUT is a real change with a history row
    const body = (i: number) => JSON.stringify({ marketing: Math.floor(i / ids.length) % 2 === 0 });
    if (selfService) {
      const store = await openStore({ url: service.databaseUrl });
      const sessions = new Sessions(store.db, new Tokens([TOKEN_SECRET]));
      const bearer: string[] = [];
      for (const id of ids) bearer.push(`Bearer ${(await sessions.open(id)).token}`);
      await store.close();
      const auth = (i: number) => ({ authorization: bearer[i % bearer.length]! });
      await load(service.url, (i) => ({ method: 'GET', path: '/api/v1/me', headers: auth(i) }), 1);
      const get = await load(service.url, (i) => ({ method: 'GET', path: '/api/v1/me', headers: auth(i) }), options.seconds);
      const put = await load(service.url, (i) => ({ method: 'PUT', path: '/api/v1/me/preferences', headers: { ...auth(i), ...json }, body: body(i) }), options.seconds);
      return { endpoints: 'self-service', get: { route: 'GET /api/v1/me', ...get }, put: { route: 'PUT /api/v1/me/preferences', ...put }, contacts: ids.length };
    }
    const auth = { authorization: `Bearer ${ADMIN_KEY}` };
    const get = await load(service.url, (i) => ({ method: 'GET', path: `/api/v1/contacts/${ids[i % ids.length]}`, headers: auth }), options.seconds);
    const put = await load(service.url, (i) => ({ method: 'PUT', path: `/api/v1/contacts/${ids[i % ids.length]}/preferences`, headers: { ...auth, ...json }, body: body(i) }), options.seconds);
    return { endpoints: 'admin', get: { route: 'GET /api/v1/contacts/:id', ...get }, put: { route: 'PUT /api/v1/contacts/:id/preferences', ...put }, contacts: ids.length };
  } finally {
    await service.stop();
  }
}
