import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { nowIso } from '../store/time.js';

const PREFIX = 'enc1';

/** A short public name for a key, stored beside each value so the right key decrypts it. */
export const keyId = (key: Buffer) => crypto.createHash('sha256').update(key).digest('hex').slice(0, 8);

function seal(key: Buffer, plain: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return `${PREFIX}:${keyId(key)}:${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
}

function open(keys: Map<string, Buffer>, stored: string): string {
  const [prefix, id, payload] = stored.split(':');
  const key = id ? keys.get(id) : undefined;
  if (prefix !== PREFIX || !key || !payload) throw new Error(`cannot decrypt a value sealed with key ${id ?? '?'}: is DATA_KEY_PREVIOUS missing?`);
  const bytes = Buffer.from(payload, 'base64url');
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
  decipher.setAuthTag(bytes.subarray(bytes.length - 16));
  return Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]).toString('utf8');
}

/**
 * Personal fields at rest: AES-256-GCM under DATA_KEY (DATA_KEY_PREVIOUS still decrypts during a
 * rotation), and a keyed hash (HMAC-SHA256) of the address as a blind index for lookups and for
 * the suppression list. The hashing key is random, made once, and stored wrapped under DATA_KEY:
 * a rotation re-wraps it but never changes it, so the blind index and the suppression list of
 * erased addresses stay valid across rotations.
 */
export class FieldCrypto {
  private readonly keys: Map<string, Buffer>;

  private constructor(
    private readonly current: Buffer,
    previous: Buffer | null,
    private readonly hashKey: Buffer,
  ) {
    this.keys = new Map([[keyId(current), current]]);
    if (previous) this.keys.set(keyId(previous), previous);
  }

  static async open(db: Kysely<Database>, current: Buffer, previous: Buffer | null): Promise<FieldCrypto> {
    const keys = new Map([[keyId(current), current]]);
    if (previous) keys.set(keyId(previous), previous);
    const read = () => db.selectFrom('crypto_keys').select('wrapped').where('name', '=', 'hash').executeTakeFirst();
    let row = await read();
    if (!row) {
      await db
        .insertInto('crypto_keys')
        .values({ name: 'hash', wrapped: seal(current, crypto.randomBytes(32).toString('base64')), updated_at: nowIso() })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      row = await read();
    }
    const hashKey = Buffer.from(open(keys, row!.wrapped), 'base64');
    const fieldCrypto = new FieldCrypto(current, previous, hashKey);
    if (fieldCrypto.isStale(row!.wrapped)) await fieldCrypto.rewrapHashKey(db);
    return fieldCrypto;
  }

  encrypt(plain: string): string {
    return seal(this.current, plain);
  }

  encryptNullable(plain: string | null | undefined): string | null {
    return plain == null ? null : this.encrypt(plain);
  }

  decrypt(stored: string): string {
    return open(this.keys, stored);
  }

  decryptNullable(stored: string | null): string | null {
    return stored === null ? null : this.decrypt(stored);
  }

  /** Plaintext sealed, or a value sealed under an older key sealed again under DATA_KEY. */
  reseal(value: string | null): string | null {
    if (value === null) return null;
    return this.encrypt(value.startsWith(`${PREFIX}:`) ? this.decrypt(value) : value);
  }

  /** True when the value is plaintext or sealed under another key than DATA_KEY (a rotation should redo it). */
  needsSealing(value: string | null): boolean {
    return value !== null && (!value.startsWith(`${PREFIX}:`) || this.isStale(value));
  }

  /** True when the value is sealed under another key than DATA_KEY (a rotation should redo it). */
  isStale(stored: string): boolean {
    return stored.split(':')[1] !== keyId(this.current);
  }

  /** The blind index of a normalized address. */
  emailIndex(normalizedEmail: string): string {
    return crypto.createHmac('sha256', this.hashKey).update(`email:${normalizedEmail}`).digest('hex');
  }

  /** The suppression list's keyed hash of a normalized address. */
  addressHash(normalizedEmail: string): string {
    return crypto.createHmac('sha256', this.hashKey).update(`suppression:${normalizedEmail}`).digest('hex');
  }

  /** A key of its own for one purpose, derived from the hashing key: never stored, stable across rotations. */
  derivedKey(purpose: string): Buffer {
    return Buffer.from(crypto.hkdfSync('sha256', this.hashKey, 'serveitpro', purpose, 32));
  }

  async rewrapHashKey(db: Kysely<Database>): Promise<void> {
    await db
      .updateTable('crypto_keys')
      .set({ wrapped: seal(this.current, this.hashKey.toString('base64')), updated_at: nowIso() })
      .where('name', '=', 'hash')
      .execute();
  }
}
