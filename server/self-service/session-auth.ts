import type { RequestHandler, Response } from 'express';
import { AppError } from '../http/problem.js';
import type { ActiveSession } from './sessions.js';

/** `Authorization: Bearer <session token>` → `res.locals.session`; 401 unless the session is live. */
export function requireSession(resolve: (token: string) => Promise<ActiveSession | null>): RequestHandler {
  return async (req, res, next) => {
    const match = /^Bearer ([\x21-\x7e]{1,2048})$/.exec(req.get('authorization') ?? '');
    const session = match ? await resolve(match[1]!) : null;
    if (!session) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      throw new AppError(401, 'unauthorized', 'Sign in again.', 'The session is missing, expired or signed out.');
    }
    res.locals.session = session;
    next();
  };
}

export const sessionOf = (res: Response): ActiveSession => res.locals.session as ActiveSession;
