import { problemResponses, type Endpoints } from '../http/endpoints.js';
import { schemas as s } from '../../contract/index.js';
import type { AuditLog } from './audit-log.js';
import type { DataExport } from './data-export.js';
import type { Erasure } from './erasure.js';

/** The admin API's privacy routes: a contact's data (access), its erasure, and the audit log. */
export function registerPrivacyRoutes(api: Endpoints, privacy: { dataExport: DataExport; erasure: Erasure; auditLog: AuditLog }): void {
  api.route(
    {
      method: 'get',
      path: '/api/v1/contacts/:id/export',
      summary: 'Everything held about a contact, as one JSON document',
      tag: 'Privacy',
      auth: { apiKey: ['support'] },
      responses: { 200: { description: 'The export', schema: s.myDataExport }, ...problemResponses(404) },
    },
    async ({ params }) => ({
      status: 200,
      body: await privacy.dataExport.of(params.id!),
      headers: { 'Content-Disposition': `attachment; filename="contact-${params.id}.json"` },
    }),
  );

  api.route(
    {
      method: 'delete',
      path: '/api/v1/contacts/:id',
      summary: "Erase a contact's personal data; says what was erased and what was kept",
      tag: 'Privacy',
      auth: { apiKey: [] },
      responses: { 200: { description: 'What was erased and kept', schema: s.erasureReceipt }, ...problemResponses(404) },
    },
    async ({ params, caller }) => ({ status: 200, body: await privacy.erasure.erase(params.id!, `api-key:${caller.keyId}`) }),
  );

  api.route(
    {
      method: 'get',
      path: '/api/v1/audit-log',
      summary: 'Every authenticated admin-API call, newest first: key id, action, target, time, outcome, what changed',
      tag: 'Privacy',
      auth: { apiKey: [] },
      query: s.auditQuery,
      responses: { 200: { description: 'A page of audit entries', schema: s.auditPage }, ...problemResponses(400) },
    },
    async ({ query }) => ({ status: 200, body: await privacy.auditLog.list(query) }),
  );
}
