import type { Request, Response } from 'express';
import { schemas as s } from '../../contract/index.js';
import { problemResponses, type Endpoints, type Reply } from '../http/endpoints.js';
import { AppError } from '../http/problem.js';
import { DomainError } from '../errors.js';
import { cookieOf, sessionCookie, type ConsoleCookie, type ConsoleLimits } from './console-routes.js';
import type { StaffSso } from './sso.js';

const TAG = 'Staff console';
const NO_STORE = { 'Cache-Control': 'no-store' };
const LOGIN_SECONDS = 10 * 60;

/**
 * The browser's tie to its single sign-on login. `SameSite=Lax`, not Strict: the IdP sends the
 * browser back by a cross-site top-level navigation, which a Strict cookie would not follow.
 */
const bindingCookie = (cookie: ConsoleCookie): ConsoleCookie => ({ name: cookie.secure ? '__Host-console-sso' : 'console_sso', secure: cookie.secure });
const setBinding = (cookie: ConsoleCookie, value: string, maxAgeSeconds: number) =>
  `${cookie.name}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${cookie.secure ? '; Secure' : ''}`;

const redirect = (location: string): Reply => ({ status: 302, headers: { ...NO_STORE, Location: location } });
const ssoOff = () => new AppError(404, 'sso-off', 'Single sign-on is not set up.', 'Sign in with a passkey.');

/**
 * Single sign-on's routes: the start and the IdP's return (browser navigations, answered by
 * redirects), and the console's JSON calls for the second factor. Every route exists whether or
 * not single sign-on is set up (404 `sso-off` when it is not), so the API is the same everywhere.
 */
export function registerSsoRoutes(api: Endpoints, sso: StaffSso | null, cookie: ConsoleCookie, limits: ConsoleLimits, publicUrl: string): void {
  const binding = bindingCookie(cookie);
  const bindingOf = (req: Request) => cookieOf(req, binding);
  const enabled = () => {
    if (!sso) throw ssoOff();
    return sso;
  };
  /** Signed in: the session cookie set, the login's cookie cleared. */
  const signedIn = (res: Response, result: { cookie: string; session: unknown }, status: number): Reply => {
    res.append('Set-Cookie', sessionCookie(cookie, result.cookie));
    res.append('Set-Cookie', setBinding(binding, '', 0));
    return { status, body: result.session };
  };

  api.route(
    {
      method: 'get',
      path: '/console/api/sign-in/methods',
      summary: 'How staff may sign in besides a passkey: single sign-on and its button’s words, when set up',
      tag: TAG,
      auth: { anyone: true },
      responses: { 200: { description: 'The sign-in methods', schema: s.signInMethods } },
    },
    async () => ({ status: 200, body: { sso: sso ? { label: sso.label } : null } }),
  );
  api.route(
    {
      method: 'get',
      path: '/console/sso',
      summary: 'Start a single sign-on: 302 to the identity provider, the login bound to this browser by a short-lived cookie',
      tag: TAG,
      auth: { anyone: true },
      answers: 'html',
      limits: [limits.challenges],
      responses: { 302: { description: 'To the identity provider (or back to /console?sso=unavailable)' }, ...problemResponses(404, 429) },
    },
    async ({ res }) => {
      try {
        const { binding: value, redirectTo } = await enabled().start();
        res.append('Set-Cookie', setBinding(binding, value, LOGIN_SECONDS));
        return redirect(redirectTo);
      } catch (error) {
        if (error instanceof DomainError && error.kind === 'upstream') return redirect('/console?sso=unavailable');
        throw error;
      }
    },
  );
  api.route(
    {
      method: 'get',
      path: '/console/sso/callback',
      summary: 'The identity provider’s answer: signed in, asked for a second factor, or refused (each a 302 to the console)',
      tag: TAG,
      auth: { anyone: true },
      answers: 'html',
      limits: [limits.challenges],
      responses: { 302: { description: 'To /console, /console?sso=second-factor or /console?sso=<refusal>' }, ...problemResponses(404, 429) },
    },
    async ({ req, res }) => {
      const callbackUrl = new URL(`${publicUrl}/console/sso/callback${new URL(req.originalUrl, 'http://callback').search}`);
      const outcome = await enabled().callback(bindingOf(req), callbackUrl);
      if (outcome.kind === 'second-factor') return redirect('/console?sso=second-factor');
      if (outcome.kind === 'signed-in') {
        res.append('Set-Cookie', sessionCookie(cookie, outcome.signedIn.cookie));
        res.append('Set-Cookie', setBinding(binding, '', 0));
        return redirect('/console');
      }
      res.append('Set-Cookie', setBinding(binding, '', 0));
      return redirect(`/console?sso=${outcome.reason}`);
    },
  );
  api.route(
    {
      method: 'get',
      path: '/console/api/sso/pending',
      summary: 'The single sign-on waiting in this browser for a second factor: who, and whether they have a passkey or an authenticator app',
      tag: TAG,
      auth: { anyone: true },
      responses: { 200: { description: 'The login waiting', schema: s.ssoPending }, ...problemResponses(401, 404) },
    },
    async ({ req }) => ({ status: 200, body: await enabled().pending(bindingOf(req)) }),
  );
  api.route(
    {
      method: 'post',
      path: '/console/api/sso/passkey/options',
      summary: 'Start confirming a single sign-on with the member’s own passkey',
      tag: TAG,
      auth: { anyone: true },
      limits: [limits.challenges],
      responses: { 200: { description: 'WebAuthn request options for this member’s passkeys', schema: s.passkeyChallenge }, ...problemResponses(401, 404, 429) },
    },
    async ({ req }) => ({ status: 200, body: await enabled().passkeyOptions(bindingOf(req)) }),
  );
  api.route(
    {
      method: 'post',
      path: '/console/api/sso/passkey',
      summary: 'Confirm a single sign-on with the member’s passkey (another member’s is refused)',
      tag: TAG,
      auth: { anyone: true },
      body: { json: s.passkeySignIn, limit: '32kb' },
      limits: [limits.attempts],
      responses: { 200: { description: 'Signed in; the session cookie is set', schema: s.consoleSession }, ...problemResponses(400, 401, 404, 429) },
    },
    async ({ req, res, body }) => signedIn(res, await enabled().confirmWithPasskey(bindingOf(req), body.challengeId, body.response), 200),
  );
  api.route(
    {
      method: 'post',
      path: '/console/api/sso/code',
      summary: 'Confirm a single sign-on with the authenticator app’s code or a recovery code',
      tag: TAG,
      auth: { anyone: true },
      body: { json: s.ssoCode, limit: '1kb' },
      limits: [limits.attempts],
      responses: { 200: { description: 'Signed in; the session cookie is set', schema: s.consoleSession }, ...problemResponses(400, 401, 404, 429) },
    },
    async ({ req, res, body }) => signedIn(res, await enabled().confirmWithCode(bindingOf(req), body.code), 200),
  );
  api.route(
    {
      method: 'post',
      path: '/console/api/sso/enrolment/options',
      summary: 'For a member with neither a passkey nor an authenticator app: start creating a passkey that confirms the single sign-on',
      tag: TAG,
      auth: { anyone: true },
      limits: [limits.challenges],
      responses: { 200: { description: 'WebAuthn creation options', schema: s.passkeyChallenge }, ...problemResponses(401, 403, 404, 429) },
    },
    async ({ req }) => ({ status: 200, body: await enabled().enrolmentOptions(bindingOf(req)) }),
  );
  api.route(
    {
      method: 'post',
      path: '/console/api/sso/enrolment',
      summary: 'Keep the member’s first passkey (user verification required), which confirms the single sign-on',
      tag: TAG,
      auth: { anyone: true },
      body: { json: s.passkeySignIn, limit: '32kb' },
      limits: [limits.attempts],
      responses: { 201: { description: 'Signed in; the session cookie is set', schema: s.consoleSession }, ...problemResponses(400, 401, 403, 404, 429) },
    },
    async ({ req, res, body }) => signedIn(res, await enabled().enrol(bindingOf(req), body.challengeId, body.response), 201),
  );
}
