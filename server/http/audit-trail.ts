import type { RequestHandler } from 'express';
import { safePath } from './request-log.js';

export interface AuditedCall {
  keyId: string;
  action: string;
  target: string | null;
  outcome: number;
  requestId: string | null;
  detail: string | null;
}

/**
 * Records each admin-API call made with a valid key once its answer is sent; routes name their
 * action in `res.locals.audit`. Calls without a valid key are only counted: a stranger cannot grow
 * a table that is kept a year, nor choose what its rows say.
 */
export function auditTrail(hooks: {
  record: (call: AuditedCall) => Promise<void>;
  onUnauthenticated: (status: number) => void;
  onError: (error: unknown) => void;
}): RequestHandler {
  return (req, res, next) => {
    res.on('finish', () => {
      const caller = res.locals.caller;
      if (!caller) return hooks.onUnauthenticated(res.statusCode);
      const audit = res.locals.audit;
      hooks
        .record({
          keyId: caller.keyId,
          action: audit?.action ?? `${req.method} ${safePath(req.originalUrl)}`,
          target: audit?.target ?? null,
          outcome: res.statusCode,
          requestId: typeof req.id === 'string' ? req.id : null,
          detail: audit?.detail ?? null,
        })
        .catch(hooks.onError);
    });
    next();
  };
}
