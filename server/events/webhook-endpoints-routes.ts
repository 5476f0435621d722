import { problemResponses, type Endpoints } from '../http/endpoints.js';
import { notFound } from '../http/problem.js';
import { schemas as s } from '../../contract/index.js';
import type { WebhookEndpoints } from './webhook-endpoints.js';
import type { EventLog } from './event-log.js';

const TAG = 'Outgoing webhooks';

export function registerWebhookEndpointRoutes(api: Endpoints, endpoints: WebhookEndpoints, events: EventLog, delivered: () => void): void {
  api.route(
    {
      method: 'post',
      path: '/api/v1/webhook-endpoints',
      summary: 'Register an endpoint for events; its signing secret is shown this once',
      tag: TAG,
      auth: { apiKey: [] },
      body: { json: s.webhookEndpointCreate },
      responses: { 201: { description: 'The endpoint, with its secret', schema: s.webhookEndpointCreated }, ...problemResponses(400) },
    },
    async ({ body }) => ({ status: 201, body: await endpoints.create(body) }),
  );

  api.route(
    {
      method: 'get',
      path: '/api/v1/webhook-endpoints',
      summary: 'Every endpoint, newest first (never a secret)',
      tag: TAG,
      auth: { apiKey: [] },
      responses: { 200: { description: 'The endpoints', schema: s.webhookEndpointList } },
    },
    async () => ({ status: 200, body: { items: await endpoints.list() } }),
  );

  api.route(
    {
      method: 'get',
      path: '/api/v1/webhook-endpoints/:id',
      summary: 'One endpoint (never its secret)',
      tag: TAG,
      auth: { apiKey: [] },
      responses: { 200: { description: 'The endpoint', schema: s.webhookEndpoint }, ...problemResponses(404) },
    },
    async ({ params }) => ({ status: 200, body: await endpoints.get(params.id!) }),
  );

  api.route(
    {
      method: 'patch',
      path: '/api/v1/webhook-endpoints/:id',
      summary: 'Change an endpoint, or disable and enable it',
      tag: TAG,
      auth: { apiKey: [] },
      body: { json: s.webhookEndpointUpdate },
      responses: { 200: { description: 'The endpoint as changed', schema: s.webhookEndpoint }, ...problemResponses(400, 404) },
    },
    async ({ params, body }) => ({ status: 200, body: await endpoints.update(params.id!, body) }),
  );

  api.route(
    {
      method: 'post',
      path: '/api/v1/webhook-endpoints/:id/rotate-secret',
      summary: 'A new signing secret, shown this once; the previous one keeps signing alongside it for the overlap',
      tag: TAG,
      auth: { apiKey: [] },
      body: { json: s.webhookSecretRotate },
      responses: { 200: { description: 'The endpoint, with its new secret', schema: s.webhookSecretRotated }, ...problemResponses(400, 404) },
    },
    async ({ params, body }) => ({ status: 200, body: await endpoints.rotateSecret(params.id!, body.overlapHours) }),
  );

  api.route(
    {
      method: 'delete',
      path: '/api/v1/webhook-endpoints/:id',
      summary: 'Remove an endpoint; nothing more is sent to it',
      tag: TAG,
      auth: { apiKey: [] },
      responses: { 204: { description: 'Removed' }, ...problemResponses(404) },
    },
    async ({ params }) => {
      await endpoints.remove(params.id!);
      return { status: 204 };
    },
  );

  api.route(
    {
      method: 'get',
      path: '/api/v1/webhook-endpoints/:id/deliveries',
      summary: 'The endpoint’s deliveries, latest events first: status, attempts, and the last attempt’s answer and time',
      tag: TAG,
      auth: { apiKey: [] },
      query: s.webhookDeliveryQuery,
      responses: { 200: { description: 'The deliveries', schema: s.webhookDeliveryList }, ...problemResponses(400, 404) },
    },
    async ({ params, query }) => {
      await endpoints.get(params.id!);
      return { status: 200, body: { items: await events.deliveries(params.id!, query.limit) } };
    },
  );

  api.route(
    {
      method: 'post',
      path: '/api/v1/webhook-endpoints/:id/deliveries/:eventId/replay',
      summary: 'Send an event to the endpoint again, now, in its place in the order',
      tag: TAG,
      auth: { apiKey: [] },
      responses: { 202: { description: 'Queued again' }, ...problemResponses(404) },
    },
    async ({ params }) => {
      await endpoints.get(params.id!);
      if (!(await events.replay(params.id!, params.eventId!))) throw notFound('delivery');
      delivered();
      return { status: 202 };
    },
  );
}
