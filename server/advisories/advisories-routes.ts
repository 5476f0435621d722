import { rateLimit, type Store } from 'express-rate-limit';
import { schemas as s, type FanOutKind } from '../../contract/index.js';
import { problemResponses, type Endpoints } from '../http/endpoints.js';
import { sendProblem, AppError } from '../http/problem.js';
import { notFound } from '../errors.js';
import type { FanOuts } from './fan-outs.js';
import type { AdvisoryAcknowledgments } from './acknowledgments.js';
import type { FanOutReports } from './fan-out-report.js';
import type { AdvisoryTests } from './advisory-tests.js';

export interface AdvisoryRoutesDeps {
  fanOuts: FanOuts;
  acknowledgments: AdvisoryAcknowledgments;
  reports: FanOutReports;
  tests: AdvisoryTests;
  /** Where the tests sent by each caller are counted. */
  testLimitStore: Store;
  /** Where a preview's links point (they do nothing). */
  previewLink: string;
  /** The contact's language, for the advisories listed to them. */
  localeOf: (contactId: string) => Promise<'en' | 'fr'>;
  onRecorded: () => void;
}

/**
 * The support team's webhooks (a security advisory, a service alert, each by revision), their
 * delivery reports, and a signed-in contact's view and acknowledgment of its organization's advisories.
 */
export function registerAdvisoryRoutes(api: Endpoints, deps: AdvisoryRoutesDeps): void {
  const { fanOuts, acknowledgments, reports } = deps;
  /** A revision recorded now is 202 and wakes the worker; one recorded before answers its first answer with 200. */
  const accepted = ({ created, answer }: { created: boolean; answer: object }) => {
    if (created) deps.onRecorded();
    return { status: created ? 202 : 200, body: answer };
  };

  api.route(
    {
      method: 'post',
      path: '/hooks/advisories',
      summary:
        'Send a security advisory (English, French or both) to every subscribed contact of some organizations (all when none are named); a higher revision goes to the same recipients as an update; the same id and revision again sends nothing',
      tag: 'Webhooks',
      auth: { signature: true },
      body: { signedJson: s.advisoryCreate, limit: '256kb' },
      responses: {
        202: { description: 'Recorded; its audience is being queued', schema: s.advisoryAccepted },
        200: { description: 'This revision (or a later one) was recorded before: its answer', schema: s.advisoryAccepted },
        ...problemResponses(400, 413, 415),
      },
    },
    async ({ body }) => {
      return accepted(await fanOuts.recordAdvisory(body));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/hooks/service-alerts',
      summary:
        'Tell the subscribers of service alerts about an incident; a higher revision goes only to those who received the first, marked as an update; `resolved` closes the alert',
      tag: 'Webhooks',
      auth: { signature: true },
      body: { signedJson: s.serviceAlertCreate, limit: '64kb' },
      responses: {
        202: { description: 'Recorded; its audience is being queued', schema: s.serviceAlertAccepted },
        200: { description: 'This revision (or a later one) was recorded before: its answer, nothing sent', schema: s.serviceAlertAccepted },
        ...problemResponses(400, 409, 413, 415),
      },
    },
    async ({ body }) => {
      return accepted(await fanOuts.recordServiceAlert(body));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/api/v1/advisories/preview',
      summary: 'The advisory’s email in English and French as recipients will see it, and how many it would reach; nothing is recorded',
      tag: 'Reports',
      auth: { apiKey: ['sender'] },
      body: { json: s.advisoryCreate, limit: '256kb' },
      responses: { 200: { description: 'The preview', schema: s.advisoryPreview }, ...problemResponses(400) },
    },
    async ({ body }) => {
      const { audience, data } = await fanOuts.previewAdvisory(body);
      const [en, fr] = await Promise.all([fanOuts.renderAdvisory(data, 'en', deps.previewLink), fanOuts.renderAdvisory(data, 'fr', deps.previewLink)]);
      return { status: 200, body: { audience, emails: { en, fr } } };
    },
  );

  // A test goes to the caller's own address: enough for people checking a draft, none for a flood.
  const testsPerCaller = rateLimit({
    store: deps.testLimitStore,
    windowMs: 15 * 60_000,
    limit: 20,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (_req, res) => res.locals.caller?.keyId ?? '',
    handler: (_req, res) => sendProblem(res, new AppError(429, 'rate-limited', 'Too many requests.', 'Too many tests in 15 minutes: wait a few minutes.')),
  });
  api.route(
    {
      method: 'post',
      path: '/api/v1/advisories/test',
      summary: 'Send the advisory, once in English and once in French, marked as a test, to the signed-in staff member’s own address; nothing is recorded and no contact receives it',
      tag: 'Reports',
      auth: { apiKey: ['sender'] },
      body: { json: s.advisoryCreate, limit: '256kb' },
      limits: [testsPerCaller],
      responses: { 200: { description: 'Sent', schema: s.advisoryTestSent }, ...problemResponses(400, 409, 429, 502) },
    },
    async ({ body, caller }) => ({ status: 200, body: await deps.tests.send(caller.keyId, body) }),
  );

  api.route(
    {
      method: 'post',
      path: '/api/v1/advisories',
      summary: 'Send a security advisory from the console or an integration with an API key: the same body and answers as the signed webhook',
      tag: 'Reports',
      auth: { apiKey: ['sender'] },
      body: { json: s.advisoryCreate, limit: '256kb' },
      responses: {
        202: { description: 'Recorded; its audience is being queued', schema: s.advisoryAccepted },
        200: { description: 'This revision (or a later one) was recorded before: its answer', schema: s.advisoryAccepted },
        ...problemResponses(400),
      },
    },
    async ({ body }) => {
      return accepted(await fanOuts.recordAdvisory(body));
    },
  );

  const reportRoutes = (kind: FanOutKind, base: string, param: string, what: string) => {
    api.route(
      {
        method: 'get',
        path: base,
        summary: `${what}s, the latest first, with their delivery totals and how many organizations acknowledged`,
        tag: 'Reports',
        auth: { apiKey: ['support', 'sender'] },
        query: s.fanOutListQuery,
        responses: { 200: { description: `A page of ${what}s`, schema: s.fanOutList }, ...problemResponses(400) },
      },
      async ({ query }) => ({ status: 200, body: await reports.list(kind, query) }),
    );
    api.route(
      {
        method: 'get',
        path: `${base}/:${param}`,
        summary: `The delivery report of one ${what}, per revision and per organization: queued, sent, failed, suppressed and why${kind === 'security-advisory' ? ', who read it and applied the fix, who was reminded' : ''}`,
        tag: 'Reports',
        auth: { apiKey: ['support', 'sender'] },
        responses: { 200: { description: 'The report', schema: s.fanOutReport }, ...problemResponses(404) },
      },
      async ({ params }) => ({ status: 200, body: await reports.report(kind, params[param]!) }),
    );
    api.route(
      {
        method: 'get',
        path: `${base}/:${param}/report.csv`,
        summary: `The same report as CSV, one organization a line (for spreadsheets)`,
        tag: 'Reports',
        auth: { apiKey: ['support', 'sender'] },
        answers: 'text',
        responses: { 200: { description: 'text/csv' }, ...problemResponses(404) },
      },
      async ({ params }) => ({
        status: 200,
        text: await reports.reportCsv(kind, params[param]!),
        type: 'text/csv; charset=utf-8',
        headers: { 'Content-Disposition': `attachment; filename="${kind}-report.csv"` },
      }),
    );
  };
  reportRoutes('security-advisory', '/api/v1/advisories', 'advisoryId', 'security advisory');
  reportRoutes('service-alert', '/api/v1/service-alerts', 'alertId', 'service alert');

  api.route(
    {
      method: 'get',
      path: '/api/v1/me/advisories',
      summary: 'The security advisories sent to the contact’s organization in the last 90 days, those waiting for an acknowledgment first',
      tag: 'Self-service (browser extension)',
      auth: { session: true },
      responses: { 200: { description: 'The advisories', schema: s.myAdvisories } },
    },
    async ({ session }) => ({
      status: 200,
      body: { items: await acknowledgments.forContact(session.contactId, await deps.localeOf(session.contactId)) },
    }),
  );

  api.route(
    {
      method: 'post',
      path: '/api/v1/me/advisories/:advisoryId/acknowledgments',
      summary: '"I have read this" or (high, critical) "We have applied the fix", for the contact’s whole organization; the first person’s counts',
      tag: 'Self-service (browser extension)',
      auth: { session: true },
      body: { json: s.acknowledgmentCreate, limit: '1kb' },
      responses: { 200: { description: 'The advisory as the organization now sees it', schema: s.myAdvisory }, ...problemResponses(400, 404) },
    },
    async ({ session, params, body }) => {
      const id = await acknowledgments.originalId(params.advisoryId!);
      if (!id) throw notFound('advisory');
      await acknowledgments.acknowledge(session.contactId, id, body.action);
      const [item] = await acknowledgments.forContact(session.contactId, await deps.localeOf(session.contactId), id);
      return { status: 200, body: item };
    },
  );
}
