import { expect } from 'vitest';
import type { Kysely } from 'kysely';
import type { Database } from '../../server/store/schema.js';
import type { ApiClient } from './server.js';
import { signatureHeader } from '../../server/crypto/webhook-signature.js';
import { WEBHOOK_SECRET } from './server.js';

/** An organization with `count` contacts imported by CSV; returns the organization id and the addresses. */
export async function seedOrganization(api: ApiClient, count: number, prefix: string) {
  const organizationId = (await api.post('/api/v1/organizations', { name: `Org ${prefix}` })).body.id as string;
  const emails = Array.from({ length: count }, (_, i) => `${prefix}${i}@load.example`);
  for (let i = 0; i < emails.length; i += 10_000) {
    const rows = emails.slice(i, i + 10_000).map((e) => `${e},,en,${organizationId}`);
    const res = await api.request('POST', '/api/v1/contacts/import', { body: ['email,name,locale,organizationId', ...rows].join('\n'), contentType: 'text/csv' });
    expect(res.body.rejected).toBe(0);
  }
  return { organizationId, emails };
}

export function postAdvisory(baseUrl: string, body: Record<string, unknown>) {
  const raw = JSON.stringify({ title: 'Patch now', severity: 'critical', summary: 'Summary', body: 'Body', ...body });
  return fetch(`${baseUrl}/hooks/advisories`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-signature': signatureHeader(raw, WEBHOOK_SECRET) },
    body: raw,
  });
}

/** The fan-out rows (revisions, reminders) of an advisory or service alert id: what its messages name. */
export const fanOutIds = (db: Kysely<Database>, externalId: string) => db.selectFrom('fan_outs').select('id').where('external_id', '=', externalId);

export function postServiceAlert(baseUrl: string, body: Record<string, unknown>) {
  const raw = JSON.stringify({ status: 'investigating', title: 'Email delayed', affected: 'Hosted Exchange', startedAt: '2026-11-30T14:05:00Z', ...body });
  return fetch(`${baseUrl}/hooks/service-alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-signature': signatureHeader(raw, WEBHOOK_SECRET) },
    body: raw,
  });
}
