import type { ConsoleSession, PasskeyChallenge, SignInMethods, SsoPending } from '../contract/index.js';

/** The console's calls: its own sign-in API, and the admin API with the session cookie and CSRF token. */
export class ConsoleApi {
  csrfToken = '';

  /** Any console or admin API call: the cookie goes along, and a change carries the CSRF token. */
  async request<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(method === 'GET' ? {} : { 'x-csrf-token': this.csrfToken }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  }

  private remember(result: { status: number; body: ConsoleSession }): ConsoleSession | null {
    if (result.status !== 200 && result.status !== 201) return null;
    this.csrfToken = result.body.csrfToken;
    return result.body;
  }

  async session(): Promise<ConsoleSession | null> {
    return this.remember(await this.request<ConsoleSession>('GET', '/console/api/session'));
  }

  async enrolmentOptions(token: string) {
    return this.request<PasskeyChallenge & { email: string }>('POST', '/console/api/enrolment/options', { token });
  }

  async enrol(token: string, challengeId: string, response: unknown): Promise<ConsoleSession | null> {
    return this.remember(await this.request<ConsoleSession>('POST', '/console/api/enrolment', { token, challengeId, response }));
  }

  async signInOptions() {
    return this.request<PasskeyChallenge>('POST', '/console/api/sign-in/options');
  }

  async signIn(challengeId: string, response: unknown): Promise<ConsoleSession | null> {
    return this.remember(await this.request<ConsoleSession>('POST', '/console/api/sign-in', { challengeId, response }));
  }

  /** Sign-in without the passkey: the authenticator app's code, or a recovery code. */
  async signInWithCode(path: string, email: string, code: string): Promise<ConsoleSession | null> {
    return this.remember(await this.request<ConsoleSession>('POST', path, { email, code: code.trim() }));
  }

  /** Whether single sign-on is offered, and the IdP's name for its button. */
  async signInMethods(): Promise<SignInMethods> {
    const res = await this.request<SignInMethods>('GET', '/console/api/sign-in/methods');
    return res.status === 200 ? res.body : { sso: null };
  }

  /** The single sign-on waiting in this browser for a second factor; null when there is none (any more). */
  async ssoPending(): Promise<SsoPending | null> {
    const res = await this.request<SsoPending>('GET', '/console/api/sso/pending');
    return res.status === 200 ? res.body : null;
  }

  /** Options to confirm a single sign-on with the member's passkey, or to create their first one. */
  async ssoOptions(step: 'passkey' | 'enrolment') {
    return this.request<PasskeyChallenge>('POST', `/console/api/sso/${step}/options`);
  }

  /** Confirms the waiting single sign-on (a passkey's answer, a new passkey, or a code): the session, or the refusal's status. */
  async ssoConfirm(step: 'passkey' | 'enrolment' | 'code', body: unknown): Promise<ConsoleSession | number> {
    const res = await this.request<ConsoleSession>('POST', `/console/api/sso/${step}`, body);
    return this.remember(res) ?? res.status;
  }

  async signOut(): Promise<void> {
    await this.request('DELETE', '/console/api/session');
  }
}
