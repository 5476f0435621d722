import crypto from 'node:crypto';
import type { RequestHandler } from 'express';
import { rateLimit, type Store } from 'express-rate-limit';
import { z } from 'zod';
import { schemas as s } from '../../contract/index.js';
import { normalizeEmail } from '../contacts/email-address.js';
import { problemResponses, type Endpoints } from '../http/endpoints.js';
import { failureLimiter } from '../http/failure-limiter.js';
import { originOf } from '../http/origin.js';
import { AppError, sendProblem } from '../http/problem.js';
import type { RateLimitStores } from '../http/rate-limit-stores.js';
import type { SelfService } from './self-service.js';

const WINDOW_MS = 15 * 60_000;

export const SIGN_IN_LIMITS = {
  /** Code requests per address (whether it is a contact's or not). */
  codesPerAddress: 5,
  /** Code requests per client address. */
  codesPerIp: 20,
  /** Refused codes (401) per client address, across all email addresses. */
  failedSignInsPerIp: 30,
  windowMinutes: WINDOW_MS / 60_000,
} as const;

const refuse = (detail: string) => new AppError(429, 'rate-limited', 'Too many requests.', detail);

/** Per client IP (Express `req.ip`, so behind a proxy set TRUST_PROXY). */
const codeRequestsPerIp = (store: Store): RequestHandler =>
  rateLimit({
    store,
    windowMs: WINDOW_MS,
    limit: SIGN_IN_LIMITS.codesPerIp,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, res) => sendProblem(res, refuse('Wait before asking for another code.')),
  });

/** Per email address, keyed by a hash of the normalized address, so the limiter never holds an address. */
const codeRequestsPerAddress = (store: Store): RequestHandler =>
  rateLimit({
    store,
    windowMs: WINDOW_MS,
    limit: SIGN_IN_LIMITS.codesPerAddress,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => crypto.createHash('sha256').update(String((req.body as { email: string }).email)).digest('hex'),
    handler: (_req, res) => sendProblem(res, refuse('Wait before asking for another code for this address.')),
  });

/** Counts only refused codes, so people who type their code right never trip it. */
const failedSignInsPerIp = (store: Store): RequestHandler =>
  failureLimiter({
    store,
    windowMs: WINDOW_MS,
    limit: SIGN_IN_LIMITS.failedSignInsPerIp,
    failedStatus: 401,
    refuse: (_req, res) => sendProblem(res, refuse('Too many wrong codes from this network. Wait before trying again.')),
  });

/** The body's address in its one stored form, or a 400 saying why it is not one. */
const withNormalEmail = <T extends { email: string }>(schema: z.ZodType<T>) =>
  schema.transform((body, ctx) => {
    const normalized = normalizeEmail(body.email);
    if (normalized.ok) return { ...body, email: normalized.email };
    ctx.addIssue({ code: 'custom', path: ['email'], message: normalized.reason });
    return z.NEVER;
  });

const TAG = 'Self-service (browser extension)';
const JSON_LIMIT = '16kb';

/**
 * The extension's API under /api/v1: sign in by emailed code, then the signed-in contact's own
 * data only (no id in any URL).
 */
export function registerSelfServiceRoutes(api: Endpoints, selfService: SelfService, limits: RateLimitStores): void {
  api.route(
    {
      method: 'post',
      path: '/api/v1/session/code',
      summary: 'Email a six-digit sign-in code to a contact; the same answer, in the same time, for an unknown address',
      tag: TAG,
      auth: { anyone: true },
      body: { json: withNormalEmail(s.signInCodeRequest), limit: JSON_LIMIT },
      limits: [codeRequestsPerIp(limits('codes-per-ip')), codeRequestsPerAddress(limits('codes-per-address'))],
      responses: { 202: { description: 'Sent if the address is a contact’s', schema: s.signInCodeSent }, ...problemResponses(400, 415, 429) },
    },
    async ({ body }) => {
      // The code mail goes in the contact's stored language, so the browser's `locale` is not needed here.
      selfService.sendCodeLater(body.email);
      return { status: 202, body: { status: 'sent' } };
    },
  );

  api.route(
    {
      method: 'post',
      path: '/api/v1/session',
      summary: 'Open a session with the emailed code (30 days)',
      tag: TAG,
      auth: { anyone: true },
      body: { json: withNormalEmail(s.sessionRequest), limit: JSON_LIMIT },
      limits: [failedSignInsPerIp(limits('failed-sign-ins-per-ip'))],
      responses: { 200: { description: 'The session', schema: s.session }, ...problemResponses(400, 401, 415, 429) },
    },
    async ({ body }) => ({ status: 200, body: await selfService.signIn(body.email, body.code) }),
  );

  api.route(
    {
      method: 'delete',
      path: '/api/v1/session',
      summary: 'Sign out: the session token stops working everywhere',
      tag: TAG,
      auth: { session: true },
      responses: { 204: { description: 'Signed out' } },
    },
    async ({ session }) => {
      await selfService.signOut(session.id);
      return { status: 204 };
    },
  );

  api.route(
    {
      method: 'get',
      path: '/api/v1/me',
      summary: 'The signed-in contact, the categories and its preferences',
      tag: TAG,
      auth: { session: true },
      responses: { 200: { description: 'The contact', schema: s.me } },
    },
    async ({ session }) => ({ status: 200, body: await selfService.me(session.contactId) }),
  );

  api.route(
    {
      method: 'patch',
      path: '/api/v1/me',
      summary: 'Correct one’s own name or language',
      tag: TAG,
      auth: { session: true },
      body: { json: s.meUpdate, limit: JSON_LIMIT },
      responses: { 200: { description: 'The contact', schema: s.me }, ...problemResponses(400, 415) },
    },
    async ({ session, body }) => ({ status: 200, body: await selfService.update(session.contactId, body) }),
  );

  api.route(
    {
      method: 'get',
      path: '/api/v1/me/export',
      summary: 'Everything held about the signed-in contact, as one JSON document',
      tag: TAG,
      auth: { session: true },
      responses: { 200: { description: 'The export', schema: s.myDataExport } },
    },
    async ({ session }) => ({
      status: 200,
      body: await selfService.export(session.contactId),
      headers: { 'Content-Disposition': 'attachment; filename="my-data.json"' },
    }),
  );

  api.route(
    {
      method: 'delete',
      path: '/api/v1/me',
      summary: 'Erase one’s own personal data; the session ends with it',
      tag: TAG,
      auth: { session: true },
      responses: { 200: { description: 'What was erased and kept', schema: s.erasureReceipt } },
    },
    async ({ session }) => ({ status: 200, body: await selfService.erase(session.contactId) }),
  );

  api.route(
    {
      method: 'put',
      path: '/api/v1/me/preferences',
      summary: 'Set some categories on or off (recorded with source extension and the wording shown); an express-only category is emailed for confirmation first',
      tag: TAG,
      auth: { session: true },
      body: { json: s.preferencesUpdate, limit: JSON_LIMIT },
      query: s.wordingShownQuery,
      responses: { 200: { description: 'The contact', schema: s.me }, ...problemResponses(400, 415) },
    },
    async ({ session, body, query, req }) => ({
      status: 200,
      body: await selfService.setPreferences(session.contactId, body, originOf(req, 'extension'), query),
    }),
  );

  api.route(
    {
      method: 'get',
      path: '/api/v1/me/organization',
      summary: 'For an organization lead: the organization’s defaults and locks, and who on its staff receives what',
      tag: TAG,
      auth: { session: true },
      responses: { 200: { description: 'The organization', schema: s.myOrganization }, ...problemResponses(403) },
    },
    async ({ session }) => ({ status: 200, body: await selfService.organization(session.contactId) }),
  );

  api.route(
    {
      method: 'put',
      path: '/api/v1/me/organization/policy',
      summary: 'For an organization lead: set the organization’s defaults and locks (never a person’s own choice); audited',
      tag: TAG,
      auth: { session: true },
      body: { json: s.organizationPolicyUpdate, limit: JSON_LIMIT },
      responses: { 200: { description: 'The organization', schema: s.myOrganization }, ...problemResponses(400, 403, 415) },
    },
    async ({ session, body, req }) => ({
      status: 200,
      body: await selfService.setOrganizationPolicy(session.contactId, body, originOf(req, 'organization-policy')),
    }),
  );

  api.route(
    {
      method: 'get',
      path: '/api/v1/me/muted-tickets',
      summary: 'The tickets the contact stopped hearing about, oldest first',
      tag: TAG,
      auth: { session: true },
      responses: { 200: { description: 'The muted tickets', schema: s.mutedTickets } },
    },
    async ({ session }) => ({ status: 200, body: await selfService.mutedTickets(session.contactId) }),
  );

  api.route(
    {
      method: 'get',
      path: '/api/v1/me/messages',
      summary: 'The contact’s last 30 emails, newest first: category, subject once sent, status, and why one was not sent (a code); never a body',
      tag: TAG,
      auth: { session: true },
      responses: { 200: { description: 'The latest messages', schema: s.myRecentMessages } },
    },
    async ({ session }) => ({ status: 200, body: await selfService.recentMessages(session.contactId) }),
  );

  api.route(
    {
      method: 'delete',
      path: '/api/v1/me/muted-tickets/:ticketId',
      summary: 'Unmute a ticket: its updates come again',
      tag: TAG,
      auth: { session: true },
      responses: { 204: { description: 'Unmuted' }, ...problemResponses(404) },
    },
    async ({ session, params }) => {
      await selfService.unmuteTicket(session.contactId, params.ticketId!);
      return { status: 204 };
    },
  );

  api.route(
    {
      method: 'put',
      path: '/api/v1/me/advisory-threshold',
      summary: 'Which security advisories to receive: all, high and critical, or critical only (recorded with source extension)',
      tag: TAG,
      auth: { session: true },
      body: { json: s.advisoryThresholdUpdate, limit: JSON_LIMIT },
      query: s.wordingShownQuery,
      responses: { 200: { description: 'The contact', schema: s.me }, ...problemResponses(400, 415) },
    },
    async ({ session, body, query, req }) => ({
      status: 200,
      body: await selfService.setAdvisoryThreshold(session.contactId, body.advisoryThreshold, originOf(req, 'extension'), query),
    }),
  );

  api.route(
    {
      method: 'put',
      path: '/api/v1/me/ticket-delivery',
      summary: 'Ticket updates at once, or in one email a day at 08:00 in the organization’s time zone (recorded with source extension)',
      tag: TAG,
      auth: { session: true },
      body: { json: s.ticketDeliveryUpdate, limit: JSON_LIMIT },
      query: s.wordingShownQuery,
      responses: { 200: { description: 'The contact', schema: s.me }, ...problemResponses(400, 415) },
    },
    async ({ session, body, query, req }) => ({
      status: 200,
      body: await selfService.setTicketDelivery(session.contactId, body.ticketDelivery, originOf(req, 'extension'), query),
    }),
  );
}
