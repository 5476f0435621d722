import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, startServer, seedContact, type TestServer } from '../support/server.js';

describe('structured logs', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer('sqlite');
  });
  afterAll(() => server.close());

  it('when requests carry emails, keys and secrets, then no log line contains any of them, and every line has a request id', async () => {
    const { contact, organizationId } = await seedContact(server.api, 'secret.person@private.example');
    const created = await server.api.post('/api/v1/api-keys', { name: 'ci', role: 'support' });
    const newKey: string = created.body.key;
    await server.api.as(newKey).get(`/api/v1/contacts?email=${encodeURIComponent('secret.person@private.example')}`);
    await server.api.get(`/api/v1/contacts/${encodeURIComponent('leak@private.example')}`);
    await server.api.post('/api/v1/contacts', { organizationId, email: 'secret.person@private.example' }); // 409
    await server.api.as('sk_wrong_key_value_123456').get('/api/v1/contacts');
    await server.api.request('POST', '/api/v1/contacts/import', {
      body: `email,name,locale,organizationId\ncsv.person@private.example,Csv Person,en,${organizationId}\n`,
      contentType: 'text/csv',
    });
    await server.api.patch(`/api/v1/contacts/${contact.id}`, { name: 'Confidential Name' });

    expect(server.logs.length).toBeGreaterThan(6);
    const all = server.logs.join('\n');
    for (const secret of [
      'secret.person',
      'private.example',
      'csv.person',
      'Confidential Name',
      ADMIN_KEY,
      newKey,
      'sk_wrong_key_value_123456',
      server.config.webhookSecret,
      server.config.tokenSecrets[0]!.secret,
    ]) {
      expect(all).not.toContain(secret);
    }
    for (const line of server.logs) {
      const entry = JSON.parse(line);
      if (entry.req) expect(entry.req.id).toMatch(/^[\w.-]{8,}$/);
    }
  });
});

describe('OpenAPI document', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer('sqlite');
  });
  afterAll(() => server.close());

  it('when fetched, then it is OpenAPI 3.1 describing every JSON route (admin, self-service, webhook) from the validating schemas', async () => {
    const res = await fetch(`${server.url}/api/openapi.json`);
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(doc.openapi).toBe('3.1.0');
    const operations = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(
      [
        'POST /api/v1/api-keys',
        'DELETE /api/v1/api-keys/{id}',
        'GET /api/v1/api-keys',
        'POST /api/v1/webhook-endpoints',
        'GET /api/v1/webhook-endpoints',
        'GET /api/v1/webhook-endpoints/{id}',
        'PATCH /api/v1/webhook-endpoints/{id}',
        'DELETE /api/v1/webhook-endpoints/{id}',
        'POST /api/v1/webhook-endpoints/{id}/rotate-secret',
        'GET /api/v1/webhook-endpoints/{id}/deliveries',
        'POST /api/v1/webhook-endpoints/{id}/deliveries/{eventId}/replay',
        'POST /api/v1/organizations',
        'GET /api/v1/organizations/{id}',
        'POST /api/v1/contacts',
        'GET /api/v1/contacts',
        'POST /api/v1/contacts/import',
        'GET /api/v1/contacts/{id}',
        'PATCH /api/v1/contacts/{id}',
        'DELETE /api/v1/contacts/{id}',
        'PUT /api/v1/contacts/{id}/preferences',
        'GET /api/v1/contacts/{id}/consent-history',
        'GET /api/v1/consent-wordings',
        'GET /api/v1/consent-wordings/{version}',
        'GET /api/v1/contacts/{id}/export',
        'GET /api/v1/contacts/{id}/evidence',
        'GET /api/v1/organizations/{id}/evidence',
        'GET /api/v1/organizations/{id}/policy',
        'GET /api/v1/organizations/{id}/coverage',
        'GET /api/v1/coverage',
        'POST /api/v1/suppressions/search',
        'GET /api/v1/suppressions/recent',
        'POST /api/v1/suppressions/remove',
        'PUT /api/v1/organizations/{id}/policy',
        'POST /api/v1/messages',
        'GET /api/v1/messages/{id}',
        'GET /api/v1/audit-log',
        'POST /api/v1/session/code',
        'POST /api/v1/session',
        'DELETE /api/v1/session',
        'GET /api/v1/me',
        'PATCH /api/v1/me',
        'DELETE /api/v1/me',
        'GET /api/v1/me/export',
        'PUT /api/v1/me/preferences',
        'GET /api/v1/me/organization',
        'GET /api/v1/me/muted-tickets',
        'GET /api/v1/me/messages',
        'PUT /api/v1/me/advisory-threshold',
        'PUT /api/v1/me/ticket-delivery',
        'DELETE /api/v1/me/muted-tickets/{ticketId}',
        'PUT /api/v1/me/organization/policy',
        'POST /hooks/advisories',
        'POST /hooks/service-alerts',
        'POST /hooks/relays/sendgrid',
        'POST /hooks/relays/postmark',
        'POST /hooks/relays/ses',
        'GET /api/v1/advisories',
        'GET /api/v1/advisories/{advisoryId}',
        'GET /api/v1/service-alerts',
        'GET /api/v1/service-alerts/{alertId}',
        'GET /api/v1/me/advisories',
        'POST /api/v1/me/advisories/{advisoryId}/acknowledgments',
        'GET /api/v1/queue-stats',
        'GET /api/v1/deliverability',
        'GET /api/v1/staff',
        'POST /api/v1/staff',
        'PATCH /api/v1/staff/{id}',
        'POST /api/v1/staff/{id}/enrolment',
        'POST /console/api/sign-in/code',
        'POST /console/api/sign-in/recovery',
        'POST /console/api/authenticator',
        'POST /console/api/authenticator/confirm',
        'GET /api/v1/organizations',
        'POST /api/v1/advisories/preview',
        'POST /api/v1/advisories/test',
        'POST /api/v1/advisories',
        'POST /console/api/enrolment/options',
        'POST /console/api/enrolment',
        'POST /console/api/sign-in/options',
        'POST /console/api/sign-in',
        'GET /console/api/session',
        'DELETE /console/api/session',
        'GET /console/api/sign-in/methods',
        'GET /console/api/sso/pending',
        'POST /console/api/sso/passkey/options',
        'POST /console/api/sso/passkey',
        'POST /console/api/sso/code',
        'POST /console/api/sso/enrolment/options',
        'POST /console/api/sso/enrolment',
        'GET /healthz',
        'GET /api/openapi.json',
      ].sort(),
    );
    // An admin's preference is a boolean, or a setting saying what it rests on.
    const setting = doc.paths['/api/v1/contacts/{id}/preferences'].put.requestBody.content['application/json'].schema.additionalProperties.anyOf;
    expect(setting[0]).toEqual({ type: 'boolean' });
    expect(setting[1].properties.basis.enum).toEqual(['express', 'implied-relationship', 'implied-inquiry', 'exempt', 'b2b']);
    expect(Object.keys(setting[1].properties).sort()).toEqual(['advisoryThreshold', 'basis', 'confirm', 'since', 'subscribed', 'ticketDelivery']);
    expect(doc.paths['/api/v1/contacts/{id}/evidence'].get.responses['200'].content['application/json'].schema.properties.messages).toBeDefined();
    const create = doc.paths['/api/v1/contacts'].post;
    const schema = create.requestBody.content['application/json'].schema;
    expect(schema.required.sort()).toEqual(['email', 'organizationId']);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.locale.enum).toEqual(['en', 'fr']);
    expect(create.responses['409'].content['application/problem+json']).toBeDefined();
    const list = doc.paths['/api/v1/contacts'].get;
    expect(list.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['cursor', 'email', 'limit', 'name', 'organizationId']);
    expect(doc.paths['/api/v1/contacts/import'].post.requestBody.content['text/csv']).toBeDefined();
    // A relay's webhook is described whether or not the relay is configured here.
    expect(doc.paths['/hooks/relays/sendgrid'].post.responses['404']).toBeDefined();
  });
});
