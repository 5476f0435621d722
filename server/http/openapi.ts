import { z } from 'zod';
import type { Auth, BodySpec, Operation } from './endpoints.js';

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Record<string, unknown>;

/** How each kind of caller proves itself, and what a refusal answers. */
function securityOf(auth: Auth): { security: object[]; description: string; refusals: Record<number, { description: string }> } {
  if ('apiKey' in auth) {
    return {
      security: [{ apiKey: [] }],
      description: `Roles: ${['admin', ...auth.apiKey].join(', ')}.`,
      refusals: { 401: { description: 'No or bad API key' }, 403: { description: 'Wrong role' } },
    };
  }
  if ('session' in auth) {
    return { security: [{ session: [] }], description: 'The signed-in contact, by the session token of the browser extension.', refusals: { 401: { description: 'No, expired or revoked session' } } };
  }
  if ('signature' in auth) {
    return { security: [{ signature: [] }], description: 'Signed with X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(WEBHOOK_SECRET, "<t>.<raw body>")>.', refusals: { 401: { description: 'Missing, wrong or stale signature' } } };
  }
  if ('relay' in auth) {
    return {
      security: [],
      description: `${auth.relay.description} Answers 404 while the relay is not configured.`,
      refusals: { 401: { description: 'Not the relay: a missing, wrong or stale proof' }, 404: { description: 'This relay is not configured' } },
    };
  }
  return { security: [], description: 'No authentication.', refusals: {} };
}

function requestBody(body: BodySpec) {
  if ('csv' in body) return { required: true, content: { 'text/csv': { schema: jsonSchema(body.csv, 'input') } } };
  const schema = 'json' in body ? body.json : 'signedJson' in body ? body.signedJson : 'relayJson' in body ? body.relayJson : null;
  return schema ? { required: true, content: { 'application/json': { schema: jsonSchema(schema, 'input') } } } : null;
}

/** OpenAPI 3.1 from the routes' own schemas: every JSON route (admin, self-service, webhooks); the link pages answer HTML and are left out. */
export function openApiDocument(operations: Operation[], info: { version: string; serverUrl: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const { spec } of operations) {
    if ((spec.answers ?? 'json') !== 'json') continue;
    const path = spec.path.replace(/:(\w+)/g, '{$1}');
    const pathParams = [...spec.path.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const queryParams = spec.query ? queryParameters(spec.query) : [];
    const { security, description, refusals } = securityOf(spec.auth);
    const body = spec.body ? requestBody(spec.body) : null;
    paths[path] ??= {};
    paths[path][spec.method] = {
      summary: spec.summary,
      description,
      tags: [spec.tag],
      security,
      parameters: [...pathParams, ...queryParams],
      ...(body ? { requestBody: body } : {}),
      responses: Object.fromEntries(
        Object.entries<{ description: string; schema?: z.ZodType }>({ ...spec.responses, ...refusals }).map(([status, response]) => [
          status,
          {
            description: response.description,
            ...(response.schema
              ? { content: { [Number(status) >= 400 ? 'application/problem+json' : 'application/json']: { schema: jsonSchema(response.schema, 'output') } } }
              : {}),
          },
        ]),
      ),
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'SERVEITPRO consent mail API', version: info.version },
    servers: [{ url: info.serverUrl }],
    security: [{ apiKey: [] }],
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'An API key' },
        session: { type: 'http', scheme: 'bearer', description: 'A session token of the browser extension (POST /api/v1/session)' },
        signature: { type: 'apiKey', in: 'header', name: 'X-Signature', description: 't=<unix seconds>,v1=<hex HMAC-SHA256(WEBHOOK_SECRET, "<t>.<raw body>")>' },
      },
    },
    paths,
  };
}

function queryParameters(schema: z.ZodType) {
  const properties = (jsonSchema(schema, 'input').properties ?? {}) as Record<string, unknown>;
  const required = new Set((jsonSchema(schema, 'output').required as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, propertySchema]) => ({
    name,
    in: 'query',
    required: required.has(name) && !(propertySchema as { default?: unknown }).default,
    schema: propertySchema,
  }));
}
