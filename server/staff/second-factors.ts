import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import { generateSecret, generateURI, verify } from 'otplib';
import type { Database } from '../store/schema.js';
import { nowIso } from '../store/time.js';
import type { FieldCrypto } from '../crypto/field-crypto.js';
import type { Clock } from '../consent/clock.js';
import { DomainError } from '../errors.js';

const RECOVERY_CODES = 10;
const sha256 = (value: string) => crypto.createHash('sha256').update(value).digest('hex');
/** Ten characters from an alphabet without look-alikes, shown as two groups of five. */
const recoveryCode = () => {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const chars = Array.from(crypto.randomBytes(10), (b) => alphabet[b % alphabet.length]).join('');
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
};
const normalizeRecovery = (code: string) => code.toLowerCase().replace(/[^a-z0-9]/g, '');

const refused = () => new DomainError('unauthorized', 'code-refused', 'Sign-in refused.', 'The address or the code is wrong, or the code was already used.');

/**
 * The fallback when a passkey is not at hand: an authenticator app (TOTP, RFC 6238, one use per
 * code) and a set of one-time recovery codes, shown once when the app is confirmed.
 */
export class StaffSecondFactors {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly crypto: FieldCrypto,
    private readonly clock: Clock,
    private readonly issuer: string,
  ) {}

  /** A new secret for the member's app (replacing an unconfirmed one), and its otpauth:// URI. */
  async setUp(staffId: string, label: string): Promise<{ secret: string; uri: string }> {
    const secret = generateSecret();
    const sealed = this.crypto.encrypt(secret);
    await this.db
      .insertInto('staff_totp')
      .values({ staff_id: staffId, secret: sealed, confirmed_at: null, last_time_step: null })
      .onConflict((oc) => oc.column('staff_id').doUpdateSet({ secret: sealed, confirmed_at: null, last_time_step: null }))
      .execute();
    return { secret, uri: generateURI({ issuer: this.issuer, label, secret }) };
  }

  /** The app's first code turns it on; the answer is the new recovery codes, shown this once (older ones stop working). */
  async confirm(staffId: string, code: string): Promise<string[]> {
    if (!(await this.accept(staffId, code, false))) {
      throw new DomainError('invalid', 'code-refused', 'Wrong code.', 'Type the six digits your app shows now.', [{ pointer: '#/code', detail: 'Not the code the app shows now.' }]);
    }
    await this.db.updateTable('staff_totp').set({ confirmed_at: nowIso() }).where('staff_id', '=', staffId).execute();
    const codes = Array.from({ length: RECOVERY_CODES }, recoveryCode);
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('staff_recovery_codes').where('staff_id', '=', staffId).execute();
      await trx
        .insertInto('staff_recovery_codes')
        .values(codes.map((c) => ({ code_hash: sha256(normalizeRecovery(c)), staff_id: staffId, used_at: null })))
        .execute();
    });
    return codes;
  }

  /** Whether the member has an app turned on. */
  async enabled(staffId: string): Promise<boolean> {
    const row = await this.db.selectFrom('staff_totp').select('confirmed_at').where('staff_id', '=', staffId).executeTakeFirst();
    return Boolean(row?.confirmed_at);
  }

  /** Signs in with the app's current code; each code works once. */
  async signInWithCode(staffId: string | null, code: string): Promise<string> {
    if (!staffId || !(await this.accept(staffId, code, true))) throw refused();
    return staffId;
  }

  /** Signs in with a recovery code, used up by it. */
  async signInWithRecovery(staffId: string | null, code: string): Promise<string> {
    if (!staffId) throw refused();
    const used = await this.db
      .updateTable('staff_recovery_codes')
      .set({ used_at: nowIso() })
      .where('code_hash', '=', sha256(normalizeRecovery(code)))
      .where('staff_id', '=', staffId)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    if (used.numUpdatedRows === 0n) throw refused();
    return staffId;
  }

  /** Checks a code against the secret (one step of clock drift either way), once per time step. */
  private async accept(staffId: string, code: string, confirmedOnly: boolean): Promise<boolean> {
    const row = await this.db.selectFrom('staff_totp').selectAll().where('staff_id', '=', staffId).executeTakeFirst();
    if (!row || (confirmedOnly && !row.confirmed_at) || !/^\d{6}$/.test(code)) return false;
    const result = await verify({
      secret: this.crypto.decrypt(row.secret),
      token: code,
      epoch: Math.floor(this.clock.now() / 1000),
      epochTolerance: 30,
      ...(row.last_time_step === null ? {} : { afterTimeStep: Number(row.last_time_step) }),
    }).catch(() => ({ valid: false as const }));
    if (!result.valid) return false;
    const step = (result as { timeStep: number }).timeStep;
    // Another request with the same code at the same moment loses here.
    const claimed = await this.db
      .updateTable('staff_totp')
      .set({ last_time_step: step })
      .where('staff_id', '=', staffId)
      .where((eb) => eb.or([eb('last_time_step', 'is', null), eb('last_time_step', '<', step)]))
      .executeTakeFirst();
    return claimed.numUpdatedRows > 0n;
  }
}
