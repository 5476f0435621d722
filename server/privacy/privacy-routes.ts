import { problemResponses, type Endpoints } from '../http/endpoints.js';
import { z } from 'zod';
import { schemas as s } from '../../contract/index.js';
const { locale } = s;
import type { AuditLog } from './audit-log.js';
import type { DataExport } from './data-export.js';
import type { Erasure } from './erasure.js';
import type { EvidencePacks } from './evidence.js';
import { EVIDENCE_PAGE_CSP, renderContactEvidence, renderOrganizationEvidence, type EvidencePageDeps } from './evidence-page.js';

const pageQuery = z.object({ lang: locale.optional() }).strict();
const PAGE_HEADERS = { 'Content-Security-Policy': EVIDENCE_PAGE_CSP, 'X-Frame-Options': 'DENY', 'Referrer-Policy': 'no-referrer' };

/** The admin API's privacy routes: a contact's data (access), its erasure, proof of consent, and the audit log. */
export function registerPrivacyRoutes(
  api: Endpoints,
  privacy: { dataExport: DataExport; erasure: Erasure; auditLog: AuditLog; evidence: EvidencePacks; evidencePage: EvidencePageDeps },
): void {
  /** An evidence pack as JSON at `path`, and as a printable page at `path`.html. */
  const evidenceRoutes = <T extends object>(
    path: string,
    what: { summary: string; pageSummary: string; schema: z.ZodType },
    load: (id: string) => Promise<T>,
    render: (pack: T, locale: 'en' | 'fr', deps: EvidencePageDeps) => string,
  ) => {
    api.route(
      {
        method: 'get',
        path,
        summary: what.summary,
        tag: 'Privacy',
        auth: { apiKey: ['support'] },
        responses: { 200: { description: 'The evidence', schema: what.schema }, ...problemResponses(404) },
      },
      async ({ params }) => ({ status: 200, body: await load(params.id!) }),
    );
    api.route(
      {
        method: 'get',
        path: `${path}.html`,
        summary: what.pageSummary,
        tag: 'Privacy',
        auth: { apiKey: ['support'] },
        query: pageQuery,
        answers: 'html',
        headers: PAGE_HEADERS,
        responses: { 200: { description: 'A printable page' } },
      },
      async ({ params, query }) => ({ status: 200, html: render(await load(params.id!), query.lang ?? 'en', privacy.evidencePage) }),
    );
  };
  evidenceRoutes(
    '/api/v1/contacts/:id/evidence',
    {
      summary:
        'Proof of consent for a contact (also an erased one): each category’s basis and expiry, every change with the wording shown, the confirmations asked, and each message with the basis it relied on and when an opt-out took effect',
      pageSummary: 'The same evidence pack as a printable page (no script); ?lang=fr for French',
      schema: s.evidence,
    },
    (id) => privacy.evidence.ofContact(id),
    renderContactEvidence,
  );
  evidenceRoutes(
    '/api/v1/organizations/:id/evidence',
    {
      summary: 'The evidence pack of every contact of an organization',
      pageSummary: 'The organization’s evidence packs as one printable page (each contact starts a new printed page)',
      schema: s.organizationEvidence,
    },
    (id) => privacy.evidence.ofOrganization(id),
    renderOrganizationEvidence,
  );

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
