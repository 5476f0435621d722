import type { Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, type Options, type Store } from 'express-rate-limit';

/**
 * Limits failures (answers with `failedStatus`) per client address, and counts nothing else.
 * express-rate-limit's `skipSuccessfulRequests` counts every request first and takes the
 * successful ones back afterwards, so a burst of valid concurrent calls from one integration
 * would be refused; here only a finished failure counts, kept in an express-rate-limit store.
 */
export function failureLimiter(options: {
  limit: number;
  windowMs: number;
  failedStatus: number;
  refuse: (req: Request, res: Response) => void;
  store: Store;
}): RequestHandler {
  const { store } = options;
  void store.init?.({ windowMs: options.windowMs } as Options);
  return async (req, res, next) => {
    const key = ipKeyGenerator(req.ip ?? '');
    const seen = await store.get?.(key);
    if (seen && seen.totalHits >= options.limit) {
      const seconds = Math.max(1, Math.ceil(((seen.resetTime?.getTime() ?? Date.now()) - Date.now()) / 1000));
      res.setHeader('Retry-After', String(seconds));
      return options.refuse(req, res);
    }
    res.on('finish', () => {
      // Counted after the answer: a count lost while the database is away only loosens the limit.
      if (res.statusCode === options.failedStatus) Promise.resolve(store.increment(key)).catch(() => {});
    });
    next();
  };
}
