import type { RequestHandler } from 'express';
import type { Store } from 'express-rate-limit';
import { failureLimiter } from './failure-limiter.js';
import { AppError, sendProblem } from './problem.js';

/** Counts only rejected keys (401) per client address, so a valid caller never trips it. */
export function failedAuthLimiter(options: { limit: number; windowMs: number; store: Store }): RequestHandler {
  return failureLimiter({
    ...options,
    failedStatus: 401,
    refuse: (_req, res) => sendProblem(res, new AppError(429, 'rate-limited', 'Too many failed attempts.', 'Wait before trying another key.')),
  });
}
