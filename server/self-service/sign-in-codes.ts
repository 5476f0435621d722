import crypto from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import { isoAfter, nowIso } from '../store/time.js';
import { secondsUntil, type SignInFailures } from './sign-in-failures.js';

export const CODE_TTL_MINUTES = 10;

export type CodeCheck =
  | { ok: true; contactId: string }
  | { ok: false; reason: 'wrong'; triesLeft: number }
  | { ok: false; reason: 'locked'; retryAfterSeconds: number };

/**
 * One-time sign-in codes. A code is six digits derived from its row's random salt under a key
 * that never reaches the store, so it can be made again when its email is sent and is never
 * stored, not even in the outbox; the row keeps the salt and HMAC-SHA256(key, salt + code).
 */
export class SignInCodes {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly key: Buffer,
    private readonly failures: SignInFailures,
  ) {}

  /** A new code for the contact, by its row's id; older codes of the contact are deleted, so only the newest works. */
  async issue(contactId: string): Promise<string> {
    const id = crypto.randomUUID();
    const salt = crypto.randomBytes(16).toString('hex');
    const code = this.derive(salt);
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('sign_in_codes').where('contact_id', '=', contactId).execute();
      await trx
        .insertInto('sign_in_codes')
        .values({
          id,
          contact_id: contactId,
          code_salt: salt,
          code_hash: this.hash(salt, code).toString('hex'),
          expires_at: isoAfter(CODE_TTL_MINUTES * 60_000),
          created_at: nowIso(),
        })
        .execute();
    });
    return id;
  }

  /** Retention: codes past their expiry, used or not. */
  static async expire(trx: Transaction<Database>, now: string): Promise<number> {
    return Number((await trx.deleteFrom('sign_in_codes').where('expires_at', '<', now).executeTakeFirst()).numDeletedRows);
  }

  /** The contact's codes not yet used stop working. */
  async discard(contactId: string, db: Kysely<Database> | Transaction<Database> = this.db): Promise<void> {
    await db.deleteFrom('sign_in_codes').where('contact_id', '=', contactId).where('used_at', 'is', null).execute();
  }

  /** The code of a row still waiting to be used, made again from its salt; null once it is used, replaced or expired. */
  async codeFor(id: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('sign_in_codes')
      .select('code_salt')
      .where('id', '=', id)
      .where('used_at', 'is', null)
      .where('expires_at', '>', nowIso())
      .executeTakeFirst();
    return row ? this.derive(row.code_salt) : null;
  }

  /**
   * Checks a code for an address (by its blind index). The try is counted against the address
   * before the comparison (see SignInFailures), whether a contact has the address or not, and
   * every call does the same work, so neither the answers nor their timing tell which.
   */
  async check(addressKey: string, code: string): Promise<CodeCheck> {
    const gate = await this.failures.admit(addressKey);
    if (!gate.open) return { ok: false, reason: 'locked', retryAfterSeconds: gate.retryAfterSeconds };
    const now = nowIso();
    const live = await this.db
      .selectFrom('contacts')
      .innerJoin('sign_in_codes', 'sign_in_codes.contact_id', 'contacts.id')
      .select(['contacts.id as contactId', 'sign_in_codes.id as codeId', 'sign_in_codes.code_salt as salt', 'sign_in_codes.code_hash as hash'])
      .where('contacts.email_index', '=', addressKey)
      .where('sign_in_codes.used_at', 'is', null)
      .where('sign_in_codes.expires_at', '>', now)
      .orderBy('sign_in_codes.created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    const expected = live ? Buffer.from(live.hash, 'hex') : crypto.randomBytes(32);
    const matches = crypto.timingSafeEqual(this.hash(live?.salt ?? 'none', code), expected);
    if (live && matches) {
      // Single use, even when the same right code arrives twice at once.
      const used = await this.db.updateTable('sign_in_codes').set({ used_at: nowIso() }).where('id', '=', live.codeId).where('used_at', 'is', null).executeTakeFirst();
      if (used.numUpdatedRows > 0n) {
        await this.failures.cleared(addressKey);
        return { ok: true, contactId: live.contactId };
      }
    }
    return gate.lockedIfWrong ? { ok: false, reason: 'locked', retryAfterSeconds: secondsUntil(gate.lockedIfWrong) } : { ok: false, reason: 'wrong', triesLeft: gate.triesLeft };
  }

  /** Six digits, uniform enough: 64 bits reduced modulo a million leave a bias of 5e-14. */
  private derive(salt: string): string {
    const digest = crypto.createHmac('sha256', this.key).update(`code:${salt}`).digest();
    return (digest.readBigUInt64BE(0) % 1_000_000n).toString().padStart(6, '0');
  }

  private hash(salt: string, code: string): Buffer {
    return crypto.createHmac('sha256', this.key).update(`${salt}:${code}`).digest();
  }
}
