import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../server/store/db.js';

async function eventually(check: () => boolean, timeoutMs = 5_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

describe('SQLite checkpoints off the event loop', () => {
  it('when much is written, then the commits never copy the log into the database, and a thread of its own does within a second', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'consent-checkpoint-')), 'store.db');
    const store = await openStore({ url: `sqlite:${file}` });
    try {
      expect((await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(store.db)).rows[0]?.wal_autocheckpoint).toBe(0);
      await sql`create table filler (body blob not null)`.execute(store.db);
      const before = fs.statSync(file).size;
      // 4 MB: four times the 1,000 pages at which a commit would checkpoint by itself.
      for (let i = 0; i < 64; i += 1) await sql`insert into filler (body) values (randomblob(65536))`.execute(store.db);
      expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(4 * 1024 * 1024);
      expect(await eventually(() => fs.statSync(file).size >= before + 4 * 1024 * 1024)).toBe(true);
      const { rows } = await sql<{ n: number }>`select count(*) as n from filler`.execute(store.db);
      expect(rows[0]?.n).toBe(64);
    } finally {
      await store.close();
    }
  });
});
