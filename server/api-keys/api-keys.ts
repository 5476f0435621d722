import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { nowIso } from '../store/time.js';
import type { Role } from '../../contract/index.js';

/** Who holds a key: its id (`bootstrap` for ADMIN_API_KEY) and its role. */
export interface Caller {
  keyId: string;
  role: Role;
}

export interface NewApiKey {
  id: string;
  name: string;
  role: Role;
  /** Shown once; only its hash is stored. */
  key: string;
}

// Keys are 256 random bits, so a fast hash is enough: there is nothing to brute-force.
const hashKey = (key: string): Buffer => crypto.createHash('sha256').update(key).digest();

export class ApiKeys {
  private readonly bootstrapHash: Buffer;

  constructor(
    private readonly db: Kysely<Database>,
    bootstrapAdminKey: string,
  ) {
    this.bootstrapHash = hashKey(bootstrapAdminKey);
  }

  async create(name: string, role: Role): Promise<NewApiKey> {
    const id = crypto.randomUUID();
    const key = `sk_${crypto.randomBytes(32).toString('base64url')}`;
    await this.db
      .insertInto('api_keys')
      .values({ id, name, role, key_hash: hashKey(key).toString('hex'), created_at: nowIso(), revoked_at: null })
      .execute();
    return { id, name, role, key };
  }

  /** True when a live key was revoked now or before. */
  async revoke(id: string): Promise<boolean> {
    const result = await this.db
      .updateTable('api_keys')
      .set({ revoked_at: nowIso() })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (result.numUpdatedRows > 0n) return true;
    const existing = await this.db.selectFrom('api_keys').select('id').where('id', '=', id).executeTakeFirst();
    return existing !== undefined;
  }

  async resolve(presented: string): Promise<Caller | null> {
    const hash = hashKey(presented);
    if (crypto.timingSafeEqual(hash, this.bootstrapHash)) return { keyId: 'bootstrap', role: 'admin' };
    const row = await this.db
      .selectFrom('api_keys')
      .select(['id', 'role'])
      .where('key_hash', '=', hash.toString('hex'))
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return row ? { keyId: row.id, role: row.role as Role } : null;
  }

  /** Every key, live or revoked, newest first (never the key itself: only its hash is kept). */
  async list(): Promise<{ id: string; name: string; role: Role; createdAt: string; revokedAt: string | null }[]> {
    const rows = await this.db.selectFrom('api_keys').select(['id', 'name', 'role', 'created_at', 'revoked_at']).orderBy('created_at', 'desc').execute();
    return rows.map((r) => ({ id: r.id, name: r.name, role: r.role as Role, createdAt: r.created_at, revokedAt: r.revoked_at }));
  }
}
