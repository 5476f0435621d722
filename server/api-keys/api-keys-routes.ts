import type { ApiRouter } from '../http/api-router.js';
import * as s from '../api/schemas.js';
import { notFound } from '../http/problem.js';
import type { ApiKeys } from './api-keys.js';

export function registerApiKeyRoutes(api: ApiRouter, apiKeys: ApiKeys): void {
  api.route(
    {
      method: 'post',
      path: '/api-keys',
      summary: 'Create an API key with a role; the key is shown this once',
      tag: 'API keys',
      roles: [],
      body: s.apiKeyCreate,
      responses: { 201: { description: 'The new key', schema: s.apiKeyCreated }, ...s.problems(400) },
    },
    async ({ body }) => ({ status: 201, body: await apiKeys.create(body.name, body.role) }),
  );

  api.route(
    {
      method: 'delete',
      path: '/api-keys/:id',
      summary: 'Revoke an API key at once',
      tag: 'API keys',
      roles: [],
      responses: { 204: { description: 'Revoked' }, ...s.problems(404) },
    },
    async ({ params }) => {
      if (!(await apiKeys.revoke(params.id!))) throw notFound('API key');
      return { status: 204 };
    },
  );
}
