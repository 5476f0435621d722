import { z } from 'zod';
import type { Operation } from './api-router.js';

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Record<string, unknown>;

/** OpenAPI 3.1 from the routes' own schemas. */
export function openApiDocument(operations: Operation[], info: { version: string; serverUrl: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const { spec, basePath } of operations) {
    const path = (basePath + spec.path).replace(/:(\w+)/g, '{$1}');
    const pathParams = [...spec.path.matchAll(/:(\w+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const queryParams = spec.query ? queryParameters(spec.query) : [];
    const roles = ['admin', ...spec.roles];
    paths[path] ??= {};
    paths[path][spec.method] = {
      summary: spec.summary,
      description: `Roles: ${roles.join(', ')}.`,
      tags: [spec.tag],
      parameters: [...pathParams, ...queryParams],
      ...(spec.body
        ? {
            requestBody: {
              required: true,
              content: { [spec.bodyType ?? 'application/json']: { schema: jsonSchema(spec.body, 'input') } },
            },
          }
        : {}),
      responses: Object.fromEntries(
        Object.entries<{ description: string; schema?: z.ZodType }>({
          ...spec.responses,
          401: { description: 'No or bad API key' },
          403: { description: 'Wrong role' },
        }).map(([status, response]) => [
            status,
            {
              description: response.description,
              ...(response.schema
                ? {
                    content: {
                      [Number(status) >= 400 ? 'application/problem+json' : 'application/json']: {
                        schema: jsonSchema(response.schema, 'output'),
                      },
                    },
                  }
                : {}),
            },
          ],
        ),
      ),
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'SERVEITPRO consent mail API', version: info.version },
    servers: [{ url: info.serverUrl }],
    security: [{ apiKey: [] }],
    components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An API key' } } },
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
