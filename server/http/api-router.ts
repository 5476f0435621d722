import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import { AppError, badRequest, notFound, zodFieldErrors } from './problem.js';
import { isUuid } from '../store/ids.js';
import { requireRole, type Caller, type Role } from './auth.js';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteSpec<B extends z.ZodType, Q extends z.ZodType> {
  method: Method;
  /** Express path, e.g. `/contacts/:id`. */
  path: string;
  summary: string;
  tag: string;
  /** API-key roles allowed besides `admin`; `[]` means admin only. */
  roles: Role[];
  body?: B;
  /** The body media type when it is not JSON (the CSV import). */
  bodyType?: 'text/csv';
  query?: Q;
  responses: Record<number, { description: string; schema?: z.ZodType }>;
}

export interface HandlerInput<B, Q> {
  body: B;
  query: Q;
  params: Record<string, string>;
  caller: Caller;
  req: Request;
  res: Response;
}

export interface Reply {
  status: number;
  body?: unknown;
}

export interface Operation {
  spec: RouteSpec<z.ZodType, z.ZodType>;
  basePath: string;
}

/**
 * Routes declared with their schemas: the same schemas validate each request and
 * describe it in the OpenAPI document, so the two cannot drift apart.
 */
export class ApiRouter {
  readonly router = express.Router();
  readonly operations: Operation[] = [];

  constructor(readonly basePath: string) {}

  route<B extends z.ZodType = z.ZodUndefined, Q extends z.ZodType = z.ZodUndefined>(
    spec: RouteSpec<B, Q>,
    handler: (input: HandlerInput<z.infer<B>, z.infer<Q>>) => Promise<Reply>,
  ): void {
    this.operations.push({ spec: spec as unknown as RouteSpec<z.ZodType, z.ZodType>, basePath: this.basePath });
    const action = `${spec.method.toUpperCase()} ${this.basePath}${spec.path}`;
    const audit: express.RequestHandler = (req, res, next) => {
      const id = req.params.id;
      res.locals.audit = { action, target: typeof id === 'string' && isUuid(id) ? id : null };
      next();
    };
    // Ids are random UUIDs: any other text names nothing (404), and never reaches a query or a header.
    const knownId: express.RequestHandler = (req, _res, next) => {
      const id = req.params.id;
      if (id !== undefined && (typeof id !== 'string' || !isUuid(id))) throw notFound();
      next();
    };
    this.router[spec.method](spec.path, audit, requireRole(spec.roles), knownId, async (req, res) => {
      const body = spec.body ? parseBody(spec, req) : undefined;
      const query = spec.query ? parseWith(spec.query, req.query, ['query']) : undefined;
      const reply = await handler({
        body: body as z.infer<B>,
        query: query as z.infer<Q>,
        params: req.params as Record<string, string>,
        caller: res.locals.caller as Caller,
        req,
        res,
      });
      const created = (reply.body as { id?: unknown } | undefined)?.id;
      if (typeof created === 'string') res.locals.audit.target ??= created;
      if (reply.body === undefined) res.status(reply.status).end();
      else res.status(reply.status).json(reply.body);
    });
  }
}

function parseBody(spec: RouteSpec<z.ZodType, z.ZodType>, req: Request): unknown {
  const type = spec.bodyType ?? 'application/json';
  if (!req.is(type === 'text/csv' ? ['text/csv', 'application/csv'] : 'application/json')) {
    throw new AppError(415, 'unsupported-media-type', 'Unsupported media type.', `Send the body as ${type}.`);
  }
  return parseWith(spec.body!, req.body, []);
}

function parseWith(schema: z.ZodType, value: unknown, prefix: string[]): unknown {
  const result = schema.safeParse(value);
  if (!result.success) throw badRequest('Some fields are not valid.', zodFieldErrors(result.error, prefix));
  return result.data;
}
