import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { z } from 'zod';
import type { Problem } from '../../contract/index.js';
import { DomainError, type FailureKind, type FieldError, type ProblemExtensions } from '../errors.js';

export type { FieldError } from '../errors.js';

/** An error of the HTTP layer itself (media type, size, key, role): a status and what to tell the caller (RFC 9457). */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldError[],
    /** For 429 and 503: when to try again (the Retry-After header). */
    readonly retryAfterSeconds?: number,
    readonly extensions?: ProblemExtensions,
  ) {
    super(detail ?? title);
  }
}

export const badRequest = (detail: string, errors?: FieldError[]) =>
  new AppError(400, 'validation', 'Your request is not valid.', detail, errors);
export const notFound = (what = 'resource') => new AppError(404, 'not-found', 'Not found.', `No such ${what}.`);

/** The one place a domain failure becomes an HTTP status. */
const STATUS: Record<FailureKind, number> = { invalid: 400, unauthorized: 401, forbidden: 403, 'not-found': 404, conflict: 409, 'too-many': 429, upstream: 502 };

export const fromDomain = (error: DomainError) =>
  new AppError(STATUS[error.kind], error.code, error.title, error.detail, error.fields, error.retryAfterSeconds, error.extensions);

export function pointer(path: readonly PropertyKey[]): string {
  return '#' + path.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

export function zodFieldErrors(error: z.ZodError, prefix: PropertyKey[] = []): FieldError[] {
  return error.issues.flatMap((issue): FieldError[] => {
    const at = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ pointer: pointer([...at, key]), detail: 'Unknown field.' }));
    }
    if (issue.code === 'invalid_type' && issue.input === undefined) {
      return [{ pointer: pointer(at), detail: 'Required.' }];
    }
    return [{ pointer: pointer(at), detail: issue.message }];
  });
}

export function sendProblem(res: Response, error: AppError): void {
  if (error.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(error.retryAfterSeconds));
  const body: Problem = {
    type: `/problems/${error.slug}`,
    title: error.title,
    status: error.status,
    ...(error.detail ? { detail: error.detail } : {}),
    ...(error.errors ? { errors: error.errors } : {}),
    ...error.extensions,
  };
  res.status(error.status).type('application/problem+json').json(body);
}

// body-parser reports its failures with a `type`; each becomes a precise 4xx.
const bodyParserErrors: Record<string, () => AppError> = {
  'entity.parse.failed': () => new AppError(400, 'malformed-body', 'The body is not valid JSON.', 'Check the JSON syntax.'),
  'entity.too.large': () => new AppError(413, 'too-large', 'The body is too large.'),
  'encoding.unsupported': () => new AppError(415, 'unsupported-media-type', 'Unsupported content encoding.'),
  'charset.unsupported': () => new AppError(415, 'unsupported-media-type', 'Unsupported charset.'),
  'request.aborted': () => new AppError(400, 'aborted', 'The request was aborted.'),
  'request.size.invalid': () => new AppError(400, 'malformed-body', 'The body does not match its Content-Length.'),
};

export function isDatabaseUnavailable(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code ?? '';
  const message = error instanceof Error ? error.message : '';
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P03', '08006', '08001', '08003', 'SQLITE_BUSY'].includes(code) ||
    /Connection terminated|timeout exceeded when trying to connect/i.test(message)
  );
}

export const problemHandler: ErrorRequestHandler = (error, req, res, _next) => {
  if (res.headersSent) return;
  if (error instanceof AppError) return sendProblem(res, error);
  if (error instanceof DomainError) return sendProblem(res, fromDomain(error));
  if (error instanceof z.ZodError) return sendProblem(res, badRequest('Some fields are not valid.', zodFieldErrors(error)));
  const type = (error as { type?: string }).type;
  const known = type ? bodyParserErrors[type] : undefined;
  if (known) return sendProblem(res, known());
  if (isDatabaseUnavailable(error)) {
    req.log?.warn({ err: { code: (error as { code?: string }).code } }, 'database unavailable');
    res.setHeader('Retry-After', '5');
    return sendProblem(res, new AppError(503, 'unavailable', 'The service is briefly unavailable.', 'Try again in a few seconds.'));
  }
  req.log?.error({ err: error }, 'unhandled error');
  sendProblem(res, new AppError(500, 'internal', 'Something went wrong on our side.'));
};

export const notFoundHandler: RequestHandler = (_req, res) => sendProblem(res, new AppError(404, 'not-found', 'Not found.'));
