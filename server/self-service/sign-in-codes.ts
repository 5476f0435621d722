import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { isoAfter, nowIso } from '../store/time.js';

export const CODE_TTL_MINUTES = 10;
export const MAX_CODE_ATTEMPTS = 5;

export type CodeCheck = { ok: true; contactId: string } | { ok: false; reason: 'wrong' | 'locked' };

/** Six random digits, leading zeros kept. */
export const newCode = (): string => crypto.randomInt(0, 1_000_000).toString().padStart(6, '0');

/**
 * One-time sign-in codes, kept only as HMAC-SHA256(key, salt + code) with a salt per code: the
 * key lives outside the database, so a copy of the table does not give the codes away.
 */
export class SignInCodes {
  private readonly key: Buffer;

  constructor(
    private readonly db: Kysely<Database>,
    secret: string,
  ) {
    this.key = Buffer.from(crypto.hkdfSync('sha256', secret, 'serveitpro', 'sign-in-code', 32));
  }

  /** A new code for the contact; older codes of the contact are deleted, so only the newest works. */
  async issue(contactId: string): Promise<string> {
    const code = newCode();
    const salt = crypto.randomBytes(16).toString('hex');
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('sign_in_codes').where('contact_id', '=', contactId).execute();
      await trx
        .insertInto('sign_in_codes')
        .values({
          id: crypto.randomUUID(),
          contact_id: contactId,
          code_salt: salt,
          code_hash: this.hash(salt, code).toString('hex'),
          expires_at: isoAfter(CODE_TTL_MINUTES * 60_000),
          created_at: nowIso(),
        })
        .execute();
    });
    return code;
  }

  /**
   * Checks a code for an address (by its blind index). Every call does the same work (one read,
   * one conditional update, one HMAC) whether the address is known, has a code or not, so the
   * answer time does not tell which. Each try counts; the fifth wrong one kills the code.
   */
  async check(emailIndex: string, code: string): Promise<CodeCheck> {
    const now = nowIso();
    const row = await this.db
      .selectFrom('contacts')
      .leftJoin('sign_in_codes', (join) => join.onRef('sign_in_codes.contact_id', '=', 'contacts.id').on('sign_in_codes.used_at', 'is', null))
      .select([
        'contacts.id as contactId',
        'sign_in_codes.id as codeId',
        'sign_in_codes.code_salt as salt',
        'sign_in_codes.code_hash as hash',
        'sign_in_codes.expires_at as expiresAt',
        'sign_in_codes.attempts as attempts',
      ])
      .where('contacts.email_index', '=', emailIndex)
      .orderBy('sign_in_codes.created_at', 'desc')
      .limit(1)
      .executeTakeFirst();

    const live = row?.codeId && row.expiresAt! > now ? row : null;
    // The try is counted before the comparison, so parallel guesses cannot exceed the limit.
    const counted = await this.db
      .updateTable('sign_in_codes')
      .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
      .where('id', '=', live?.codeId ?? crypto.randomUUID())
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .where('attempts', '<', MAX_CODE_ATTEMPTS)
      .returning('attempts')
      .executeTakeFirst();
    const expected = live ? Buffer.from(live.hash!, 'hex') : crypto.randomBytes(32);
    const matches = crypto.timingSafeEqual(this.hash(live?.salt ?? 'none', code), expected);

    if (!live) return { ok: false, reason: 'wrong' };
    // Not counted: other tries used up the last attempts since the read (or the code just went).
    if (!counted) return { ok: false, reason: 'locked' };
    if (!matches) return { ok: false, reason: Number(counted.attempts) >= MAX_CODE_ATTEMPTS ? 'locked' : 'wrong' };

    // Single use, even when the same right code arrives twice at once.
    const used = await this.db
      .updateTable('sign_in_codes')
      .set({ used_at: nowIso() })
      .where('id', '=', live.codeId!)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return used.numUpdatedRows > 0n ? { ok: true, contactId: live.contactId } : { ok: false, reason: 'wrong' };
  }

  private hash(salt: string, code: string): Buffer {
    return crypto.createHmac('sha256', this.key).update(`${salt}:${code}`).digest();
  }
}
