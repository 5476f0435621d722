import type { TestServer, ApiResponse } from '../support/server.js';
import type { TestSmtp, ReceivedMail } from '../support/smtp.js';
import { eventually } from '../support/mail.js';

let nextIp = 1;

/**
 * The extension's side of the self-service API, from its own client address (X-Forwarded-For,
 * with TRUST_PROXY=loopback), so one test's rate-limit counts never touch another's.
 */
export class SelfServiceClient {
  readonly ip = `198.51.${Math.floor(nextIp / 250)}.${(nextIp++ % 250) + 1}`;

  constructor(
    private readonly server: TestServer,
    public token: string | null = null,
  ) {}

  request<T = any>(method: string, path: string, json?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    return this.server.api.as(this.token).request<T>(method, path, {
      ...(json === undefined ? {} : { json }),
      headers: { 'x-forwarded-for': this.ip, ...headers },
    });
  }

  requestCode = (email: string) => this.request('POST', '/api/v1/session/code', { email, locale: 'en' });
  signIn = (email: string, code: string) => this.request('POST', '/api/v1/session', { email, code });
  me = () => this.request('GET', '/api/v1/me');
  setPreferences = (preferences: Record<string, unknown>) => this.request('PUT', '/api/v1/me/preferences', preferences);
  signOut = () => this.request('DELETE', '/api/v1/session');
}

/** The six digits of a sign-in code email (its text part). */
export function codeIn(mail: ReceivedMail): string {
  const match = /\b(\d{6})\b/.exec(mail.parsed.text ?? '');
  if (!match) throw new Error(`no code in: ${mail.parsed.text}`);
  return match[1]!;
}

/** Waits for the `n`-th (1-based) email to an address and returns it. */
export async function nthMailTo(smtp: TestSmtp, address: string, n: number): Promise<ReceivedMail> {
  const mails = await eventually(
    async () => smtp.to(address),
    (list) => list.length >= n,
  );
  return mails[n - 1]!;
}

/** Asks for a code, reads it from the real mail, signs in: the client now holds a session token. */
export async function signInByMail(client: SelfServiceClient, smtp: TestSmtp, email: string): Promise<{ code: string; token: string }> {
  const before = smtp.to(email).length;
  const sent = await client.requestCode(email);
  if (sent.status !== 202) throw new Error(`code request: ${sent.status}`);
  const code = codeIn(await nthMailTo(smtp, email, before + 1));
  const session = await client.signIn(email, code);
  if (session.status !== 200) throw new Error(`sign in: ${session.status} ${JSON.stringify(session.body)}`);
  client.token = session.body.token as string;
  return { code, token: client.token };
}
