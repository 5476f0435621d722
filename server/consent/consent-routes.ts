import { z } from 'zod';
import { schemas as s } from '../../contract/index.js';
import { problemResponses, type Endpoints } from '../http/endpoints.js';
import { notFound } from '../http/problem.js';
import type { ConsentWordings } from './consent-wordings.js';

export function registerConsentRoutes(api: Endpoints, wordings: ConsentWordings): void {
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
