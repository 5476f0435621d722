import crypto from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import { isoAfter, nowIso } from '../store/time.js';
import type { FieldCrypto } from '../crypto/field-crypto.js';
import type { LoginChecks } from './oidc-client.js';

/** How long a browser has at the IdP, and then for the second factor. */
const LOGIN_MS = 10 * 60_000;
/** Refused second factors before the login ends (the IdP sign-in must be done again). */
const MAX_FAILURES = 5;

const sha256 = (value: string) => crypto.createHash('sha256').update(value).digest('hex');
const random = () => crypto.randomBytes(32).toString('base64url');

/**
 * Single sign-on logins under way, each bound to the browser that started it by a random value in
 * a short-lived cookie (only its hash is stored) and used once: redirected to the IdP, its answer
 * claimed once, then either ended or waiting for the member's passkey or code.
 */
export class SsoLogins {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly crypto: FieldCrypto,
  ) {}

  /** A new login: the cookie's value (`binding`) and what the IdP's answer must match. */
  async begin(): Promise<LoginChecks & { binding: string }> {
    const login = { binding: random(), state: random(), nonce: random(), codeVerifier: random() };
    await this.db
      .insertInto('staff_sso_logins')
      .values({
        binding_hash: sha256(login.binding),
        state: login.state,
        nonce: login.nonce,
        code_verifier: this.crypto.encrypt(login.codeVerifier),
        stage: 'redirected',
        staff_id: null,
        failures: 0,
        expires_at: isoAfter(LOGIN_MS),
      })
      .execute();
    return login;
  }

  /** Claims the IdP's answer for this browser's login, once: its checks; null when unknown, used or expired. */
  async claim(binding: string): Promise<LoginChecks | null> {
    if (binding.length > 100) return null;
    const claimed = await this.db
      .updateTable('staff_sso_logins')
      .set({ stage: 'exchanging' })
      .where('binding_hash', '=', sha256(binding))
      .where('stage', '=', 'redirected')
      .where('expires_at', '>', nowIso())
      .executeTakeFirst();
    if (claimed.numUpdatedRows === 0n) return null;
    const row = await this.db.selectFrom('staff_sso_logins').select(['state', 'nonce', 'code_verifier']).where('binding_hash', '=', sha256(binding)).executeTakeFirstOrThrow();
    return { state: row.state, nonce: row.nonce, codeVerifier: this.crypto.decrypt(row.code_verifier) };
  }

  /** The IdP named the member but asserted no multi-factor sign-in: the login waits for their passkey or code. */
  async awaitSecondFactor(binding: string, staffId: string): Promise<void> {
    await this.db
      .updateTable('staff_sso_logins')
      .set({ stage: 'second-factor', staff_id: staffId, expires_at: isoAfter(LOGIN_MS) })
      .where('binding_hash', '=', sha256(binding))
      .where('stage', '=', 'exchanging')
      .execute();
  }

  /** The member this browser's login waits a second factor for; null when there is none. */
  async awaiting(binding: string | undefined): Promise<string | null> {
    if (!binding || binding.length > 100) return null;
    const row = await this.db
      .selectFrom('staff_sso_logins')
      .select('staff_id')
      .where('binding_hash', '=', sha256(binding))
      .where('stage', '=', 'second-factor')
      .where('expires_at', '>', nowIso())
      .executeTakeFirst();
    return row?.staff_id ?? null;
  }

  /** A refused second factor: counted, and the login ends at the fifth. */
  async refused(binding: string): Promise<void> {
    const hash = sha256(binding);
    await this.db
      .updateTable('staff_sso_logins')
      .set((eb) => ({ failures: eb('failures', '+', 1) }))
      .where('binding_hash', '=', hash)
      .execute();
    await this.db.deleteFrom('staff_sso_logins').where('binding_hash', '=', hash).where('failures', '>=', MAX_FAILURES).execute();
  }

  /** Uses up a login waiting for this member's second factor; false when it was used (or expired) meanwhile. */
  async complete(binding: string, staffId: string): Promise<boolean> {
    const done = await this.db
      .deleteFrom('staff_sso_logins')
      .where('binding_hash', '=', sha256(binding))
      .where('stage', '=', 'second-factor')
      .where('staff_id', '=', staffId)
      .where('expires_at', '>', nowIso())
      .executeTakeFirst();
    return done.numDeletedRows > 0n;
  }

  /** Ends a login, whatever its stage. */
  async end(binding: string): Promise<void> {
    await this.db.deleteFrom('staff_sso_logins').where('binding_hash', '=', sha256(binding)).execute();
  }

  /** Retention: logins past their end. */
  static async expire(trx: Transaction<Database>, now: string): Promise<number> {
    return Number((await trx.deleteFrom('staff_sso_logins').where('expires_at', '<', now).executeTakeFirst()).numDeletedRows);
  }
}
