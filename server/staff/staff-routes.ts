import { schemas as s } from '../../contract/index.js';
import { problemResponses, type Endpoints } from '../http/endpoints.js';
import { notFound } from '../errors.js';
import type { StaffAccounts } from './staff-accounts.js';
import type { StaffSessions } from './staff-sessions.js';

/** Staff members, for admins (API key or console): create with a one-time link, change role, disable, re-enrol. */
export function registerStaffRoutes(api: Endpoints, accounts: StaffAccounts, sessions: StaffSessions, publicUrl: string): void {
  const linkOf = (token: string) => `${publicUrl}/console/enrol#${token}`;
  api.route(
    {
      method: 'get',
      path: '/api/v1/staff',
      summary: 'Every staff member, with how each can sign in',
      tag: 'Staff',
      auth: { apiKey: [] },
      responses: { 200: { description: 'The members', schema: s.staffList } },
    },
    async () => ({ status: 200, body: { items: await accounts.list() } }),
  );
  api.route(
    {
      method: 'post',
      path: '/api/v1/staff',
      summary: 'Create a staff member; the answer holds their one-time enrolment link (24 hours), shown once',
      tag: 'Staff',
      auth: { apiKey: [] },
      body: { json: s.staffCreate, limit: '1kb' },
      responses: { 201: { description: 'The member and the link', schema: s.staffCreated }, ...problemResponses(400, 409) },
    },
    async ({ body }) => {
      const { member, enrolmentToken } = await accounts.create(body.email, body.role);
      return { status: 201, body: { staff: member, enrolmentUrl: linkOf(enrolmentToken) } };
    },
  );
  api.route(
    {
      method: 'patch',
      path: '/api/v1/staff/:id',
      summary: 'Change a member’s role, or disable them (or enable them again); their sessions end either way',
      tag: 'Staff',
      auth: { apiKey: [] },
      body: { json: s.staffUpdate, limit: '1kb' },
      responses: { 204: { description: 'Changed' }, ...problemResponses(400, 404) },
    },
    async ({ params, body }) => {
      if (!(await accounts.update(params.id!, body))) throw notFound('staff member');
      await sessions.revokeAll(params.id!);
      return { status: 204 };
    },
  );
  api.route(
    {
      method: 'post',
      path: '/api/v1/staff/:id/enrolment',
      summary: 'A new one-time enrolment link for a member (a new device, a lost passkey)',
      tag: 'Staff',
      auth: { apiKey: [] },
      responses: { 201: { description: 'The link, shown once', schema: s.enrolmentLink }, ...problemResponses(404) },
    },
    async ({ params }) => {
      if (!(await accounts.get(params.id!))) throw notFound('staff member');
      return { status: 201, body: { enrolmentUrl: linkOf(await accounts.enrolmentLink(params.id!)) } };
    },
  );
}
