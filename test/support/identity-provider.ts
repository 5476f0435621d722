// A real OpenID Connect provider (`oidc-provider`) on loopback for the console's single sign-on:
// one confidential client, accounts whose claims (email, roles) and `amr` each test sets, and a
// one-field sign-in page in place of a password form.
import crypto from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface TestAccount {
  email?: string;
  preferred_username?: string;
  roles?: string | string[];
  amr?: string[];
}

export interface TestIdp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Who each login name is; a name not here is refused by the sign-in page. */
  accounts: Map<string, TestAccount>;
  /** Creates the provider with the console's redirect URI, known once the console listens. */
  register(redirectUri: string): void;
  /** What the browser does at the IdP, by fetch: from the authorization URL to the callback URL it is sent back to. */
  signInByFetch(authorizationUrl: string, login: string): Promise<string>;
  close(): Promise<void>;
}

const page = (body: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test identity provider</title></head><body><main>${body}</main></body></html>`;

async function formBody(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export async function startIdp(): Promise<TestIdp> {
  const accounts = new Map<string, TestAccount>();
  const clientId = 'console';
  const clientSecret = crypto.randomBytes(32).toString('base64url');
  let provider: Provider | null = null;

  /** The sign-in page: a login name, then both login and consent are given (with the account's amr). */
  async function interaction(req: IncomingMessage, res: ServerResponse, uid: string) {
    const details = await provider!.interactionDetails(req, res);
    if (req.method === 'GET') {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      return res.end(page(`<h1>Sign in</h1><form method="post" action="/interaction/${uid}"><label>User name <input name="login" autofocus></label><button type="submit">Continue</button></form>`));
    }
    const login = (await formBody(req)).get('login') ?? '';
    const account = accounts.get(login);
    if (!account) {
      res.statusCode = 403;
      return res.end(page('<p>Unknown user.</p>'));
    }
    const grant = new provider!.Grant({ accountId: login, clientId: String(details.params.client_id) });
    grant.addOIDCScope(String(details.params.scope));
    const grantId = await grant.save();
    await provider!.interactionFinished(req, res, { login: { accountId: login, ...(account.amr ? { amr: account.amr } : {}) }, consent: { grantId } }, { mergeWithLastSubmission: false });
  }

  const server = http.createServer((req, res) => {
    if (!provider) {
      res.statusCode = 503;
      return res.end();
    }
    const uid = /^\/interaction\/([\w-]+)$/.exec(new URL(req.url ?? '/', 'http://idp').pathname)?.[1];
    if (uid) {
      interaction(req, res, uid).catch((error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      });
      return;
    }
    provider.callback()(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const signingKey = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });

  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    register(redirectUri) {
      provider = new Provider(issuer, {
        clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: [redirectUri], response_types: ['code'], grant_types: ['authorization_code'], token_endpoint_auth_method: 'client_secret_post' }],
        jwks: { keys: [{ ...signingKey, kid: 'test', use: 'sig', alg: 'RS256' } as never] },
        cookies: { keys: [crypto.randomBytes(32).toString('base64url')] },
        // Roles ride in the ID token as Entra ID's app roles do, whatever the scope.
        claims: { openid: ['sub', 'roles', 'amr'], email: ['email'], profile: ['preferred_username'] },
        conformIdTokenClaims: false,
        ttl: { AuthorizationCode: 60, AccessToken: 600, IdToken: 600, Interaction: 600, Grant: 600, Session: 600 },
        features: { devInteractions: { enabled: false } },
        interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
        findAccount: (_ctx, id) => {
          const account = accounts.get(id);
          if (!account) return undefined;
          const { amr: _amr, ...claims } = account;
          return { accountId: id, claims: () => ({ sub: id, ...claims }) };
        },
      });
    },
    async signInByFetch(authorizationUrl, login) {
      const jar = new Map<string, string>();
      const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
      const keep = (res: Response) => {
        for (const line of res.headers.getSetCookie()) {
          const [pair] = line.split(';');
          const at = pair!.indexOf('=');
          jar.set(pair!.slice(0, at), pair!.slice(at + 1));
        }
      };
      let url = authorizationUrl;
      let init: RequestInit = {};
      for (let hop = 0; hop < 10; hop++) {
        const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie: cookieHeader() } });
        keep(res);
        const location = res.headers.get('location');
        if (location && new URL(location, url).origin !== issuer) return new URL(location, url).toString();
        if (location) {
          url = new URL(location, url).toString();
          init = {};
        } else if (res.status === 200 && url.includes('/interaction/')) {
          await res.text();
          init = { method: 'POST', body: new URLSearchParams({ login }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } };
        } else {
          throw new Error(`the identity provider answered ${res.status} at ${url}: ${await res.text()}`);
        }
      }
      throw new Error('too many redirects at the identity provider');
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
