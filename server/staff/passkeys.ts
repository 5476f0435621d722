import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { Database } from '../store/schema.js';
import { isoAfter, nowIso } from '../store/time.js';
import { DomainError } from '../errors.js';
import type { StaffMember } from './staff-accounts.js';

/** How long a browser has to answer a challenge. */
const CHALLENGE_MS = 5 * 60_000;

export interface RelyingParty {
  /** The console's host name (PUBLIC_URL's): passkeys are bound to it. */
  id: string;
  name: string;
  /** PUBLIC_URL's origin: the only page allowed to use them. */
  origin: string;
}

const refused = (detail: string) => new DomainError('unauthorized', 'passkey-refused', 'Sign-in refused.', detail);

/**
 * Passkeys (WebAuthn) for staff: discoverable credentials with user verification required, so
 * each sign-in is possession of the device plus its PIN or biometric. Challenges are stored,
 * single use and short, so any server of several can check the answer.
 */
export class Passkeys {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly rp: RelyingParty,
  ) {}

  async registrationOptions(member: StaffMember): Promise<{ challengeId: string; options: PublicKeyCredentialCreationOptionsJSON }> {
    const existing = await this.db.selectFrom('staff_passkeys').select(['id', 'transports']).where('staff_id', '=', member.id).execute();
    const options = await generateRegistrationOptions({
      rpName: this.rp.name,
      rpID: this.rp.id,
      userName: member.email,
      userID: new TextEncoder().encode(member.id),
      attestationType: 'none',
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
      excludeCredentials: existing.map((c) => ({ id: c.id, ...(c.transports ? { transports: JSON.parse(c.transports) } : {}) })),
    });
    return { challengeId: await this.remember(options.challenge, 'enrol', member.id), options };
  }

  /** Verifies the browser's new credential and keeps its public key. */
  async register(member: StaffMember, challengeId: string, response: RegistrationResponseJSON): Promise<void> {
    const challenge = await this.take(challengeId, 'enrol', member.id);
    const verification = await verifyRegistrationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: this.rp.origin,
      expectedRPID: this.rp.id,
      requireUserVerification: true,
    }).catch((error: unknown) => {
      throw refused(error instanceof Error ? error.message : 'The passkey could not be verified.');
    });
    if (!verification.verified) throw refused('The passkey could not be verified.');
    const { credential } = verification.registrationInfo;
    await this.db
      .insertInto('staff_passkeys')
      .values({
        id: credential.id,
        staff_id: member.id,
        public_key: Buffer.from(credential.publicKey).toString('base64url'),
        counter: credential.counter,
        transports: credential.transports ? JSON.stringify(credential.transports) : null,
        created_at: nowIso(),
        last_used_at: null,
      })
      .execute();
  }

  /** A challenge for any member's passkey, or (confirming a single sign-on) for one member's only. */
  async authenticationOptions(staffId: string | null = null): Promise<{ challengeId: string; options: PublicKeyCredentialRequestOptionsJSON }> {
    const theirs = staffId ? await this.db.selectFrom('staff_passkeys').select(['id', 'transports']).where('staff_id', '=', staffId).execute() : [];
    const options = await generateAuthenticationOptions({
      rpID: this.rp.id,
      userVerification: 'required',
      ...(staffId ? { allowCredentials: theirs.map((c) => ({ id: c.id, ...(c.transports ? { transports: JSON.parse(c.transports) } : {}) })) } : {}),
    });
    return { challengeId: await this.remember(options.challenge, 'sign-in', staffId), options };
  }

  /** The member whose passkey answered the challenge, with user verification; refused otherwise (and when the challenge was for another member). */
  async authenticate(challengeId: string, response: AuthenticationResponseJSON, staffId: string | null = null): Promise<string> {
    const challenge = await this.take(challengeId, 'sign-in', staffId);
    const stored = typeof response?.id === 'string' ? await this.db.selectFrom('staff_passkeys').selectAll().where('id', '=', response.id).executeTakeFirst() : undefined;
    if (!stored) throw refused('This passkey is not registered here.');
    if (staffId !== null && stored.staff_id !== staffId) throw refused('This passkey is another member’s.');
    const verification = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: this.rp.origin,
      expectedRPID: this.rp.id,
      requireUserVerification: true,
      credential: {
        id: stored.id,
        publicKey: Buffer.from(stored.public_key, 'base64url'),
        counter: Number(stored.counter),
        ...(stored.transports ? { transports: JSON.parse(stored.transports) } : {}),
      },
    }).catch((error: unknown) => {
      throw refused(error instanceof Error ? error.message : 'The passkey could not be verified.');
    });
    if (!verification.verified) throw refused('The passkey could not be verified.');
    await this.db
      .updateTable('staff_passkeys')
      .set({ counter: verification.authenticationInfo.newCounter, last_used_at: nowIso() })
      .where('id', '=', stored.id)
      .execute();
    return stored.staff_id;
  }

  private async remember(challenge: string, purpose: 'enrol' | 'sign-in', staffId: string | null): Promise<string> {
    const id = crypto.randomUUID();
    await this.db.insertInto('staff_challenges').values({ id, challenge, purpose, staff_id: staffId, expires_at: isoAfter(CHALLENGE_MS) }).execute();
    return id;
  }

  /** A challenge, once: deleted as it is read, so an answer cannot be replayed. */
  private async take(id: string, purpose: 'enrol' | 'sign-in', staffId: string | null): Promise<string> {
    const row = await this.db.selectFrom('staff_challenges').selectAll().where('id', '=', id).executeTakeFirst();
    const deleted = await this.db.deleteFrom('staff_challenges').where('id', '=', id).executeTakeFirst();
    if (!row || deleted.numDeletedRows === 0n || row.purpose !== purpose || row.staff_id !== staffId || row.expires_at <= nowIso()) {
      throw refused('The sign-in took too long or was already used: start again.');
    }
    return row.challenge;
  }
}
