import { problemResponses, type Endpoints } from '../http/endpoints.js';
import { schemas as s } from '../../contract/index.js';
import { MESSAGE_STATUSES, type QueueStats } from '../../contract/index.js';
import type { Messages } from './messages.js';

/** What the dashboard reads: the queue and the suppression list, at one moment. */
export interface QueueWatch {
  stats(now: number): Promise<Omit<QueueStats, 'generatedAt' | 'suppressionsAddedLastDay' | 'byStatus'> & { byStatus: Partial<QueueStats['byStatus']> }>;
  suppressionsAddedSince(since: string): Promise<number>;
}

export function registerMessageRoutes(api: Endpoints, messages: Messages, queue: QueueWatch): void {
  api.route(
    {
      method: 'get',
      path: '/api/v1/queue-stats',
      summary: 'The queue at a glance (the console’s dashboard): messages by status, sent in the last hour and day, the last day’s failures by reason, suppressions added',
      tag: 'Messages',
      auth: { apiKey: ['sender', 'support'] },
      responses: { 200: { description: 'The figures', schema: s.queueStats } },
    },
    async () => {
      const now = Date.now();
      const stats = await queue.stats(now);
      const byStatus = Object.fromEntries(MESSAGE_STATUSES.map((status) => [status, stats.byStatus[status] ?? 0])) as QueueStats['byStatus'];
      const body: QueueStats = {
        generatedAt: new Date(now).toISOString(),
        ...stats,
        byStatus,
        suppressionsAddedLastDay: await queue.suppressionsAddedSince(new Date(now - 86_400_000).toISOString()),
      };
      return { status: 200, body };
    },
  );

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
