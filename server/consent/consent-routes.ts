import { z } from 'zod';
import { schemas as s } from '../../contract/index.js';
import { problemResponses, type Endpoints } from '../http/endpoints.js';
import { notFound } from '../http/problem.js';
import { originOf } from '../http/origin.js';
import type { ConsentWordings } from './consent-wordings.js';
import type { OrganizationPolicies } from './organization-policy.js';
import type { CoverageGuard } from './coverage.js';

export function registerConsentRoutes(
  api: Endpoints,
  consent: { wordings: ConsentWordings; organizationPolicies: OrganizationPolicies; coverage: CoverageGuard },
): void {
  const { wordings, organizationPolicies, coverage } = consent;
  api.route(
    {
      method: 'get',
      path: '/api/v1/organizations/:id/coverage',
      summary:
        'Who at an organization receives its invoices, service alerts and security advisories, and every time nobody did (audited, and its lead emailed, when it happens)',
      tag: 'Consent',
      auth: { apiKey: ['support'] },
      responses: { 200: { description: 'The coverage', schema: s.coverage }, ...problemResponses(404) },
    },
    async ({ params }) => ({ status: 200, body: await coverage.of(params.id!) }),
  );

  api.route(
    {
      method: 'get',
      path: '/api/v1/coverage',
      summary: 'Every organization at a glance: its number of contacts, who receives its invoices, service alerts and security advisories, and its open losses',
      tag: 'Consent',
      auth: { apiKey: ['support'] },
      responses: { 200: { description: 'The coverage of every organization, by name', schema: s.coverageOverview } },
    },
    async () => ({ status: 200, body: await coverage.overview() }),
  );

  api.route(
    {
      method: 'get',
      path: '/api/v1/organizations/:id/policy',
      summary: 'An organization’s defaults and locks per optional category',
      tag: 'Consent',
      auth: { apiKey: ['support'] },
      responses: { 200: { description: 'The policy', schema: s.organizationPolicy }, ...problemResponses(404) },
    },
    async ({ params }) => ({ status: 200, body: await organizationPolicies.get(params.id!) }),
  );

  api.route(
    {
      method: 'put',
      path: '/api/v1/organizations/:id/policy',
      summary:
        'Set an organization’s default (for contacts who never chose; null: the category’s own) or lock per category; a lock turns the category on for all its staff and nobody may turn it off; express-only categories are never locked nor on by default. Changes of what people receive are in the history with source organization-policy',
      tag: 'Consent',
      auth: { apiKey: [] },
      body: { json: s.organizationPolicyUpdate },
      responses: { 200: { description: 'The policy', schema: s.organizationPolicy }, ...problemResponses(400, 404) },
    },
    async ({ params, body, req, audit }) => {
      const { policy, changed } = await organizationPolicies.set(params.id!, body, originOf(req, 'organization-policy'));
      audit.detail = `policy set for ${Object.keys(body).join(', ')}; ${changed} consent change(s) for its staff`;
      return { status: 200, body: policy };
    },
  );

  api.route(
    {
      method: 'get',
      path: '/api/v1/consent-wordings',
      summary: 'Every consent wording ever shown, by version',
      tag: 'Consent',
      auth: { apiKey: ['support'] },
      responses: { 200: { description: 'The wordings', schema: z.array(s.consentWording) } },
    },
    async () => ({ status: 200, body: wordings.all() }),
  );

  api.route(
    {
      method: 'get',
      path: '/api/v1/consent-wordings/:version',
      summary: 'One consent wording as it was shown (its history rows name the version and the language)',
      tag: 'Consent',
      auth: { apiKey: ['support'] },
      responses: { 200: { description: 'The wording', schema: s.consentWording }, ...problemResponses(404) },
    },
    async ({ params }) => {
      const wording = wordings.get(params.version!);
      if (!wording) throw notFound('consent wording');
      return { status: 200, body: wording };
    },
  );
}
