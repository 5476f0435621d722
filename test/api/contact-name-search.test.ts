// Finding contacts by name through a blind index: one keyed hash per word of the normalized name
// (contact_name_tokens), kept in step on create, correction, import and erasure, filled at start
// for contacts made before it; the store never holds a name in clear.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_URL, STORES } from '../support/stores.js';
import { startServer, type TestServer } from '../support/server.js';
import { boot } from '../../server/boot.js';
import { nameTokens } from '../../server/contacts/name-index.js';

describe('the words of a name', () => {
  it('are lower case, without accents, split on anything not a letter or digit, two characters or more, each once', () => {
    expect(nameTokens('Marie-Ève  Roy')).toEqual(['marie', 'eve', 'roy']);
    expect(nameTokens("D'Arcy O’Neil, Jr. 2e")).toEqual(['arcy', 'neil', 'jr', '2e']);
    expect(nameTokens('ÉLOÏSE Bérubé-Çôté éloïse')).toEqual(['eloise', 'berube', 'cote']);
    expect(nameTokens('A B - .')).toEqual([]);
  });
});

describe.each(STORES)('finding contacts by name on %s', (kind) => {
  let server: TestServer;
  let org: string;
  let other: string;
  const ids: Record<string, string> = {};

  const names = async (query: string) => {
    const res = await server.api.get(`/api/v1/contacts?${query}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return (res.body.items as { name: string }[]).map((c) => c.name).sort();
  };
  const tokensOf = (contactId: string) =>
    server.testStore.store.db.selectFrom('contact_name_tokens').select('token_index').where('contact_id', '=', contactId).execute();
  /** Everything the store holds on disk (SQLite: the file and its WAL) or in a dump (PostgreSQL). */
  const rawStore = (): string => {
    if (kind === 'sqlite') {
      const file = server.testStore.url.slice('sqlite:'.length);
      return [file, `${file}-wal`, `${file}-shm`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f).toString('latin1')).join('\n');
    }
    return execFileSync('pg_dump', ['--no-owner', '-n', server.testStore.pgSchema!, PG_URL], { maxBuffer: 256 * 1024 * 1024 }).toString('latin1');
  };

  beforeAll(async () => {
    server = await startServer(kind);
    org = (await server.api.post('/api/v1/organizations', { name: 'Clinique Lavallée', locale: 'fr' })).body.id;
    other = (await server.api.post('/api/v1/organizations', { name: 'Bureau Roy' })).body.id;
    for (const [name, email, organizationId] of [
      ['Marie Tremblay', 'marie.tremblay@clinique.example', org],
      ['Marie-Ève Roy', 'me.roy@clinique.example', org],
      ['Jean Tremblay', 'jean.tremblay@clinique.example', org],
      ['Marie Côté', 'marie.cote@bureau.example', other],
    ] as const) {
      const res = await server.api.post('/api/v1/contacts', { organizationId, email, name });
      expect(res.status).toBe(201);
      ids[name] = res.body.id;
    }
  });
  afterAll(() => server?.close());

  it('when one word is searched, then every contact whose name has it answers, whatever its place in the name', async () => {
    expect(await names('name=marie')).toEqual(['Marie Côté', 'Marie Tremblay', 'Marie-Ève Roy']);
    expect(await names('name=tremblay')).toEqual(['Jean Tremblay', 'Marie Tremblay']);
    expect(await names('name=tremb')).toEqual([]); // whole words, not prefixes
  });

  it('when two words are searched, then only contacts having both answer, in either order', async () => {
    expect(await names('name=tremblay%20marie')).toEqual(['Marie Tremblay']);
    expect(await names('name=marie%20tremblay')).toEqual(['Marie Tremblay']);
    expect(await names('name=marie%20gagnon')).toEqual([]);
  });

  it('when the query differs in accents, letter case or punctuation, then it still matches', async () => {
    expect(await names(`name=${encodeURIComponent('MARIE-EVE')}`)).toEqual(['Marie-Ève Roy']);
    expect(await names(`name=${encodeURIComponent('ève, roy')}`)).toEqual(['Marie-Ève Roy']);
    expect(await names(`name=${encodeURIComponent('cote')}`)).toEqual(['Marie Côté']);
  });

  it('when combined with an organization, then only its contacts answer, a page at a time', async () => {
    expect(await names(`name=marie&organizationId=${org}`)).toEqual(['Marie Tremblay', 'Marie-Ève Roy']);
    expect(await names(`name=marie&organizationId=${other}`)).toEqual(['Marie Côté']);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: { name: string }[]; nextCursor: string | null } } = await server.api.get(
        `/api/v1/contacts?name=marie&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.body.items.length).toBeLessThanOrEqual(1);
      seen.push(...page.body.items.map((c) => c.name));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual(['Marie Côté', 'Marie Tremblay', 'Marie-Ève Roy']);
  });

  it('when the name has no word to search for, or is too long, then 400 naming the field', async () => {
    for (const query of ['', 'a', ' - . ', 'x y z']) {
      const res = await server.api.get(`/api/v1/contacts?name=${encodeURIComponent(query)}`);
      expect(res.status, query).toBe(400);
      expect(res.body.errors).toEqual([{ pointer: '#/query/name', detail: expect.any(String) }]);
    }
    const long = await server.api.get(`/api/v1/contacts?name=${'ab '.repeat(70)}`);
    expect(long.status).toBe(400);
    expect(long.body.errors[0].pointer).toBe('#/query/name');
  });

  it('when a support key searches, then it may; a sender key may not', async () => {
    const support = (await server.api.post('/api/v1/api-keys', { name: 'support', role: 'support' })).body.key;
    const sender = (await server.api.post('/api/v1/api-keys', { name: 'sender', role: 'sender' })).body.key;
    expect((await server.api.as(support).get('/api/v1/contacts?name=marie')).status).toBe(200);
    expect((await server.api.as(sender).get('/api/v1/contacts?name=marie')).status).toBe(403);
  });

  it('when a contact is renamed, then the old name no longer finds it and the new one does', async () => {
    const id = ids['Jean Tremblay']!;
    expect((await server.api.patch(`/api/v1/contacts/${id}`, { name: 'Jean Gagnon' })).status).toBe(200);
    expect(await names('name=jean%20tremblay')).toEqual([]);
    expect(await names('name=gagnon')).toEqual(['Jean Gagnon']);
    expect(await tokensOf(id)).toHaveLength(2);
    // A correction that leaves the name alone leaves its words alone; clearing it clears them.
    expect((await server.api.patch(`/api/v1/contacts/${id}`, { jobTitle: 'Réception' })).status).toBe(200);
    expect(await names('name=gagnon')).toEqual(['Jean Gagnon']);
    expect((await server.api.patch(`/api/v1/contacts/${id}`, { name: null })).status).toBe(200);
    expect(await tokensOf(id)).toHaveLength(0);
    expect((await server.api.patch(`/api/v1/contacts/${id}`, { name: 'Jean Tremblay' })).status).toBe(200);
    expect(await names('name=jean')).toEqual(['Jean Tremblay']);
  });

  it('when contacts are imported, then new ones are found by name and a corrected name moves', async () => {
    const csv = [
      'email,name,locale,organizationId',
      `eloise.berube@clinique.example,Éloïse Bérubé,fr,${org}`,
      `me.roy@clinique.example,Marie-Ève Lavoie,,${org}`,
      `nameless@clinique.example,,,${org}`,
    ].join('\n');
    const res = await server.api.request('POST', '/api/v1/contacts/import', { body: csv, contentType: 'text/csv' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 2, updated: 1, rejected: 0 });
    expect(await names('name=eloise%20berube')).toEqual(['Éloïse Bérubé']);
    expect(await names('name=lavoie')).toEqual(['Marie-Ève Lavoie']);
    expect(await names('name=roy')).toEqual([]);
  });

  it('when a contact is erased, then its words go with it', async () => {
    const id = ids['Marie Côté']!;
    expect((await tokensOf(id)).length).toBe(2);
    expect((await server.api.delete(`/api/v1/contacts/${id}`)).status).toBe(200);
    expect(await names('name=cote')).toEqual([]);
    expect(await tokensOf(id)).toEqual([]);
  });

  it('when names are indexed, then neither the rows, the store file nor a dump holds a name or a word of it in clear', async () => {
    const rare = 'Zéphirine Quintalbouchard';
    const res = await server.api.post('/api/v1/contacts', { organizationId: org, email: 'zq@clinique.example', name: rare });
    expect(res.status).toBe(201);
    expect(await names('name=quintalbouchard%20zephirine')).toEqual([rare]);
    const rows = await server.testStore.store.db.selectFrom('contact_name_tokens').selectAll().execute();
    expect(rows.length).toBeGreaterThan(5);
    for (const row of rows) expect(row.token_index).toMatch(/^[0-9a-f]{64}$/);
    // A word's hash is not a plain hash of the word: without the key, it cannot be looked up in a dictionary.
    const plainHash = (await import('node:crypto')).createHash('sha256').update('quintalbouchard').digest('hex');
    expect(rows.map((r) => r.token_index)).not.toContain(plainHash);
    const raw = rawStore().toLowerCase();
    for (const word of ['quintalbouchard', 'zephirine', 'zéphirine', Buffer.from('zéphirine', 'utf8').toString('latin1'), 'tremblay']) {
      expect(raw.includes(word), word).toBe(false);
    }
    // Nor does the log: a search's query string is never written.
    expect(server.logs.join('\n').toLowerCase()).not.toMatch(/quintalbouchard|zephirine|tremblay/);
  });

  it('when contacts were made before the index, then the start fills their words in batches, once', async () => {
    const db = server.testStore.store.db;
    await db.deleteFrom('contact_name_tokens').execute();
    expect(await names('name=marie')).toEqual([]);
    expect(await server.services.contacts.fillMissingNameTokens(server.testStore.store.dialect, 2)).toBeGreaterThanOrEqual(5);
    expect(await server.services.contacts.fillMissingNameTokens(server.testStore.store.dialect, 2)).toBe(0);
    expect(await names('name=marie')).toEqual(['Marie Tremblay', 'Marie-Ève Lavoie']);

    // The real start does it too.
    await db.deleteFrom('contact_name_tokens').execute();
    const lines: string[] = [];
    const logDestination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const again = await boot({ env: server.env, store: server.testStore.store, logDestination });
    again.services.mailer.close();
    expect(await names('name=tremblay')).toEqual(['Jean Tremblay', 'Marie Tremblay']);
    expect(lines.join('')).toMatch(/names of contacts made before the name index/);
    expect(lines.join('')).not.toMatch(/tremblay/i);
  });
});
