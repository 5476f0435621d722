import crypto from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { schemas as s } from '../../contract/index.js';
import { problemResponses, type Endpoints, type Reply } from '../http/endpoints.js';
import type { RateLimitStores } from '../http/rate-limit-stores.js';
import { sendProblem, AppError } from '../http/problem.js';
import { failureLimiter } from '../http/failure-limiter.js';
import { ABSOLUTE_HOURS } from './staff-sessions.js';
import type { StaffConsole } from './staff-console.js';

export interface ConsoleCookie {
  /** `__Host-console` over HTTPS (Secure, this host only), `console_session` in development over HTTP. */
  name: string;
  secure: boolean;
}

export const consoleCookie = (publicUrl: string, production: boolean): ConsoleCookie => {
  const secure = production || publicUrl.startsWith('https:');
  return { name: secure ? '__Host-console' : 'console_session', secure };
};

/** The console's cookie from a request, if any. */
export function cookieOf(req: Request, cookie: ConsoleCookie): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === cookie.name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

const setCookie = (cookie: ConsoleCookie, value: string, maxAgeSeconds: number) =>
  `${cookie.name}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${cookie.secure ? '; Secure' : ''}`;

/** The Set-Cookie of a session just started (any way of signing in). */
export const sessionCookie = (cookie: ConsoleCookie, value: string) => setCookie(cookie, value, ABSOLUTE_HOURS * 3600);

/** The sign-in limits, shared by every way of signing in (single sign-on's routes too). */
export interface ConsoleLimits {
  /** Refused sign-ins per client address. */
  attempts: RequestHandler;
  /** Challenges stored per client address. */
  challenges: RequestHandler;
}

const TAG = 'Staff console';

/**
 * The console's own sign-in API: enrolment from a one-time link, passkey sign-in, the session and
 * sign-out. Everything else the console does goes through the admin API, with the session cookie
 * in place of an API key, so roles hold exactly as they do there.
 */
export function registerConsoleRoutes(api: Endpoints, staff: StaffConsole, cookie: ConsoleCookie, limits: RateLimitStores): ConsoleLimits {
  // Refused sign-ins (a wrong passkey answer, code or link): 30 per 15 minutes per client address;
  // people who sign in fine are never counted.
  const attempts = failureLimiter({
    store: limits('console-sign-in-failures'),
    windowMs: 15 * 60_000,
    limit: 30,
    failedStatus: 401,
    refuse: (_req, res) => sendProblem(res, new AppError(429, 'rate-limited', 'Too many requests.', 'Too many refused sign-ins from this network: wait a few minutes.')),
  });
  // Each options call stores a challenge: plenty for people, a ceiling for a script.
  const challenges = rateLimit({
    store: limits('console-challenges'),
    windowMs: 15 * 60_000,
    limit: 300,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, res) => sendProblem(res, new AppError(429, 'rate-limited', 'Too many requests.', 'Wait a few minutes before trying again.')),
  });
  // A code is six digits: ten tries per address in 15 minutes, whatever the client address.
  const perAddress = rateLimit({
    store: limits('console-codes-per-address'),
    windowMs: 15 * 60_000,
    limit: 10,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => crypto.createHash('sha256').update(String((req.body as { email?: unknown }).email ?? '').trim().toLowerCase()).digest('hex'),
    handler: (_req, res) => sendProblem(res, new AppError(429, 'rate-limited', 'Too many requests.', 'Too many codes for this address: wait 15 minutes.')),
  });
  const signedIn = (result: { cookie: string; session: unknown }, status: number): Reply => ({
    status,
    body: result.session,
    headers: { 'Set-Cookie': sessionCookie(cookie, result.cookie) },
  });

  api.route(
    {
      method: 'post',
      path: '/console/api/enrolment/options',
      summary: 'Start creating a passkey from a one-time enrolment link',
      tag: TAG,
      auth: { anyone: true },
      body: { json: s.enrolmentOptionsRequest, limit: '1kb' },
      limits: [challenges],
      responses: { 200: { description: 'WebAuthn creation options', schema: s.passkeyChallenge }, ...problemResponses(400, 404, 429) },
    },
    async ({ body }) => ({ status: 200, body: await staff.enrolmentOptions(body.token) }),
  );
  api.route(
    {
      method: 'post',
      path: '/console/api/enrolment',
      summary: 'Keep the new passkey (user verification required), use the link up, and sign in',
      tag: TAG,
      auth: { anyone: true },
      body: { json: s.enrolmentRequest, limit: '32kb' },
      limits: [attempts],
      responses: { 201: { description: 'Signed in; the session cookie is set', schema: s.consoleSession }, ...problemResponses(400, 401, 404, 429) },
    },
    async ({ body }) => signedIn(await staff.enrol(body.token, body.challengeId, body.response), 201),
  );
  api.route(
    {
      method: 'post',
      path: '/console/api/sign-in/options',
      summary: 'Start a passkey sign-in',
      tag: TAG,
      auth: { anyone: true },
      limits: [challenges],
      responses: { 200: { description: 'WebAuthn request options', schema: s.passkeyChallenge }, ...problemResponses(429) },
    },
    async () => ({ status: 200, body: await staff.signInOptions() }),
  );
  api.route(
    {
      method: 'post',
      path: '/console/api/sign-in',
      summary: 'Sign in with a passkey (user verification required: the device plus its PIN or biometric)',
      tag: TAG,
      auth: { anyone: true },
      body: { json: s.passkeySignIn, limit: '32kb' },
      limits: [attempts],
      responses: { 200: { description: 'Signed in; the session cookie is set', schema: s.consoleSession }, ...problemResponses(400, 401, 403, 429) },
    },
    async ({ body }) => signedIn(await staff.signIn(body.challengeId, body.response), 200),
  );
  api.route(
    {
      method: 'post',
      path: '/console/api/sign-in/code',
      summary: 'Sign in with an authenticator app’s code when the passkey is not at hand (each code works once)',
      tag: TAG,
      auth: { anyone: true },
      body: { json: s.codeSignIn, limit: '1kb' },
      limits: [attempts, perAddress],
      responses: { 200: { description: 'Signed in; the session cookie is set', schema: s.consoleSession }, ...problemResponses(400, 401, 429) },
    },
    async ({ body }) => signedIn(await staff.signInWithCode(body.email, body.code), 200),
  );
  api.route(
    {
      method: 'post',
      path: '/console/api/sign-in/recovery',
      summary: 'Sign in with a one-time recovery code',
      tag: TAG,
      auth: { anyone: true },
      body: { json: s.recoverySignIn, limit: '1kb' },
      limits: [attempts, perAddress],
      responses: { 200: { description: 'Signed in; the session cookie is set', schema: s.consoleSession }, ...problemResponses(400, 401, 429) },
    },
    async ({ body }) => signedIn(await staff.signInWithRecovery(body.email, body.code), 200),
  );
  api.route(
    {
      method: 'post',
      path: '/console/api/authenticator',
      summary: 'Start setting up an authenticator app for the signed-in member (X-CSRF-Token required)',
      tag: TAG,
      auth: { anyone: true },
      responses: { 200: { description: 'The secret and its otpauth:// URI', schema: s.authenticatorSetup }, ...problemResponses(401, 403) },
    },
    async ({ req }) => ({ status: 200, body: await staff.setUpAuthenticator(cookieOf(req, cookie), req.get('x-csrf-token')) }),
  );
  api.route(
    {
      method: 'post',
      path: '/console/api/authenticator/confirm',
      summary: 'Turn the app on with its first code; answers the recovery codes, this once (X-CSRF-Token required)',
      tag: TAG,
      auth: { anyone: true },
      body: { json: s.authenticatorConfirm, limit: '1kb' },
      responses: { 200: { description: 'The recovery codes', schema: s.recoveryCodes }, ...problemResponses(400, 401, 403) },
    },
    async ({ req, body }) => ({ status: 200, body: await staff.confirmAuthenticator(cookieOf(req, cookie), req.get('x-csrf-token'), body.code) }),
  );
  api.route(
    {
      method: 'get',
      path: '/console/api/session',
      summary: 'Who is signed in, and the CSRF token to send with every change',
      tag: TAG,
      auth: { anyone: true },
      responses: { 200: { description: 'The session', schema: s.consoleSession }, ...problemResponses(404) },
    },
    async ({ req }) => ({ status: 200, body: await staff.session(cookieOf(req, cookie)) }),
  );
  api.route(
    {
      method: 'delete',
      path: '/console/api/session',
      summary: 'Sign out (X-CSRF-Token required)',
      tag: TAG,
      auth: { anyone: true },
      responses: { 204: { description: 'Signed out; the cookie is cleared' }, ...problemResponses(403) },
    },
    async ({ req }) => {
      await staff.signOut(cookieOf(req, cookie), req.get('x-csrf-token'));
      return { status: 204, headers: { 'Set-Cookie': setCookie(cookie, '', 0) } };
    },
  );
  return { attempts, challenges };
}
