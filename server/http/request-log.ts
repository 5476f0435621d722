import crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';

declare module 'node:http' {
  interface IncomingMessage {
    /** The request's id: the caller's X-Request-Id when it is a sane one, else a new UUID; sent back as X-Request-Id. */
    id?: string;
    /** Logs with the request's id, method and masked path. */
    log?: Logger;
  }
}

/** The path without its query string, and with anything shaped like a token or address masked. */
export function safePath(url: string): string {
  const pathOnly = url.split('?')[0] ?? '';
  return pathOnly
    .split('/')
    .map((segment) => {
      const decoded = safeDecode(segment);
      if (decoded.includes('@')) return ':email';
      if (/^[\w-]+\.[\w-]+\.[\w-]*$/.test(decoded) || decoded.length > 64) return ':token';
      return segment;
    })
    .join('/');
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * One line per request once it is answered: `request completed` (or `aborted`), `request errored`
 * at 500 and over, with the request's id, method and masked path, the status and the time taken.
 * The request's own logger (`req.log`, for what is logged while answering) is made only when
 * something uses it: building one for every request cost more than many a whole answer.
 */
export function httpLogger(logger: Logger) {
  return (req: IncomingMessage & { originalUrl?: string }, res: ServerResponse, next: () => void) => {
    const started = Date.now();
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && /^[\w.-]{8,64}$/.test(incoming) ? incoming : crypto.randomUUID();
    res.setHeader('X-Request-Id', id);
    req.id = id;
    const fields = () => ({ id, method: req.method, path: safePath(req.originalUrl ?? req.url ?? '') });
    let requestLogger: Logger | undefined;
    Object.defineProperty(req, 'log', { configurable: true, get: () => (requestLogger ??= logger.child({ req: fields() })) });
    const answered = (error?: Error) => {
      res.off('finish', answered);
      res.off('close', answered);
      res.off('error', answered);
      const failure = error ?? (res.statusCode >= 500 ? new Error(`failed with status code ${res.statusCode}`) : undefined);
      const level = failure ? 'error' : 'info';
      if (!logger.isLevelEnabled(level)) return;
      const line = { req: fields(), res: { statusCode: res.statusCode }, ...(failure ? { err: failure } : {}), responseTime: Date.now() - started };
      logger[level](line, failure ? 'request errored' : !req.readableAborted && res.writableEnded ? 'request completed' : 'request aborted');
    };
    res.on('finish', answered);
    res.on('close', answered);
    res.on('error', answered);
    next();
  };
}
