import { schemas as s } from '../../contract/index.js';
import { problemResponses, type Endpoints } from '../http/endpoints.js';
import type { SuppressionList } from './suppressions.js';

export interface SuppressionRoutesDeps {
  suppressions: SuppressionList;
  /** The one form per mailbox (contacts' rule), passed in so that consent does not depend on contacts; throws a 400 naming `#/email`. */
  normalizeEmail: (input: string) => string;
}

/** Free text typed by staff may hold an address; the audit log never does. */
const withoutAddresses = (text: string) => text.replace(/\S*@\S*/g, '[address]');

/** The suppression list as support reads and corrects it; addresses come in bodies only, so none reaches a URL or a log. */
export function registerSuppressionRoutes(api: Endpoints, { suppressions, normalizeEmail }: SuppressionRoutesDeps): void {
  api.route(
    {
      method: 'post',
      path: '/api/v1/suppressions/search',
      summary: 'Whether an exact address is on the suppression list, why and since when (the list keeps keyed hashes only: no partial search)',
      tag: 'Suppression list',
      auth: { apiKey: ['support'] },
      body: { json: s.suppressionSearch },
      responses: { 200: { description: 'The address’s state', schema: s.suppressionStatus }, ...problemResponses(400) },
    },
    async ({ body, audit }) => {
      const email = normalizeEmail(body.email);
      audit.target = suppressions.reference(email);
      const found = await suppressions.find(email);
      return {
        status: 200,
        body: { email, suppressed: found !== null, reason: found?.reason ?? null, kind: found?.kind ?? null, since: found?.since ?? null, until: found?.until ?? null, removable: found !== null && found.kind !== 'erasure' },
      };
    },
  );

  api.route(
    {
      method: 'get',
      path: '/api/v1/suppressions/recent',
      summary: 'The latest additions to the suppression list (reason and date, never an address) and the counts by reason',
      tag: 'Suppression list',
      auth: { apiKey: ['support'] },
      query: s.suppressionRecentQuery,
      responses: { 200: { description: 'The latest additions', schema: s.suppressionRecent }, ...problemResponses(400) },
    },
    async ({ query }) => ({ status: 200, body: await suppressions.recent(query.limit) }),
  );

  api.route(
    {
      method: 'post',
      path: '/api/v1/suppressions/remove',
      summary:
        'Take an address off the suppression list, saying why (audited with the reason, never the address); an erasure’s suppression is refused (409): only re-adding the contact with restoreErased lifts it',
      tag: 'Suppression list',
      auth: { apiKey: ['support'] },
      body: { json: s.suppressionRemove },
      responses: { 204: { description: 'Removed: mail may go to the address again' }, ...problemResponses(400, 404, 409) },
    },
    async ({ body, audit }) => {
      const email = normalizeEmail(body.email);
      const reason = withoutAddresses(body.reason);
      audit.target = suppressions.reference(email);
      audit.detail = `removal asked; reason given: ${reason}`;
      const removed = await suppressions.lift(email);
      audit.detail = `removed from the suppression list (was: ${removed.reason}); reason given: ${reason}`;
      return { status: 204 };
    },
  );
}
