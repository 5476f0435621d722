import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import type { AuditEntry, ConsoleSession, PasskeyChallenge, Role } from '../../contract/index.js';
import { DomainError, notFound } from '../errors.js';
import type { Passkeys } from './passkeys.js';
import type { StaffAccounts } from './staff-accounts.js';
import type { StaffSecondFactors } from './second-factors.js';
import { IDLE_MINUTES, type StaffSessions } from './staff-sessions.js';

type Audit = (entry: Omit<AuditEntry, 'id' | 'at'>) => Promise<void>;

/** A console caller as the admin API sees it: the member's role, under an id the audit log names. */
export interface StaffCaller {
  keyId: string;
  role: Role;
}

const expiredLink = () => new DomainError('not-found', 'enrolment-link', 'This enrolment link does not work.', 'It was used, has expired, or was never issued: ask an admin for a new one.');

/**
 * Signing staff in to the console: enrolment from a one-time link (a passkey is created and the
 * member is signed in), passkey sign-in, sessions, and the admin API's view of a session. Every
 * sign-in and every refusal is in the audit log.
 */
export class StaffConsole {
  constructor(
    private readonly accounts: StaffAccounts,
    private readonly passkeys: Passkeys,
    private readonly sessions: StaffSessions,
    private readonly secondFactors: StaffSecondFactors,
    private readonly audit: Audit,
  ) {}

  async enrolmentOptions(token: string): Promise<PasskeyChallenge & { email: string }> {
    const member = await this.accounts.enrolling(token);
    if (!member) throw expiredLink();
    const { challengeId, options } = await this.passkeys.registrationOptions(member);
    return { challengeId, options: options as unknown as Record<string, unknown>, email: member.email };
  }

  /** Keeps the new passkey, uses the link up, and signs the member in. */
  async enrol(token: string, challengeId: string, response: Record<string, unknown>): Promise<{ cookie: string; session: ConsoleSession }> {
    const member = await this.accounts.enrolling(token);
    if (!member) throw expiredLink();
    try {
      await this.passkeys.register(member, challengeId, response as unknown as RegistrationResponseJSON);
    } catch (error) {
      await this.record(`staff:${member.id}`, 'console.enrol', 401, error);
      throw error;
    }
    if (!(await this.accounts.useEnrolment(token))) throw expiredLink();
    await this.record(`staff:${member.id}`, 'console.enrol', 201);
    return this.startSession(member.id);
  }

  async signInOptions(): Promise<PasskeyChallenge> {
    const { challengeId, options } = await this.passkeys.authenticationOptions();
    return { challengeId, options: options as unknown as Record<string, unknown> };
  }

  async signIn(challengeId: string, response: Record<string, unknown>): Promise<{ cookie: string; session: ConsoleSession }> {
    let staffId: string;
    try {
      staffId = await this.passkeys.authenticate(challengeId, response as unknown as AuthenticationResponseJSON);
    } catch (error) {
      await this.record(null, 'console.sign-in', 401, error);
      throw error;
    }
    if (!(await this.accounts.get(staffId))) {
      await this.record(`staff:${staffId}`, 'console.sign-in', 403, 'the member is disabled');
      throw new DomainError('forbidden', 'staff-disabled', 'Sign-in refused.', 'This staff account is disabled.');
    }
    await this.record(`staff:${staffId}`, 'console.sign-in', 200);
    return this.startSession(staffId);
  }

  /** The session a cookie names, or 404 (the console then shows sign-in). */
  async session(cookie: string | undefined): Promise<ConsoleSession> {
    const session = cookie ? await this.sessions.resolve(cookie) : null;
    const member = session ? await this.accounts.get(session.staffId) : null;
    if (!session || !member) throw notFound('session');
    return { staff: member, csrfToken: session.csrfToken, idleMinutes: IDLE_MINUTES, authenticatorApp: await this.secondFactors.enabled(member.id) };
  }

  /** Sets up an authenticator app for the signed-in member (a change: CSRF token required). */
  async setUpAuthenticator(cookie: string | undefined, csrfToken: string | undefined) {
    const member = await this.signedIn(cookie, csrfToken);
    return this.secondFactors.setUp(member.id, member.email);
  }

  /** The app's first code turns it on; the answer holds the recovery codes, this once. */
  async confirmAuthenticator(cookie: string | undefined, csrfToken: string | undefined, code: string) {
    const member = await this.signedIn(cookie, csrfToken);
    const recoveryCodes = await this.secondFactors.confirm(member.id, code);
    await this.record(`staff:${member.id}`, 'console.authenticator-on', 200);
    return { recoveryCodes };
  }

  /** Signs in with the authenticator app's code, when the passkey is not at hand. */
  async signInWithCode(email: string, code: string) {
    return this.fallbackSignIn('console.sign-in-code', email, (id) => this.secondFactors.signInWithCode(id, code));
  }

  /** Signs in with a one-time recovery code. */
  async signInWithRecovery(email: string, code: string) {
    return this.fallbackSignIn('console.sign-in-recovery', email, (id) => this.secondFactors.signInWithRecovery(id, code));
  }

  private async fallbackSignIn(action: string, email: string, check: (staffId: string | null) => Promise<string>) {
    const staffId = await this.accounts.idByEmail(email);
    try {
      await check(staffId);
    } catch (error) {
      await this.record(staffId ? `staff:${staffId}` : null, action, 401, error);
      throw error;
    }
    await this.record(`staff:${staffId}`, action, 200);
    return this.startSession(staffId!);
  }

  private async signedIn(cookie: string | undefined, csrfToken: string | undefined) {
    const caller = await this.caller(cookie, 'POST', csrfToken);
    if (caller === 'bad-csrf') throw new DomainError('forbidden', 'csrf', 'Missing or wrong CSRF token.', 'Send the session’s X-CSRF-Token.');
    const member = caller ? await this.accounts.get(caller.keyId.slice('staff:'.length)) : null;
    if (!member) throw new DomainError('unauthorized', 'unauthorized', 'Sign in first.', 'The console session is over.');
    return member;
  }

  async signOut(cookie: string | undefined, csrfToken: string | undefined): Promise<void> {
    if (!cookie) return;
    const session = await this.sessions.resolve(cookie);
    if (!session) return;
    if (!this.sessions.csrfMatches(cookie, csrfToken)) throw new DomainError('forbidden', 'csrf', 'Missing or wrong CSRF token.', 'Send the session’s X-CSRF-Token.');
    await this.sessions.end(cookie);
    await this.record(`staff:${session.staffId}`, 'console.sign-out', 204);
  }

  /** The admin API's caller for a console request: a change must carry the session's CSRF token. */
  async caller(cookie: string | undefined, method: string, csrfToken: string | undefined): Promise<StaffCaller | 'bad-csrf' | null> {
    if (!cookie) return null;
    const session = await this.sessions.resolve(cookie);
    if (!session) return null;
    if (method !== 'GET' && method !== 'HEAD' && !this.sessions.csrfMatches(cookie, csrfToken)) return 'bad-csrf';
    return { keyId: `staff:${session.staffId}`, role: session.role };
  }

  /** A new session for a member whose sign-in was checked (here, or by single sign-on). */
  async startSession(staffId: string): Promise<{ cookie: string; session: ConsoleSession }> {
    const { cookie } = await this.sessions.start(staffId);
    return { cookie, session: await this.session(cookie) };
  }

  private record(keyId: string | null, action: string, outcome: number, why?: unknown) {
    const detail = why === undefined ? null : why instanceof Error ? why.message : String(why);
    return this.audit({ keyId, action, target: null, outcome, requestId: null, detail });
  }
}
