import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/mail.js';
import { postAdvisory } from '../support/seed.js';
import { startServer, type TestServer } from '../support/server.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';
import { STORES } from '../support/stores.js';
import { SelfServiceClient, signInByMail } from '../self-service/self-service-client.js';
import { postForm } from '../support/pages.js';

describe.each(STORES)('a contact’s security advisory threshold on %s', (kind) => {
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

  const history = async (id: string) => (await server.api.get(`/api/v1/contacts/${id}/consent-history`)).body as Record<string, unknown>[];

  it('when a contact takes critical advisories only, then high ones skip them in a fan-out and in the messages API, critical ones reach them, and each change of threshold is in the history', async () => {
    const org = (await server.api.post('/api/v1/organizations', { name: 'Seuil inc.', locale: 'fr' })).body.id;
    const picky = (await server.api.post('/api/v1/contacts', { organizationId: org, email: 'picky@seuil.example' })).body;
    const everyone = (await server.api.post('/api/v1/contacts', { organizationId: org, email: 'all@seuil.example' })).body;
    const set = await server.api.put(`/api/v1/contacts/${picky.id}/preferences`, { 'security-advisories': { subscribed: true, advisoryThreshold: 'critical' } });
    expect(set.status).toBe(200);
    expect(set.body.advisoryThreshold).toBe('critical');
    expect((await history(picky.id)).at(-1)).toEqual({
      category: 'security-advisories',
      subscribed: true,
      source: 'admin',
      at: expect.any(String),
      basis: 'implied-relationship',
      basisSince: expect.any(String),
      wordingVersion: null,
      wordingLocale: null,
      advisoryThreshold: 'critical',
    });
    expect((await server.api.put(`/api/v1/contacts/${picky.id}/preferences`, { invoices: { subscribed: true, advisoryThreshold: 'high' } })).status).toBe(400);

    const high = await postAdvisory(server.url, { id: `high-${kind}`, severity: 'high', organizationIds: [org] });
    expect(await high.json()).toMatchObject({ queued: 1, suppressed: 1 });
    await eventually(async () => smtp.to(everyone.email), (m) => m.length >= 1);
    const critical = await postAdvisory(server.url, { id: `critical-${kind}`, severity: 'critical', organizationIds: [org] });
    expect(await critical.json()).toMatchObject({ queued: 2, suppressed: 0 });
    const reached = await eventually(async () => smtp.to(picky.email), (m) => m.length >= 1);
    expect(reached).toHaveLength(1);
    expect(reached[0]!.parsed.subject).toMatch(/^\[Critique\]|^\[Critical\]/);

    const direct = await server.api.post('/api/v1/messages', {
      category: 'security-advisories',
      template: 'security-advisory',
      to: { contactId: picky.id },
      data: { title: 'Medium one', severity: 'medium', summary: 'S', body: 'B' },
    });
    const outcome = await eventually(() => server.api.get(`/api/v1/messages/${direct.body.id}`).then((r) => r.body), (m) => m.status !== 'queued' && m.status !== 'sending');
    expect(outcome).toMatchObject({ status: 'suppressed', lastError: 'The contact receives only advisories of severity critical and above.' });
  });

  it('when the threshold is set on the preference page and in the extension, then it is saved and recorded with each surface’s source', async () => {
    const org = (await server.api.post('/api/v1/organizations', { name: 'Seuil page', locale: 'en' })).body.id;
    const person = (await server.api.post('/api/v1/contacts', { organizationId: org, email: 'page@seuil.example' })).body;
    const url = `${server.url}/p/${server.services.tokens.link('preferences', person.id)}`;
    const page = await (await fetch(url)).text();
    expect(page).toMatch(/<select id="advisory-threshold" name="advisoryThreshold">/);
    expect(page).toMatch(/<option value="all" selected/);
    const saved = await postForm(url, [
      ['action', 'save'],
      ['category', 'ticket-updates'],
      ['category', 'invoices'],
      ['category', 'security-advisories'],
      ['category', 'service-alerts'],
      ['advisoryThreshold', 'high'],
    ]);
    expect(saved.status).toBe(200);
    expect(saved.text).toMatch(/<option value="high" selected/);
    expect((await server.api.get(`/api/v1/contacts/${person.id}`)).body.advisoryThreshold).toBe('high');
    expect((await history(person.id)).at(-1)).toMatchObject({ category: 'security-advisories', source: 'preference-page', advisoryThreshold: 'high', wordingVersion: 'preference-page@1' });
    expect((await postForm(url, [['action', 'save'], ['advisoryThreshold', 'sometimes']])).status).toBe(400);

    const extension = new SelfServiceClient(server);
    await signInByMail(extension, smtp, person.email);
    const me = await extension.request('PUT', '/api/v1/me/advisory-threshold?wording=extension%401&locale=en', { advisoryThreshold: 'all' });
    expect(me.status).toBe(200);
    expect(me.body.advisoryThreshold).toBe('all');
    expect((await history(person.id)).at(-1)).toMatchObject({ category: 'security-advisories', subscribed: true, source: 'extension', advisoryThreshold: 'all', wordingVersion: 'extension@1' });
    expect((await extension.request('PUT', '/api/v1/me/advisory-threshold', { advisoryThreshold: 'medium' })).status).toBe(400);
  });
});
