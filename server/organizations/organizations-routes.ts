import { problemResponses, type Endpoints } from '../http/endpoints.js';
import { schemas as s } from '../../contract/index.js';
import { notFound } from '../http/problem.js';
import type { Organizations } from './organizations.js';

export function registerOrganizationRoutes(api: Endpoints, organizations: Organizations): void {
  api.route(
    {
      method: 'post',
      path: '/api/v1/organizations',
      summary: 'Create a client organization',
      tag: 'Organizations',
      auth: { apiKey: [] },
      body: { json: s.organizationCreate },
      responses: { 201: { description: 'The organization', schema: s.organization }, ...problemResponses(400) },
    },
    async ({ body }) => ({ status: 201, body: await organizations.create(body) }),
  );

  api.route(
    {
      method: 'get',
      path: '/api/v1/organizations',
      summary: 'Every organization, by name',
      tag: 'Organizations',
      auth: { apiKey: ['support', 'sender'] },
      responses: { 200: { description: 'The organizations', schema: s.organizationList } },
    },
    async () => ({ status: 200, body: { items: await organizations.list() } }),
  );

  api.route(
    {
      method: 'get',
      path: '/api/v1/organizations/:id',
      summary: 'Read an organization',
      tag: 'Organizations',
      auth: { apiKey: ['support', 'sender'] },
      responses: { 200: { description: 'The organization', schema: s.organization }, ...problemResponses(404) },
    },
    async ({ params }) => {
      const organization = await organizations.get(params.id!);
      if (!organization) throw notFound('organization');
      return { status: 200, body: organization };
    },
  );
}
