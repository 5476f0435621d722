import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import type { AuditEntry, ConsoleSession, PasskeyChallenge, Role, SsoPending, SsoRefusal } from '../../contract/index.js';
import { DomainError } from '../errors.js';
import { emailOrThrow } from '../contacts/contacts.js';
import type { Passkeys } from './passkeys.js';
import type { StaffAccounts } from './staff-accounts.js';
import type { StaffSecondFactors } from './second-factors.js';
import type { SsoLogins } from './sso-logins.js';
import type { OidcClient } from './oidc-client.js';

type Audit = (entry: Omit<AuditEntry, 'id' | 'at'>) => Promise<void>;
type SignedIn = { cookie: string; session: ConsoleSession };

export interface SsoSettings {
  /** The IdP's name on the sign-in button; null: the console's own words. */
  label: string | null;
  roleClaim: string;
  roleMap: ReadonlyMap<string, Role>;
  mfaAmr: readonly string[];
}

export type CallbackOutcome = { kind: 'signed-in'; signedIn: SignedIn } | { kind: 'second-factor' } | { kind: 'refused'; reason: SsoRefusal };

/** When several of the IdP's roles map, the most powerful decides. */
const POWER: readonly Role[] = ['admin', 'support', 'sender'];

/** The console role the IdP's role claim (a string or an array of strings) maps to, if any. */
export function mappedRole(claim: unknown, map: ReadonlyMap<string, Role>): Role | null {
  const values = (Array.isArray(claim) ? claim : [claim]).filter((v): v is string => typeof v === 'string');
  const roles = new Set(values.flatMap((v) => (map.has(v) ? [map.get(v)!] : [])));
  return POWER.find((role) => roles.has(role)) ?? null;
}

/** Whether the IdP's `amr` says the person passed a multi-factor sign-in there. */
export const mfaAsserted = (amr: unknown, accepted: readonly string[]) => Array.isArray(amr) && amr.some((v) => typeof v === 'string' && accepted.includes(v));

/** The address the ID token names: `email`, or Entra ID's `preferred_username` (the UPN) when there is none. */
function addressOf(claims: Record<string, unknown>): string | null {
  for (const value of [claims.email, claims.preferred_username]) {
    if (typeof value !== 'string') continue;
    try {
      return emailOrThrow(value);
    } catch {
      // Not an address (a bare user name): try the next claim.
    }
  }
  return null;
}

const expired = () => new DomainError('unauthorized', 'sso-expired', 'Sign-in refused.', 'The single sign-on took too long or was already used: start again.');

/**
 * Staff single sign-on by OpenID Connect. The IdP names the member (by address) and their role
 * (from a claim, mapped to a console role: the IdP is the source of truth); a member it names is
 * created at their first sign-in. A sign-in the IdP asserts was multi-factor (`amr`) starts a
 * session; any other still needs the member's passkey or authenticator code here, or, for a
 * member with neither, a passkey created on the spot. Every step and refusal is audited.
 */
export class StaffSso {
  constructor(
    private readonly settings: SsoSettings,
    private readonly client: OidcClient,
    private readonly logins: SsoLogins,
    private readonly accounts: StaffAccounts,
    private readonly passkeys: Passkeys,
    private readonly secondFactors: StaffSecondFactors,
    private readonly startSession: (staffId: string) => Promise<SignedIn>,
    private readonly audit: Audit,
  ) {}

  get label(): string | null {
    return this.settings.label;
  }

  /** A new login bound to this browser: the cookie's value and where to send the browser. */
  async start(): Promise<{ binding: string; redirectTo: string }> {
    const login = await this.logins.begin();
    try {
      return { binding: login.binding, redirectTo: await this.client.authorizationUrl(login) };
    } catch (error) {
      await this.logins.end(login.binding);
      await this.record(null, 'console.sign-in-sso', 502, error);
      throw error;
    }
  }

  /** The IdP sent the browser back: check the answer against this browser's login, then sign in or ask for a second factor. */
  async callback(binding: string | undefined, callbackUrl: URL): Promise<CallbackOutcome> {
    const checks = binding ? await this.logins.claim(binding) : null;
    if (!binding || !checks) return this.refuse(null, 401, 'refused', 'no single sign-on under way in this browser (no cookie, used or expired)');
    let claims: Record<string, unknown>;
    try {
      claims = await this.client.claims(callbackUrl, checks);
    } catch (error) {
      await this.logins.end(binding);
      const unavailable = error instanceof DomainError && error.kind === 'upstream';
      return this.refuse(null, unavailable ? 502 : 401, unavailable ? 'unavailable' : 'refused', error);
    }
    const email = addressOf(claims);
    if (!email) return this.refuseNamed(binding, null, 'no-address', 'the ID token names no address');
    const existing = await this.accounts.byEmail(email);
    const who = existing ? `staff:${existing.id}` : null;
    const role = mappedRole(claims[this.settings.roleClaim], this.settings.roleMap);
    if (!role) return this.refuseNamed(binding, who, 'no-role', `the ${this.settings.roleClaim} claim maps to no console role`);
    if (existing?.disabled) return this.refuseNamed(binding, who, 'disabled', 'the member is disabled');
    const staffId = await this.memberFor(email, role, existing);
    if (mfaAsserted(claims.amr, this.settings.mfaAmr)) {
      await this.logins.end(binding);
      await this.record(`staff:${staffId}`, 'console.sign-in-sso', 200, 'multi-factor at the identity provider');
      return { kind: 'signed-in', signedIn: await this.startSession(staffId) };
    }
    await this.logins.awaitSecondFactor(binding, staffId);
    await this.record(`staff:${staffId}`, 'console.sign-in-sso', 202, 'no multi-factor asserted: a passkey or code is needed here');
    return { kind: 'second-factor' };
  }

  /** Who this browser's login waits for, and how they can confirm it. */
  async pending(binding: string | undefined): Promise<SsoPending> {
    const member = await this.waitingMember(binding);
    const factors = await this.accounts.factors(member.id);
    return { email: member.email, passkey: factors.passkeys > 0, authenticatorApp: factors.authenticatorApp };
  }

  /** A challenge only this member's passkeys can answer. */
  async passkeyOptions(binding: string | undefined): Promise<PasskeyChallenge> {
    const member = await this.waitingMember(binding);
    const { challengeId, options } = await this.passkeys.authenticationOptions(member.id);
    return { challengeId, options: options as unknown as Record<string, unknown> };
  }

  /** Confirms with the member's own passkey: another member's is refused. */
  async confirmWithPasskey(binding: string | undefined, challengeId: string, response: Record<string, unknown>): Promise<SignedIn> {
    return this.confirm(binding, 'passkey', 200, (id) => this.passkeys.authenticate(challengeId, response as unknown as AuthenticationResponseJSON, id));
  }

  /** Confirms with the authenticator app's current code, or a recovery code (used up). */
  async confirmWithCode(binding: string | undefined, code: string): Promise<SignedIn> {
    const app = /^\d{6}$/.test(code);
    return this.confirm(binding, app ? 'authenticator code' : 'recovery code', 200, (id) =>
      app ? this.secondFactors.signInWithCode(id, code) : this.secondFactors.signInWithRecovery(id, code),
    );
  }

  /** For a member with neither a passkey nor an app (created just now, say): options to create a passkey. */
  async enrolmentOptions(binding: string | undefined): Promise<PasskeyChallenge> {
    const member = await this.waitingMember(binding);
    await this.mustHaveNoFactor(member.id);
    const { challengeId, options } = await this.passkeys.registrationOptions(member);
    return { challengeId, options: options as unknown as Record<string, unknown> };
  }

  /** Keeps the member's first passkey, which confirms the sign-in. */
  async enrol(binding: string | undefined, challengeId: string, response: Record<string, unknown>): Promise<SignedIn> {
    return this.confirm(binding, 'first passkey created', 201, async (id) => {
      await this.mustHaveNoFactor(id);
      const member = await this.accounts.get(id);
      if (!member) throw expired();
      await this.passkeys.register(member, challengeId, response as unknown as RegistrationResponseJSON);
    });
  }

  private async confirm(binding: string | undefined, how: string, outcome: number, check: (staffId: string) => Promise<unknown>): Promise<SignedIn> {
    const member = await this.waitingMember(binding);
    try {
      await check(member.id);
    } catch (error) {
      await this.logins.refused(binding!);
      await this.record(`staff:${member.id}`, 'console.sso-second-factor', error instanceof DomainError && error.kind === 'forbidden' ? 403 : 401, error);
      throw error;
    }
    if (!(await this.logins.complete(binding!, member.id))) throw expired();
    await this.record(`staff:${member.id}`, 'console.sso-second-factor', outcome, how);
    return this.startSession(member.id);
  }

  private async waitingMember(binding: string | undefined) {
    const staffId = await this.logins.awaiting(binding);
    const member = staffId ? await this.accounts.get(staffId) : null;
    if (!member) throw expired();
    return member;
  }

  private async mustHaveNoFactor(staffId: string) {
    const factors = await this.accounts.factors(staffId);
    if (factors.passkeys > 0 || factors.authenticatorApp) {
      throw new DomainError('forbidden', 'has-second-factor', 'Confirm with your passkey or code.', 'This member already has a passkey or an authenticator app: a new passkey is added from the Security page once signed in.');
    }
  }

  /** The member the IdP named, created or given the IdP's role; each change audited. */
  private async memberFor(email: string, role: Role, known: { id: string; role: Role } | null): Promise<string> {
    let existing = known;
    if (!existing) {
      try {
        const member = await this.accounts.join(email, role);
        await this.record(`staff:${member.id}`, 'console.sso-member-created', 201, `role ${role}`);
        return member.id;
      } catch (error) {
        // Two first sign-ins at once: the other one created the member.
        existing = error instanceof DomainError && error.kind === 'conflict' ? await this.accounts.byEmail(email) : null;
        if (!existing) throw error;
      }
    }
    if (existing.role !== role) {
      await this.accounts.update(existing.id, { role });
      await this.record(`staff:${existing.id}`, 'console.sso-role-changed', 200, `${existing.role} → ${role}`);
    }
    return existing.id;
  }

  /** The IdP named someone this console will not sign in: the login ends. */
  private async refuseNamed(binding: string, keyId: string | null, reason: SsoRefusal, why: string): Promise<CallbackOutcome> {
    await this.logins.end(binding);
    return this.refuse(keyId, 403, reason, why);
  }

  private async refuse(keyId: string | null, outcome: number, reason: SsoRefusal, why: unknown): Promise<CallbackOutcome> {
    await this.record(keyId, 'console.sign-in-sso', outcome, why);
    return { kind: 'refused', reason };
  }

  private record(keyId: string | null, action: string, outcome: number, why?: unknown) {
    const detail = why === undefined ? null : why instanceof Error ? why.message : String(why);
    return this.audit({ keyId, action, target: null, outcome, requestId: null, detail });
  }
}
