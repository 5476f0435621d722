import { createApiClient, type ApiClient as ExtensionApiClient, type WordingShown } from '../../extension/shared/api-client.js';
import type { Preferences } from '../../contract/index.js';
import { seedContact, type TestServer, type ApiResponse } from '../support/server.js';
import type { TestSmtp, ReceivedMail } from '../support/smtp.js';
import { eventually } from '../support/mail.js';

let nextIp = 1;

/** What the extension sends with a change when it showed the current wording in English (`me.consentWording`). */
export const SHOWN_IN_ENGLISH: WordingShown = { wording: 'extension@1', locale: 'en' };

/**
 * The extension's side of the self-service API: the extension's own API client
 * (extension/shared/api-client.ts), from a client address of its own (X-Forwarded-For, with
 * TRUST_PROXY=loopback) so one test's rate-limit counts never touch another's. Each call answers
 * the raw HTTP answer the client received, for the tests to look at.
 */
export class SelfServiceClient {
  readonly ip = `198.51.${Math.floor(nextIp / 250)}.${(nextIp++ % 250) + 1}`;
  private readonly extension: ExtensionApiClient;
  private answered: Response | null = null;

  constructor(
    private readonly server: TestServer,
    public token: string | null = null,
  ) {
    this.extension = createApiClient({
      serverUrl: server.url,
      isOnline: () => true,
      fetch: async (input, init) => {
        const headers = new Headers(init?.headers);
        headers.set('x-forwarded-for', this.ip);
        const response = await fetch(input, { ...init, headers });
        this.answered = response.clone();
        return response;
      },
    });
  }

  /** Runs one of the extension client's calls and answers what came back over the wire. */
  private async through<T = any>(call: (client: ExtensionApiClient) => Promise<unknown>): Promise<ApiResponse<T>> {
    this.answered = null;
    await call(this.extension);
    const response = this.answered as Response | null;
    if (!response) throw new Error('the extension client did not reach the server');
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: (text && /json/.test(response.headers.get('content-type') ?? '') ? JSON.parse(text) : text) as T };
  }

  request<T = any>(method: string, path: string, json?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    return this.server.api.as(this.token).request<T>(method, path, {
      ...(json === undefined ? {} : { json }),
      headers: { 'x-forwarded-for': this.ip, ...headers },
    });
  }

  requestCode = (email: string) => this.through((client) => client.requestCode({ email, locale: 'en' }));
  signIn = (email: string, code: string) => this.through((client) => client.signIn({ email, code }));
  me = () => this.through((client) => client.getMe(this.token ?? ''));
  setPreferences = (preferences: Record<string, unknown>, shown: WordingShown = SHOWN_IN_ENGLISH) =>
    this.through((client) => client.updatePreferences(this.token ?? '', preferences as Preferences, shown));
  signOut = () => this.through((client) => client.signOut(this.token ?? ''));
  recentMessages = () => this.through((client) => client.recentMessages(this.token ?? ''));
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

/** A new contact and an extension client signed in as them through the emailed code. */
export async function signedInContact(server: TestServer, smtp: TestSmtp, email: string): Promise<{ id: string; ext: SelfServiceClient }> {
  const { contact } = await seedContact(server.api, email);
  const ext = new SelfServiceClient(server);
  await signInByMail(ext, smtp, email);
  return { id: contact.id as string, ext };
}
