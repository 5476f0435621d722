import { problemResponses, type Endpoints } from '../http/endpoints.js';
import { schemas as s } from '../../contract/index.js';
import type { AuditLog } from './audit-log.js';

export function registerAuditRoutes(api: Endpoints, auditLog: AuditLog): void {
  api.route(
    {
      method: 'get',
      path: '/api/v1/audit-log',
      summary: 'Every admin-API call, newest first: key id, action, target, time, outcome',
      tag: 'Privacy',
      auth: { apiKey: [] },
      query: s.auditQuery,
      responses: { 200: { description: 'A page of audit entries', schema: s.auditPage }, ...problemResponses(400) },
    },
    async ({ query }) => ({ status: 200, body: await auditLog.list(query) }),
  );
}
