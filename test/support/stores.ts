import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openStore, type Store } from '../../server/store/db.js';

export const STORES = ['sqlite', 'postgres'] as const;
export type StoreKind = (typeof STORES)[number];

export const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestStore {
  store: Store;
  /** What DATABASE_URL a child process would use to reach the same data (plus pgSchema for PostgreSQL). */
  url: string;
  pgSchema?: string;
  dir: string;
  drop(): Promise<void>;
}

/** A fresh store for one test file: a new SQLite file, or a new PostgreSQL schema dropped afterwards. */
export async function createTestStore(kind: StoreKind): Promise<TestStore> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'consent-test-'));
  if (kind === 'sqlite') {
    const url = `sqlite:${path.join(dir, 'consent.db')}`;
    const store = await openStore({ url });
    return {
      store,
      url,
      dir,
      drop: async () => {
        await store.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const pgSchema = `t_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${pgSchema}`);
  await admin.end();
  const store = await openStore({ url: PG_URL, pgSchema });
  return {
    store,
    url: PG_URL,
    pgSchema,
    dir,
    drop: async () => {
      await store.close();
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`DROP SCHEMA ${pgSchema} CASCADE`);
      await client.end();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
