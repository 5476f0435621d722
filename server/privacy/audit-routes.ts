import type { ApiRouter } from '../http/api-router.js';
import * as s from '../api/schemas.js';
import type { AuditLog } from './audit-log.js';

export function registerAuditRoutes(api: ApiRouter, auditLog: AuditLog): void {
  api.route(
    {
      method: 'get',
      path: '/audit-log',
      summary: 'Every admin-API call, newest first: key id, action, target, time, outcome',
      tag: 'Privacy',
      roles: [],
      query: s.auditQuery,
      responses: { 200: { description: 'A page of audit entries', schema: s.auditPage }, ...s.problems(400) },
    },
    async ({ query }) => ({ status: 200, body: await auditLog.list(query) }),
  );
}
