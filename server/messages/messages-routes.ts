import { problemResponses, type Endpoints } from '../http/endpoints.js';
import { schemas as s } from '../../contract/index.js';
import type { Messages } from './messages.js';

export function registerMessageRoutes(api: Endpoints, messages: Messages): void {
  api.route(
    {
      method: 'post',
      path: '/api/v1/messages',
      summary: 'Queue one email in a category; suppressed (never sent) when the contact is not subscribed',
      tag: 'Messages',
      auth: { apiKey: ['sender'] },
      body: { json: s.messageCreate },
      responses: { 202: { description: 'Queued or suppressed', schema: s.messageAccepted }, ...problemResponses(400) },
    },
    async ({ body, caller }) => ({ status: 202, body: await messages.send(body, caller.keyId) }),
  );

  api.route(
    {
      method: 'get',
      path: '/api/v1/messages/:id',
      summary: "A message's delivery status",
      tag: 'Messages',
      auth: { apiKey: ['sender', 'support'] },
      responses: { 200: { description: 'The status', schema: s.messageState }, ...problemResponses(404) },
    },
    async ({ params }) => ({ status: 200, body: await messages.get(params.id!) }),
  );
}
