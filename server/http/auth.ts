import type { RequestHandler } from 'express';
import type { Store } from 'express-rate-limit';
import { failureLimiter } from './failure-limiter.js';
import { AppError, sendProblem } from './problem.js';

export const ROLES = ['admin', 'sender', 'support'] as const;
export type Role = (typeof ROLES)[number];

export interface Caller {
  /** The API key's id; `bootstrap` for ADMIN_API_KEY. */
  keyId: string;
  role: Role;
}

export type ApiKeyResolver = (presented: string) => Promise<Caller | null>;

/** Who is calling, from `Authorization: Bearer <key>`; 401 if nobody valid. */
export function authenticate(resolve: ApiKeyResolver): RequestHandler {
  return async (req, res, next) => {
    const match = /^Bearer ([\x21-\x7e]{1,512})$/.exec(req.get('authorization') ?? '');
    const caller = match ? await resolve(match[1]!) : null;
    if (!caller) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      throw new AppError(401, 'unauthorized', 'Authentication required.', 'Send a valid API key as a Bearer token.');
    }
    res.locals.caller = caller;
    next();
  };
}

/** `admin` may do everything; other roles only what a route lists. */
export function requireRole(allowed: Role[]): RequestHandler {
  return (_req, res, next) => {
    const caller = res.locals.caller as Caller | undefined;
    if (!caller) throw new AppError(401, 'unauthorized', 'Authentication required.');
    if (caller.role !== 'admin' && !allowed.includes(caller.role)) {
      throw new AppError(403, 'forbidden', 'Your API key may not do this.', `The ${caller.role} role is not allowed here.`);
    }
    next();
  };
}

/** Counts only rejected keys (401) per client address, so a valid caller never trips it. */
export function failedAuthLimiter(options: { limit: number; windowMs: number; store: Store }): RequestHandler {
  return failureLimiter({
    ...options,
    failedStatus: 401,
    refuse: (_req, res) => sendProblem(res, new AppError(429, 'rate-limited', 'Too many failed attempts.', 'Wait before trying another key.')),
  });
}
