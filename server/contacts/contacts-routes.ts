import { problemResponses, type Endpoints } from '../http/endpoints.js';
import { AppError } from '../http/problem.js';
import { schemas as s } from '../../contract/index.js';
import { originOf } from '../http/origin.js';
import type { Contacts } from './contacts.js';

export function registerContactRoutes(
  api: Endpoints,
  contacts: Contacts,
): void {
  api.route(
    {
      method: 'post',
      path: '/api/v1/contacts',
      summary: 'Create a contact; it starts with each category at its default',
      tag: 'Contacts',
      auth: { apiKey: [] },
      body: { json: s.contactCreate },
      responses: { 201: { description: 'The contact', schema: s.contact }, ...problemResponses(400, 409) },
    },
    async ({ body }) => ({ status: 201, body: await contacts.create(body) }),
  );

  api.route(
    {
      method: 'get',
      path: '/api/v1/contacts',
      summary: 'Find contacts by organization, email or name (every word of it, any order, accents and case ignored), a page at a time (pass nextCursor as cursor)',
      tag: 'Contacts',
      auth: { apiKey: ['support'] },
      query: s.contactQuery,
      responses: { 200: { description: 'A page of contacts', schema: s.contactList }, ...problemResponses(400) },
    },
    async ({ query }) => ({ status: 200, body: await contacts.list(query) }),
  );

  api.route(
    {
      method: 'post',
      path: '/api/v1/contacts/import',
      summary: 'Upsert contacts from CSV (email,name,locale,organizationId); bad rows are reported by line',
      tag: 'Contacts',
      auth: { apiKey: [] },
      body: { csv: s.csvBody, limit: '5mb' },
      responses: { 200: { description: 'What was imported and what was not', schema: s.importReport }, ...problemResponses(400, 413, 415) },
    },
    async ({ body }) => ({ status: 200, body: await contacts.importCsv(body) }),
  );

  api.route(
    {
      method: 'get',
      path: '/api/v1/contacts/:id',
      summary: 'Read a contact with its preferences',
      tag: 'Contacts',
      auth: { apiKey: ['support'] },
      responses: { 200: { description: 'The contact', schema: s.contact }, ...problemResponses(404) },
    },
    async ({ params }) => ({ status: 200, body: await contacts.getOrThrow(params.id!) }),
  );

  api.route(
    {
      method: 'patch',
      path: '/api/v1/contacts/:id',
      summary:
        "Correct a contact (name, phone, job title, locale; email: admin only). A new email ends the contact's sessions, voids its sign-in codes and notifies the old address",
      tag: 'Contacts',
      auth: { apiKey: ['support'] },
      body: { json: s.contactPatch },
      responses: { 200: { description: 'The contact', schema: s.contact }, ...problemResponses(400, 403, 404, 409) },
    },
    async ({ params, body, caller, audit }) => {
      // The address decides where sign-in codes go: whoever may change it may sign in as the contact.
      if (body.email !== undefined && caller.role !== 'admin') {
        throw new AppError(403, 'forbidden', 'Your API key may not do this.', "Only an admin key may change a contact's email address.");
      }
      // The organization lead sets what its whole staff must receive: only an admin names one.
      if (body.orgLead !== undefined && caller.role !== 'admin') {
        throw new AppError(403, 'forbidden', 'Your API key may not do this.', 'Only an admin key may name or remove an organization lead.');
      }
      const { contact, emailChanged } = await contacts.update(params.id!, body);
      if (emailChanged) audit.detail = 'email changed; sessions and sign-in codes revoked; the old address notified';
      return { status: 200, body: contact };
    },
  );

  api.route(
    {
      method: 'put',
      path: '/api/v1/contacts/:id/preferences',
      summary:
        'Set some categories on or off (recorded with source admin): a boolean rests on the category’s default basis; {subscribed, basis, since} says what it rests on; {subscribed: true, confirm: true} emails the person a confirmation first (double opt-in) and leaves the category off until they confirm',
      tag: 'Consent',
      auth: { apiKey: [] },
      body: { json: s.adminPreferencesUpdate },
      responses: { 200: { description: 'The contact', schema: s.contact }, ...problemResponses(400, 404) },
    },
    async ({ params, body, req, audit }) => {
      const { contact, asked } = await contacts.setPreferencesAsking(params.id!, body, originOf(req, 'admin'));
      if (asked.length) audit.detail = `double opt-in emailed for ${asked.join(', ')}`;
      return { status: 200, body: contact };
    },
  );

  api.route(
    {
      method: 'get',
      path: '/api/v1/contacts/:id/consent-history',
      summary: 'Every consent change of a contact, oldest first',
      tag: 'Consent',
      auth: { apiKey: ['support'] },
      responses: { 200: { description: 'The history', schema: s.consentHistory }, ...problemResponses(404) },
    },
    async ({ params }) => ({ status: 200, body: await contacts.history(params.id!) }),
  );
}
