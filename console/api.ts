import type { ConsoleSession, PasskeyChallenge } from '../contract/index.js';

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

  async signOut(): Promise<void> {
    await this.request('DELETE', '/console/api/session');
  }
}
