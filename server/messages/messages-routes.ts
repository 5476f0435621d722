import { problemResponses, type Endpoints } from '../http/endpoints.js';
import { schemas as s } from '../../contract/index.js';
import { MESSAGE_STATUSES, type Deliverability, type MessageState, type QueueStats } from '../../contract/index.js';
import type { Messages } from './messages.js';

/** What the dashboard reads: the queue and the suppression list, at one moment. */
export interface QueueWatch {
  stats(now: number): Promise<Pick<QueueStats, 'sentLastHour' | 'sentLastDay' | 'failures'> & { byStatus: Partial<QueueStats['byStatus']> }>;
  suppressionsAddedSince(since: string): Promise<number>;
}

/** What came back after sending: per message, and counted. */
export interface FeedbackWatch {
  of(messageId: string): Promise<Pick<MessageState, 'bounced' | 'complained'>>;
  receivedSince(since: string): Promise<{ bounces: number; complaints: number }>;
  counts(since: string): Promise<Omit<Deliverability, 'since'>>;
}

const DAY_MS = 86_400_000;

export function registerMessageRoutes(api: Endpoints, messages: Messages, queue: QueueWatch, feedback: FeedbackWatch): void {
  api.route(
    {
      method: 'get',
      path: '/api/v1/queue-stats',
      summary: 'The queue at a glance (the console’s dashboard): messages by status, sent in the last hour and day, the last day’s failures by reason, suppressions added, bounces and complaints received',
      tag: 'Messages',
      auth: { apiKey: ['sender', 'support'] },
      responses: { 200: { description: 'The figures', schema: s.queueStats } },
    },
    async () => {
      const now = Date.now();
      const dayAgo = new Date(now - DAY_MS).toISOString();
      const [stats, suppressionsAddedLastDay, received] = await Promise.all([queue.stats(now), queue.suppressionsAddedSince(dayAgo), feedback.receivedSince(dayAgo)]);
      const byStatus = Object.fromEntries(MESSAGE_STATUSES.map((status) => [status, stats.byStatus[status] ?? 0])) as QueueStats['byStatus'];
      const body: QueueStats = {
        generatedAt: new Date(now).toISOString(),
        ...stats,
        byStatus,
        suppressionsAddedLastDay,
        bouncesLastDay: received.bounces,
        complaintsLastDay: received.complaints,
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
      summary: "A message's delivery status, and any bounce or complaint reported after it was sent",
      tag: 'Messages',
      auth: { apiKey: ['sender', 'support'] },
      responses: { 200: { description: 'The status', schema: s.messageState }, ...problemResponses(404) },
    },
    async ({ params }) => {
      const message = await messages.get(params.id!);
      return { status: 200, body: { ...message, ...(await feedback.of(message.id)) } };
    },
  );

  api.route(
    {
      method: 'get',
      path: '/api/v1/deliverability',
      summary: 'Bounces and complaints received in the last `days` (30 by default), by category and by organization',
      tag: 'Messages',
      auth: { apiKey: ['sender', 'support'] },
      query: s.deliverabilityQuery,
      responses: { 200: { description: 'The counts', schema: s.deliverability }, ...problemResponses(400) },
    },
    async ({ query }) => {
      const since = new Date(Date.now() - query.days * DAY_MS).toISOString();
      return { status: 200, body: { since, ...(await feedback.counts(since)) } };
    },
  );
}
