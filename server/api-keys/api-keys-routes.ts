import { problemResponses, type Endpoints } from '../http/endpoints.js';
import { schemas as s } from '../../contract/index.js';
import { notFound } from '../http/problem.js';
import type { ApiKeys } from './api-keys.js';

export function registerApiKeyRoutes(api: Endpoints, apiKeys: ApiKeys): void {
  api.route(
    {
      method: 'post',
      path: '/api/v1/api-keys',
      summary: 'Create an API key with a role; the key is shown this once',
      tag: 'API keys',
      auth: { apiKey: [] },
      body: { json: s.apiKeyCreate },
      responses: { 201: { description: 'The new key', schema: s.apiKeyCreated }, ...problemResponses(400) },
    },
    async ({ body }) => ({ status: 201, body: await apiKeys.create(body.name, body.role) }),
  );

  api.route(
    {
      method: 'get',
      path: '/api/v1/api-keys',
      summary: 'Every API key, live or revoked, newest first (the keys themselves are never kept)',
      tag: 'API keys',
      auth: { apiKey: [] },
      responses: { 200: { description: 'The keys', schema: s.apiKeyList } },
    },
    async () => ({ status: 200, body: { items: await apiKeys.list() } }),
  );

  api.route(
    {
      method: 'delete',
      path: '/api/v1/api-keys/:id',
      summary: 'Revoke an API key at once',
      tag: 'API keys',
      auth: { apiKey: [] },
      responses: { 204: { description: 'Revoked' }, ...problemResponses(404) },
    },
    async ({ params }) => {
      if (!(await apiKeys.revoke(params.id!))) throw notFound('API key');
      return { status: 204 };
    },
  );
}
