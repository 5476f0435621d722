import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type { Database } from './schema.js';
import { migrateToLatest } from './migrate.js';
import type { Dialect } from './dialect.js';

export type { Dialect } from './dialect.js';

export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** `sqlite:<path>` or `postgres://…` */
  url: string;
  /** PostgreSQL only: the schema to use (tests give each run its own). */
  pgSchema?: string;
  pgPoolSize?: number;
}

export async function openStore(options: StoreOptions): Promise<Store> {
  const store = options.url.startsWith('sqlite:') ? openSqlite(options.url.slice('sqlite:'.length)) : openPostgres(options);
  try {
    await migrateToLatest(store.db, store.dialect);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

function openSqlite(file: string): Store {
  if (file !== ':memory:') ownerOnly(file);
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // Deleted rows are overwritten, not left in free pages: an erasure leaves nothing behind in the file.
  sqlite.pragma('secure_delete = ON');
  const checkpoints = file === ':memory:' ? null : checkpointElsewhere(sqlite, file);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: reusingStatements(sqlite) }) });
  return {
    db,
    dialect: 'sqlite',
    ping: async () => {
      sqlite.prepare('select 1').get();
    },
    close: async () => {
      await checkpoints?.stop();
      await db.destroy();
    },
  };
}

const CHECKPOINT_EVERY_MS = 500;

/**
 * SQLite copies its write-ahead log back into the database every 1,000 pages, inside whichever
 * commit crosses the mark: with synchronous = NORMAL that commit also syncs the file, and the
 * event loop waits (a one-click commit took 150 µs on average, most of it these checkpoints).
 * Here the connection never checkpoints; a thread with its own connection does, twice a second.
 * Should that thread stop, the connection checkpoints again on its own.
 */
function checkpointElsewhere(sqlite: SQLite.Database, file: string): { stop: () => Promise<void> } {
  sqlite.pragma('wal_autocheckpoint = 0');
  // After a burst, the log file is cut back to 64 MB once it has been copied in.
  sqlite.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
  const thread = new Worker(new URL('./checkpoint-thread.mjs', import.meta.url), { workerData: { file, everyMs: CHECKPOINT_EVERY_MS } });
  thread.unref();
  let stopping = false;
  const exited = new Promise<void>((resolve) => thread.once('exit', () => resolve()));
  void exited.then(() => {
    if (!stopping && sqlite.open) sqlite.pragma('wal_autocheckpoint = 1000');
  });
  // Its failure is only the loss of this thread: the connection checkpoints on its own again.
  thread.on('error', () => {});
  return {
    stop: async () => {
      stopping = true;
      thread.postMessage('stop');
      await exited;
    },
  };
}

/**
 * The store holds personal data: its folder and file are the service user's alone (0700, 0600),
 * whatever the umask. SQLite creates the -wal and -shm files with the database file's mode.
 */
function ownerOnly(file: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: 0o700 });
  fs.closeSync(fs.openSync(file, 'a', 0o600));
  for (const existing of [file, `${file}-wal`, `${file}-shm`]) {
    if (fs.existsSync(existing)) fs.chmodSync(existing, 0o600);
  }
}

/**
 * kysely prepares every query afresh; better-sqlite3 statements can be reused, which saves a
 * good part of a short request's CPU (the one-click POST's statements are always the same text).
 * Only short statements are kept, and a bounded number of them.
 */
function reusingStatements(sqlite: SQLite.Database) {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      // Multi-row inserts compile to large programs that are rarely repeated: not worth keeping.
      if (sql.length > 2000) return sqlite.prepare(sql);
      let statement = cache.get(sql);
      if (!statement) {
        if (cache.size >= 200) cache.clear();
        statement = sqlite.prepare(sql);
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}

function openPostgres(options: StoreOptions): Store {
  if (!/^postgres(ql)?:\/\//.test(options.url)) {
    throw new Error('DATABASE_URL must start with sqlite: or postgres://');
  }
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.pgPoolSize ?? 10,
    ...(options.pgSchema ? { options: `-c search_path=${options.pgSchema}` } : {}),
  });
  // A client losing its server (restart, failover, network) must not crash the process: pg emits
  // 'error' on the client, and pg-pool listens only while it is idle. Queries on it fail on their
  // own (→ 503), and the pool drops the broken client when it is released.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    dialect: 'postgres',
    ping: async () => {
      await pool.query('select 1');
    },
    close: () => db.destroy(),
  };
}
