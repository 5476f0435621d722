import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { z } from 'zod';
import { schemas, type Role } from '../../contract/index.js';
import { isUuid } from '../store/ids.js';
import { AppError, badRequest, notFound, zodFieldErrors } from './problem.js';
import type { ActiveSession, AuditNote, Caller, LinkCheck } from './locals.js';

export type { LinkCheck } from './locals.js';
import { verifySignature } from '../crypto/webhook-signature.js';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** What a link token may be used for (the token's audience). */
export type LinkPurpose = 'unsubscribe' | 'preferences' | 'confirm' | 'mute' | 'acknowledge';

/** Who may call a route, and how the call proves it. */
export type Auth =
  /** An API key (`Authorization: Bearer`): `admin`, and these roles besides. */
  | { apiKey: Role[] }
  /** A contact's session token from the extension. */
  | { session: true }
  /** `X-Signature` over the raw body (the support team's webhooks). */
  | { signature: true }
  /** A link token in the path (`:token`); a bad one still reaches the handler, which answers with a page. */
  | { link: LinkPurpose }
  /** Anyone (sign-in requests, fresh links). */
  | { anyone: true }
  /** A relay's event webhook: its own proof, checked over the raw request before the body is parsed. */
  | { relay: RelayProof };

/** How a relay proves its webhook calls (a signature, basic auth), and whether it is configured at all. */
export interface RelayProof {
  /** How the relay proves a call, for the OpenAPI document. */
  description: string;
  /**
   * Throws an AppError (401, 403; 503 when it cannot be checked now) unless the call is the relay's
   * own; null: the relay is not configured, and its route answers 404 before reading anything.
   */
  verify: ((req: Request, res: Response, raw: Buffer) => void | Promise<void>) | null;
}

/** How the body is read: JSON, CSV text, a signed JSON body (raw bytes first), a relay's JSON (raw bytes first, any media type), or an HTML form. */
export type BodySpec =
  | { json: z.ZodType; limit?: string }
  | { csv: z.ZodType; limit: string }
  | { signedJson: z.ZodType; limit: string }
  | { relayJson: z.ZodType; limit: string }
  | { form: true };

export interface EndpointSpec<A extends Auth = Auth, B extends BodySpec | undefined = BodySpec | undefined, Q extends z.ZodType | undefined = z.ZodType | undefined> {
  method: Method;
  /** Express path, e.g. `/api/v1/contacts/:id`. */
  path: string;
  summary: string;
  tag: string;
  auth: A;
  body?: B;
  query?: Q;
  /** Set first on every answer, errors included (the link pages' security headers). */
  headers?: Record<string, string>;
  /** Rate limits, run once the body is read. */
  limits?: RequestHandler[];
  /** What it answers: JSON (in the OpenAPI document), or pages and text (not). */
  answers?: 'json' | 'html' | 'text';
  responses: Record<number, { description: string; schema?: z.ZodType }>;
}

type BodyOf<B> = B extends { json: infer S extends z.ZodType } | { csv: infer S extends z.ZodType } | { signedJson: infer S extends z.ZodType } | { relayJson: infer S extends z.ZodType }
  ? z.output<S>
  : B extends { form: true }
    ? Record<string, unknown> | Buffer
    : undefined;
type AuthOf<A> = A extends { apiKey: Role[] }
  ? { caller: Caller; audit: AuditNote }
  : A extends { session: true }
    ? { session: ActiveSession }
    : A extends { link: LinkPurpose }
      ? { link: LinkCheck }
      : object;

export type HandlerInput<A extends Auth, B, Q> = {
  body: BodyOf<B>;
  query: Q extends z.ZodType ? z.output<Q> : undefined;
  params: Record<string, string>;
  req: Request;
  res: Response;
} & AuthOf<A>;

/** What a handler answers: JSON (`body`), a page (`html`), `text` (of `type`, plain by default), or nothing. */
export interface Reply {
  status: number;
  body?: unknown;
  html?: string;
  text?: string;
  type?: string;
  headers?: Record<string, string>;
}

export interface Operation {
  spec: EndpointSpec;
}

export interface Authenticators {
  apiKey: (presented: string) => Promise<Caller | null>;
  /**
   * A console session's cookie, in place of an API key: the staff member as a caller of their
   * role; `bad-csrf` for a change (not GET or HEAD) without the session's CSRF token.
   */
  staff: (req: Request) => Promise<Caller | 'bad-csrf' | null>;
  session: (token: string) => Promise<ActiveSession | null>;
  link: (purpose: LinkPurpose, token: string) => LinkCheck;
  webhookSecret: string;
  /** In front of every API-key route and any other path under the admin prefix (audit, failed-key limit). */
  adminGuards: RequestHandler[];
  /** Where the admin API lives: unknown paths under it still need a valid key. */
  adminPrefix: string;
}

/** The problem-details answers a route may give, for the OpenAPI document. */
export const problemResponses = (...codes: number[]) =>
  Object.fromEntries(codes.map((code) => [code, { description: 'Problem details (RFC 9457)', schema: schemas.problem }]));

/**
 * The one way to declare a route: its auth, its body, its query and its answers, in one spec.
 * The same schemas validate each request and describe it in the OpenAPI document, so the two
 * cannot drift apart.
 */
export class Endpoints {
  readonly operations: Operation[] = [];
  private readonly open = express.Router();
  private readonly admin = express.Router();
  /** Each Express route's declared path, whole (`/api/v1/contacts/:id`): what metrics label requests by. */
  private readonly patterns = new WeakMap<object, string>();

  constructor(private readonly auth: Authenticators) {}

  /** Every route, the API-key ones last behind the admin guards. */
  get router(): Router {
    const router = express.Router();
    router.use(this.open);
    router.use(this.auth.adminPrefix, authenticateApiKey(this.auth), this.admin);
    return router;
  }

  route<A extends Auth, B extends BodySpec | undefined = undefined, Q extends z.ZodType | undefined = undefined>(
    spec: EndpointSpec<A, B, Q>,
    handler: (input: HandlerInput<A, B, Q>) => Promise<Reply>,
  ): void {
    this.operations.push({ spec: spec as unknown as EndpointSpec });
    const chain: RequestHandler[] = [];
    if (spec.headers) chain.push(setHeaders(spec.headers));
    chain.push(...this.authOf(spec));
    if (spec.body) chain.push(...readBody(spec.body, this.auth.webhookSecret, spec.auth));
    chain.push(...(spec.limits ?? []));
    const run: RequestHandler = async (req, res) => {
      const input = {
        body: req.body as unknown,
        query: spec.query ? parseWith(spec.query, req.query, ['query']) : undefined,
        params: req.params as Record<string, string>,
        req,
        res,
        caller: res.locals.caller,
        audit: res.locals.audit,
        session: res.locals.session,
        link: res.locals.link,
      } as unknown as HandlerInput<A, B, Q>;
      const reply = await handler(input);
      // What a call created is its target in the audit trail.
      const created = (reply.body as { id?: unknown } | undefined)?.id;
      if (res.locals.audit && typeof created === 'string') res.locals.audit.target ??= created;
      send(res, reply);
    };
    const target = 'apiKey' in spec.auth ? this.admin : this.open;
    const path = 'apiKey' in spec.auth ? spec.path.slice(this.auth.adminPrefix.length) : spec.path;
    const route = target.route(path);
    route[spec.method](...chain, run);
    this.patterns.set(route, spec.path);
  }

  /** The declared path of the route a request matched (never its URL, which holds tokens); undefined when none did. */
  patternOf(req: Request): string | undefined {
    const route: unknown = req.route;
    return typeof route === 'object' && route !== null ? this.patterns.get(route) : undefined;
  }

  private authOf(spec: EndpointSpec): RequestHandler[] {
    const { auth } = spec;
    if ('apiKey' in auth) {
      const action = `${spec.method.toUpperCase()} ${spec.path}`;
      return [noteAction(action), requireRole(auth.apiKey), knownId];
    }
    if ('session' in auth) return [requireSession(this.auth.session)];
    if ('link' in auth) {
      const purpose = auth.link;
      return [
        (req, res, next) => {
          res.locals.link = this.auth.link(purpose, String(req.params.token ?? ''));
          next();
        },
      ];
    }
    if ('relay' in auth && !auth.relay.verify) {
      return [
        () => {
          throw notFound();
        },
      ];
    }
    // The signature (or the relay's proof) is checked over the raw bytes, as the body is read.
    return [];
  }
}

function send(res: Response, reply: Reply): void {
  if (reply.headers) res.set(reply.headers);
  res.status(reply.status);
  if (reply.html !== undefined) res.type('html').send(reply.html);
  else if (reply.text !== undefined) res.type(reply.type ?? 'text').send(reply.text);
  else if (reply.body !== undefined) res.json(reply.body);
  else res.end();
}

const setHeaders =
  (headers: Record<string, string>): RequestHandler =>
  (_req, res, next) => {
    res.set(headers);
    next();
  };

const bearer = (req: Request, maxLength: number) => new RegExp(`^Bearer ([\\x21-\\x7e]{1,${maxLength}})$`).exec(req.get('authorization') ?? '')?.[1];

/** Who is calling the admin API, from `Authorization: Bearer <key>`; 401 if nobody valid. */
function authenticateApiKey(auth: Authenticators): RequestHandler[] {
  const authenticate: RequestHandler = async (req, res, next) => {
    const key = bearer(req, 512);
    const caller = key ? await auth.apiKey(key) : await auth.staff(req);
    if (caller === 'bad-csrf') throw new AppError(403, 'csrf', 'Missing or wrong CSRF token.', 'The console sends its session’s X-CSRF-Token with every change.');
    if (!caller) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      throw new AppError(401, 'unauthorized', 'Authentication required.', 'Send a valid API key as a Bearer token.');
    }
    res.locals.caller = caller;
    next();
  };
  return [...auth.adminGuards, authenticate];
}

/** `admin` may do everything; other roles only what a route lists. */
function requireRole(allowed: Role[]): RequestHandler {
  return (_req, res, next) => {
    const caller = res.locals.caller;
    if (!caller) throw new AppError(401, 'unauthorized', 'Authentication required.');
    if (caller.role !== 'admin' && !allowed.includes(caller.role)) {
      throw new AppError(403, 'forbidden', 'Your API key may not do this.', `The ${caller.role} role is not allowed here.`);
    }
    next();
  };
}

function noteAction(action: string): RequestHandler {
  return (req, res, next) => {
    const id = req.params.id;
    res.locals.audit = { action, target: typeof id === 'string' && isUuid(id) ? id : null };
    next();
  };
}

/** Ids are random UUIDs: any other text names nothing (404), and never reaches a query or a header. */
const knownId: RequestHandler = (req, _res, next) => {
  const id = req.params.id;
  if (id !== undefined && (typeof id !== 'string' || !isUuid(id))) throw notFound();
  next();
};

/** `Authorization: Bearer <session token>` → the live session; 401 otherwise. */
function requireSession(resolve: Authenticators['session']): RequestHandler {
  return async (req, res, next) => {
    const token = bearer(req, 2048);
    const session = token ? await resolve(token) : null;
    if (!session) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      throw new AppError(401, 'unauthorized', 'Sign in again.', 'The session is missing, expired or signed out.');
    }
    res.locals.session = session;
    next();
  };
}

const unsupported = (type: string) => new AppError(415, 'unsupported-media-type', 'Unsupported media type.', `Send the body as ${type}.`);

function readBody(body: BodySpec, webhookSecret: string, auth: Auth): RequestHandler[] {
  if ('form' in body) {
    return [
      express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 50 }),
      // RFC 8058 one-click may come as multipart: kept raw, read by the handler.
      express.raw({ type: 'multipart/form-data', limit: '16kb' }),
    ];
  }
  if ('csv' in body) {
    const schema = body.csv;
    return [
      (req, _res, next) => {
        if (!req.is(['text/csv', 'application/csv'])) throw unsupported('text/csv');
        next();
      },
      express.text({ type: ['text/csv', 'application/csv'], limit: body.limit }),
      validate(schema),
    ];
  }
  if ('signedJson' in body) {
    const schema = body.signedJson;
    return [
      express.raw({ type: () => true, limit: body.limit }),
      (req, _res, next) => {
        const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        // The signature is checked over the exact bytes received, before anything is parsed.
        if (!verifySignature(req.get('x-signature'), raw, webhookSecret)) {
          throw new AppError(401, 'bad-signature', 'The signature is missing, wrong or too old.', 'Sign "<t>.<raw body>" with HMAC-SHA256; t within 300 seconds.');
        }
        if (!req.is('application/json')) throw new AppError(415, 'unsupported-media-type', 'Unsupported media type.', 'Send application/json.');
        try {
          req.body = JSON.parse(raw.toString('utf8')) as unknown;
        } catch {
          throw new AppError(400, 'malformed-body', 'The body is not valid JSON.');
        }
        next();
      },
      validate(schema),
    ];
  }
  if ('relayJson' in body) {
    if (!('relay' in auth)) throw new Error('A relay’s JSON is read only on a relay’s route (auth: { relay })');
    const verify = auth.relay.verify;
    // Not configured: the route answers 404 before reading anything.
    if (!verify) return [];
    return [
      // Relays say what they like (SNS: text/plain): the bytes are kept as they came, for the proof.
      express.raw({ type: () => true, limit: body.limit }),
      async (req, res, next) => {
        const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        await verify(req, res, raw);
        try {
          req.body = JSON.parse(raw.toString('utf8')) as unknown;
        } catch {
          throw new AppError(400, 'malformed-body', 'The body is not valid JSON.');
        }
        next();
      },
      validate(body.relayJson),
    ];
  }
  const schema = body.json;
  return [
    (req, _res, next) => {
      if (!req.is('application/json')) throw unsupported('application/json');
      next();
    },
    express.json({ limit: body.limit ?? '512kb' }),
    validate(schema),
  ];
}

/** The parsed body replaces the raw one: handlers and rate limits see only what the schema let through. */
function validate(schema: z.ZodType): RequestHandler {
  return (req, _res, next) => {
    req.body = parseWith(schema, req.body, []);
    next();
  };
}

function parseWith(schema: z.ZodType, value: unknown, prefix: string[]): unknown {
  const result = schema.safeParse(value);
  if (!result.success) throw badRequest('Some fields are not valid.', zodFieldErrors(result.error, prefix));
  return result.data;
}
