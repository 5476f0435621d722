import type { ApiRouter } from '../http/api-router.js';
import * as s from '../api/schemas.js';
import { notFound } from '../http/problem.js';
import type { Organizations } from './organizations.js';

export function registerOrganizationRoutes(api: ApiRouter, organizations: Organizations): void {
  api.route(
    {
      method: 'post',
      path: '/organizations',
      summary: 'Create a client organization',
      tag: 'Organizations',
      roles: [],
      body: s.organizationCreate,
      responses: { 201: { description: 'The organization', schema: s.organization }, ...s.problems(400) },
    },
    async ({ body }) => ({ status: 201, body: await organizations.create(body) }),
  );

  api.route(
    {
      method: 'get',
      path: '/organizations/:id',
      summary: 'Read an organization',
      tag: 'Organizations',
      roles: ['support', 'sender'],
      responses: { 200: { description: 'The organization', schema: s.organization }, ...s.problems(404) },
    },
    async ({ params }) => {
      const organization = await organizations.get(params.id!);
      if (!organization) throw notFound('organization');
      return { status: 200, body: organization };
    },
  );
}
