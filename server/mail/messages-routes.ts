import type { ApiRouter } from '../http/api-router.js';
import * as s from '../api/schemas.js';
import type { Messages } from './messages.js';

export function registerMessageRoutes(api: ApiRouter, messages: Messages): void {
  api.route(
    {
      method: 'post',
      path: '/messages',
      summary: 'Queue one email in a category; suppressed (never sent) when the contact is not subscribed',
      tag: 'Messages',
      roles: ['sender'],
      body: s.messageCreate,
      responses: { 202: { description: 'Queued or suppressed', schema: s.messageAccepted }, ...s.problems(400) },
    },
    async ({ body, caller }) => ({ status: 202, body: await messages.send(body, caller.keyId) }),
  );

  api.route(
    {
      method: 'get',
      path: '/messages/:id',
      summary: "A message's delivery status",
      tag: 'Messages',
      roles: ['sender', 'support'],
      responses: { 200: { description: 'The status', schema: s.messageState }, ...s.problems(404) },
    },
    async ({ params }) => ({ status: 200, body: await messages.get(params.id!) }),
  );
}
