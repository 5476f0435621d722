import crypto from 'node:crypto';
import type { RequestHandler } from 'express';
import { rateLimit, type Store } from 'express-rate-limit';
import { failureLimiter } from '../http/failure-limiter.js';
import { AppError, sendProblem } from '../http/problem.js';

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
export const codeRequestsPerIp = (store: Store): RequestHandler =>
  rateLimit({
    store,
    windowMs: WINDOW_MS,
    limit: SIGN_IN_LIMITS.codesPerIp,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, res) => sendProblem(res, refuse('Wait before asking for another code.')),
  });

/**
 * Per email address, keyed by a hash of the normalized address (`res.locals.email`, set by the
 * body check before this runs), so the limiter's memory never holds an address.
 */
export const codeRequestsPerAddress = (store: Store): RequestHandler =>
  rateLimit({
    store,
    windowMs: WINDOW_MS,
    limit: SIGN_IN_LIMITS.codesPerAddress,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (_req, res) => crypto.createHash('sha256').update(String(res.locals.email)).digest('hex'),
    handler: (_req, res) => sendProblem(res, refuse('Wait before asking for another code for this address.')),
  });

/** Counts only refused codes, so people who type their code right never trip it. */
export const failedSignInsPerIp = (store: Store): RequestHandler =>
  failureLimiter({
    store,
    windowMs: WINDOW_MS,
    limit: SIGN_IN_LIMITS.failedSignInsPerIp,
    failedStatus: 401,
    refuse: (_req, res) => sendProblem(res, refuse('Too many wrong codes from this network. Wait before trying again.')),
  });
