import { schemas as s } from '../../contract/index.js';
import { problemResponses, type Endpoints } from '../http/endpoints.js';
import type { Advisories } from './advisories.js';

/** POST /hooks/advisories: the support team's security advisory, fanned out to every subscribed contact. */
export function registerAdvisoryRoutes(api: Endpoints, advisories: Advisories, onRecorded: () => void): void {
  api.route(
    {
      method: 'post',
      path: '/hooks/advisories',
      summary: 'Send a security advisory to every subscribed contact of some organizations (all when none are named); the same id again sends nothing',
      tag: 'Webhooks',
      auth: { signature: true },
      body: { signedJson: s.advisoryCreate, limit: '256kb' },
      responses: {
        202: { description: 'Recorded; its audience is being queued', schema: s.advisoryAccepted },
        200: { description: 'This id was recorded before: the first answer', schema: s.advisoryAccepted },
        ...problemResponses(400, 413, 415),
      },
    },
    async ({ body }) => {
      const { created, answer } = await advisories.record(body);
      if (created) onRecorded();
      return { status: created ? 202 : 200, body: answer };
    },
  );
}
