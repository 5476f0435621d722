import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, header, listUnsubscribeUrl } from '../support/mail.js';
import { startServer, type TestServer } from '../support/server.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';
import { postAdvisory } from '../support/seed.js';
import { STORES } from '../support/stores.js';
import { SelfServiceClient, signInByMail } from '../self-service/self-service-client.js';
import { postForm } from '../support/pages.js';

const advisory = { title: 'Patch the VPN', severity: 'critical', summary: 'Update the firmware.', body: 'Update the **firmware** today.' };

describe.each(STORES)('an organization’s defaults and locks on %s', (kind) => {
  let server: TestServer;
  let smtp: TestSmtp;

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startServer(kind, { smtpUrl: smtp.url, env: { TRUST_PROXY: 'loopback' } });
  });
  afterAll(async () => {
    await server.close();
    await smtp.close();
  });

  const organization = async (name: string) => (await server.api.post('/api/v1/organizations', { name, locale: 'en' })).body.id as string;
  const contact = async (organizationId: string, email: string) => {
    const res = await server.api.post('/api/v1/contacts', { organizationId, email, name: 'Sam Roy' });
    expect(res.status).toBe(201);
    return res.body as { id: string; email: string };
  };
  const read = async (id: string) => (await server.api.get(`/api/v1/contacts/${id}`)).body;
  const history = async (id: string) => (await server.api.get(`/api/v1/contacts/${id}/consent-history`)).body as Record<string, unknown>[];
  const setPolicy = (id: string, body: unknown) => server.api.put(`/api/v1/organizations/${id}/policy`, body);

  it('when an organization locks a category, then it is on for all its staff, nobody can turn it off, its mail offers no way out, and lifting the lock gives each person back their own choice', async () => {
    const org = await organization('Cabinet Lock');
    const kept = await contact(org, 'kept@lock.example');
    const optedOut = await contact(org, 'out@lock.example');
    // Before the lock, one person left the category through an email's one-click.
    await server.api.post('/api/v1/messages', { category: 'security-advisories', template: 'security-advisory', to: { contactId: optedOut.id }, data: advisory });
    const [first] = await eventually(async () => smtp.to(optedOut.email), (m) => m.length >= 1);
    const oldOneClick = listUnsubscribeUrl(first!);
    expect((await postForm(oldOneClick, { 'List-Unsubscribe': 'One-Click' })).status).toBe(200);
    expect((await read(optedOut.id)).preferences['security-advisories']).toBe(false);

    const locked = await setPolicy(org, { 'security-advisories': { locked: true } });
    expect(locked.status).toBe(200);
    expect(locked.body['security-advisories']).toEqual({ default: null, locked: true });
    const now = await read(optedOut.id);
    expect(now.preferences['security-advisories']).toBe(true);
    expect(now.lockedCategories).toEqual(['security-advisories']);
    expect((await history(optedOut.id)).at(-1)).toEqual({
      category: 'security-advisories',
      subscribed: true,
      source: 'organization-policy',
      at: expect.any(String),
      basis: 'b2b',
      basisSince: null,
      wordingVersion: null,
      wordingLocale: null,
    });
    // Only what changed for someone is recorded: the other person already received it.
    expect((await history(kept.id)).filter((row) => row.source === 'organization-policy')).toEqual([]);

    // Nobody turns it off: not an admin, not the old one-click link, not the preference page.
    const refused = await server.api.put(`/api/v1/contacts/${optedOut.id}/preferences`, { 'security-advisories': false });
    expect(refused.status).toBe(400);
    const oneClick = await postForm(oldOneClick, { 'List-Unsubscribe': 'One-Click' });
    expect(oneClick.status).toBe(200);
    const preferencesUrl = `${server.url}/p/${server.services.tokens.link('preferences', optedOut.id)}`;
    const pageText = await (await fetch(preferencesUrl)).text();
    const box = /<input[^>]*value="security-advisories"[^>]*>/.exec(pageText)?.[0] ?? '';
    expect(box).toMatch(/\bchecked\b/);
    expect(box).toMatch(/\bdisabled\b/);
    expect(pageText).toContain('Required by Cabinet Lock');
    const saved = await postForm(preferencesUrl, { action: 'save', category: 'invoices' });
    expect(saved.status).toBe(200);
    const afterSave = await read(optedOut.id);
    expect(afterSave.preferences).toMatchObject({ 'security-advisories': true, invoices: true, 'ticket-updates': false });

    // The advisory reaches everyone in the organization, without List-Unsubscribe, on the organization's requirement.
    const before = smtp.to(optedOut.email).length;
    expect((await postAdvisory(server.url, { id: `lock-${kind}`, ...advisory, organizationIds: [org] })).status).toBe(202);
    const mails = await eventually(async () => smtp.to(optedOut.email), (m) => m.length > before);
    expect(header(mails.at(-1)!, 'List-Unsubscribe')).toBeUndefined();
    await eventually(async () => smtp.to(kept.email), (m) => m.length >= 1);
    const pack = (await server.api.get(`/api/v1/contacts/${optedOut.id}/evidence`)).body;
    expect(pack.messages.at(-1)).toMatchObject({ template: 'security-advisory', basis: 'b2b', carried: { unsubscribe: 'preferences-link' } });

    // Under the lock, another setting of the category changes without touching the person's own choice.
    const threshold = await server.api.put(`/api/v1/contacts/${optedOut.id}/preferences`, { 'security-advisories': { subscribed: true, advisoryThreshold: 'critical' } });
    expect(threshold.status).toBe(200);
    expect(threshold.body).toMatchObject({ advisoryThreshold: 'critical', preferences: { 'security-advisories': true } });
    expect((await history(optedOut.id)).at(-1)).toMatchObject({ category: 'security-advisories', subscribed: true, source: 'admin', advisoryThreshold: 'critical' });

    // Lifting the lock: the person who had left it has left it again; the other still receives it.
    expect((await setPolicy(org, { 'security-advisories': { locked: false } })).status).toBe(200);
    expect((await read(optedOut.id)).preferences['security-advisories']).toBe(false);
    expect((await read(kept.id)).preferences['security-advisories']).toBe(true);
    expect((await history(optedOut.id)).at(-1)).toMatchObject({ category: 'security-advisories', subscribed: false, source: 'organization-policy' });
  });

  it('when an organization sets a default, then it applies to its new contacts and to those who never chose, never to someone’s own choice', async () => {
    const org = await organization('Cabinet Default');
    const never = await contact(org, 'never@default.example');
    const chose = await contact(org, 'chose@default.example');
    expect((await server.api.put(`/api/v1/contacts/${chose.id}/preferences`, { 'service-alerts': false })).status).toBe(200);
    const other = await contact(await organization('Elsewhere'), 'other@default.example');

    const res = await setPolicy(org, { 'service-alerts': { default: false } });
    expect(res.status).toBe(200);
    expect(res.body['service-alerts']).toEqual({ default: false, locked: false });
    expect((await read(never.id)).preferences['service-alerts']).toBe(false);
    expect((await history(never.id)).at(-1)).toMatchObject({ category: 'service-alerts', subscribed: false, source: 'organization-policy' });
    expect((await history(chose.id)).filter((row) => row.source === 'organization-policy')).toEqual([]);
    expect((await read(other.id)).preferences['service-alerts']).toBe(true);

    const newcomer = await contact(org, 'new@default.example');
    expect((await read(newcomer.id)).preferences['service-alerts']).toBe(false);
    expect((await history(newcomer.id)).find((row) => row.category === 'service-alerts')).toMatchObject({ subscribed: false, source: 'default' });

    // On by default: those who never chose get it; the person who left it stays out.
    expect((await setPolicy(org, { 'service-alerts': { default: true } })).status).toBe(200);
    expect((await read(never.id)).preferences['service-alerts']).toBe(true);
    expect((await read(newcomer.id)).preferences['service-alerts']).toBe(true);
    expect((await read(chose.id)).preferences['service-alerts']).toBe(false);
  });

  it('when a policy would override commercial consent or is not valid, then it is refused and nothing changes; support may read it, not set it', async () => {
    const org = await organization('Cabinet Refused');
    const person = await contact(org, 'person@refused.example');
    const before = await history(person.id);
    for (const body of [
      { marketing: { locked: true } },
      { marketing: { default: true } },
      { 'no-such-category': { locked: true } },
      { 'service-alerts': { locked: 'yes' } },
      { 'service-alerts': { lock: true } },
      {},
    ]) {
      const res = await setPolicy(org, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect(await history(person.id)).toEqual(before);
    expect((await setPolicy('00000000-0000-4000-8000-000000000000', { 'service-alerts': { locked: true } })).status).toBe(404);

    const support = (await server.api.post('/api/v1/api-keys', { name: 'helpdesk', role: 'support' })).body.key as string;
    expect((await server.api.as(support).get(`/api/v1/organizations/${org}/policy`)).body).toEqual({
      'ticket-updates': { default: null, locked: false },
      invoices: { default: null, locked: false },
      'security-advisories': { default: null, locked: false },
      'service-alerts': { default: null, locked: false },
      marketing: { default: null, locked: false },
    });
    expect((await server.api.as(support).put(`/api/v1/organizations/${org}/policy`, { invoices: { locked: true } })).status).toBe(403);
    const audit = await eventually(
      async () => (await server.api.get('/api/v1/audit-log?limit=200')).body.items.map((e: { detail: string | null }) => e.detail) as (string | null)[],
      (list) => list.includes('policy set for security-advisories; 1 consent change(s) for its staff'),
    );
    expect(audit).toContain('policy set for security-advisories; 1 consent change(s) for its staff');
  });

  it('when the organization lead signs in to the extension, then they see who on their staff receives what and set the organization’s locks; nobody else may', async () => {
    const org = await organization('Cabinet Lead');
    const lead = (await server.api.post('/api/v1/contacts', { organizationId: org, email: 'lead@lead.example', name: 'Lou Lead', orgLead: true })).body;
    expect(lead.orgLead).toBe(true);
    const colleague = await contact(org, 'staff@lead.example');
    expect((await server.api.put(`/api/v1/contacts/${colleague.id}/preferences`, { 'service-alerts': false })).status).toBe(200);

    const asLead = new SelfServiceClient(server);
    await signInByMail(asLead, smtp, lead.email);
    const seen = await asLead.request('GET', '/api/v1/me/organization');
    expect(seen.status).toBe(200);
    expect(seen.body.organization).toEqual({ id: org, name: 'Cabinet Lead' });
    expect(seen.body.staff.map((p: { email: string; preferences: Record<string, boolean> }) => [p.email, p.preferences['service-alerts']])).toEqual(
      expect.arrayContaining([
        ['lead@lead.example', true],
        ['staff@lead.example', false],
      ]),
    );
    const set = await asLead.request('PUT', '/api/v1/me/organization/policy', { 'service-alerts': { locked: true } });
    expect(set.status).toBe(200);
    expect(set.body.policy['service-alerts']).toEqual({ default: null, locked: true });
    expect((await read(colleague.id)).preferences['service-alerts']).toBe(true);
    expect((await history(colleague.id)).at(-1)).toMatchObject({ category: 'service-alerts', subscribed: true, source: 'organization-policy' });
    const audit = (await server.api.get('/api/v1/audit-log?limit=200')).body.items.find((e: { target: string | null }) => e.target === org);
    expect(audit).toMatchObject({ action: 'PUT /api/v1/me/organization/policy', detail: `organization lead ${lead.id} set the policy for service-alerts; 1 consent change(s) for its staff` });
    expect((await asLead.request('PUT', '/api/v1/me/organization/policy', { marketing: { locked: true } })).status).toBe(400);

    const asStaff = new SelfServiceClient(server);
    await signInByMail(asStaff, smtp, colleague.email);
    expect((await asStaff.request('GET', '/api/v1/me/organization')).status).toBe(403);
    expect((await asStaff.request('PUT', '/api/v1/me/organization/policy', { 'service-alerts': { locked: false } })).status).toBe(403);
    const me = await asStaff.me();
    expect(me.body.locked).toEqual(['service-alerts']);
    expect((await asStaff.setPreferences({ 'service-alerts': false })).status).toBe(400);
  });

  it('when the last person receiving invoices at an organization leaves by one-click, then it takes effect, the loss shows in coverage and the audit log, and the lead gets one email; someone subscribing again closes it', async () => {
    const org = await organization('Cabinet Coverage');
    const lead = (await server.api.post('/api/v1/contacts', { organizationId: org, email: 'lead@coverage.example', name: 'Lea Lead', orgLead: true })).body;
    const staff = await contact(org, 'billing@coverage.example');
    expect((await server.api.put(`/api/v1/contacts/${lead.id}/preferences`, { invoices: false })).status).toBe(200);
    const covered = await server.api.get(`/api/v1/organizations/${org}/coverage`);
    expect(covered.body).toEqual({
      organizationId: org,
      categories: [
        { category: 'invoices', receivers: 1, covered: true },
        { category: 'service-alerts', receivers: 2, covered: true },
        { category: 'security-advisories', receivers: 2, covered: true },
      ],
      losses: [],
    });

    await server.api.post('/api/v1/messages', {
      category: 'invoices',
      template: 'invoice-receipt',
      to: { contactId: staff.id },
      data: { invoiceNumber: 'INV-9', amount: '10.00', currency: 'CAD', issuedAt: '2026-11-01' },
    });
    const [invoiceMail] = await eventually(async () => smtp.to(staff.email), (m) => m.length >= 1);
    expect((await postForm(listUnsubscribeUrl(invoiceMail!), { 'List-Unsubscribe': 'One-Click' })).status).toBe(200);
    expect((await read(staff.id)).preferences.invoices).toBe(false);

    const lost = (await server.api.get(`/api/v1/organizations/${org}/coverage`)).body;
    expect(lost.categories[0]).toEqual({ category: 'invoices', receivers: 0, covered: false });
    expect(lost.losses).toEqual([{ category: 'invoices', lostAt: expect.any(String), restoredAt: null }]);
    const audit = (await server.api.get('/api/v1/audit-log?limit=200')).body.items.find((e: { action: string; target: string | null }) => e.action === 'coverage lost' && e.target === org);
    expect(audit).toMatchObject({ detail: 'nobody at the organization receives invoices any more' });
    const [notice] = await eventually(async () => smtp.to(lead.email), (m) => m.length >= 1);
    expect(notice!.parsed.subject).toBe('Nobody at Cabinet Coverage receives Invoices and receipts any more');

    // A second opt-out path changes nothing more: one loss, one email.
    expect((await server.api.put(`/api/v1/contacts/${staff.id}/preferences`, { invoices: false })).status).toBe(200);
    expect((await server.api.get(`/api/v1/organizations/${org}/coverage`)).body.losses).toHaveLength(1);

    expect((await server.api.put(`/api/v1/contacts/${staff.id}/preferences`, { invoices: true })).status).toBe(200);
    const restored = (await server.api.get(`/api/v1/organizations/${org}/coverage`)).body;
    expect(restored.categories[0]).toEqual({ category: 'invoices', receivers: 1, covered: true });
    expect(restored.losses).toEqual([{ category: 'invoices', lostAt: lost.losses[0].lostAt, restoredAt: expect.any(String) }]);
    await server.services.worker.notify();
    expect(smtp.to(lead.email).filter((m) => /receives/.test(m.parsed.subject ?? ''))).toHaveLength(1);
  });

  it('when the last person receiving service alerts at an organization is erased, then the coverage loss is recorded too', async () => {
    const org = await organization('Cabinet Erased');
    const only = await contact(org, 'only@erased.example');
    expect((await server.api.delete(`/api/v1/contacts/${only.id}`)).status).toBe(200);
    const coverage = (await server.api.get(`/api/v1/organizations/${org}/coverage`)).body;
    expect(coverage.categories.map((c: { category: string; covered: boolean }) => [c.category, c.covered])).toEqual([
      ['invoices', false],
      ['service-alerts', false],
      ['security-advisories', false],
    ]);
    expect(coverage.losses.map((l: { category: string }) => l.category).sort()).toEqual(['invoices', 'security-advisories', 'service-alerts']);
  });
});
