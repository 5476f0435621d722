import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { CategoryInfo } from '../../contract/index.js';
import type { Composer } from './compose.js';
import { SendWorker, type QueuedMessage, type Queue } from './send-worker.js';
import type { Mailer } from './transport.js';

const TICKETS: CategoryInfo = {
  key: 'ticket-updates',
  label: { en: 'Ticket updates', fr: 'Suivi des demandes' },
  description: { en: 'Tickets.', fr: 'Demandes.' },
  subscribedByDefault: true,
  required: false,
};

/** An in-memory queue that records each message's outcome. */
function memoryQueue(messages: QueuedMessage[]) {
  const outcomes = new Map<string, string>();
  let claimed = false;
  const queue: Queue = {
    claim: async () => (claimed ? [] : ((claimed = true), messages)),
    extendLease: async () => {},
    release: async () => {},
    templateData: (message) => (message.data ? (JSON.parse(message.data) as Record<string, unknown>) : null),
    sent: async (id, subject) => void outcomes.set(id, `sent: ${subject}`),
    retryLater: async (id, error) => void outcomes.set(id, `retry: ${error}`),
    failed: async (id, error) => void outcomes.set(id, `failed: ${error}`),
    suppressed: async (id, reason) => void outcomes.set(id, `suppressed: ${reason}`),
  };
  return { queue, outcomes };
}

const message = (id: string, contactId: string): QueuedMessage => ({
  id,
  contact_id: contactId,
  category: 'ticket-updates',
  template: 'ticket-update',
  data: JSON.stringify({ subject: `subject of ${id}` }),
  advisory_id: null,
  attempts: 0,
});

describe('the send worker, on its own interfaces (no database, no SMTP)', () => {
  it('when one contact is subscribed, one has left the category and the relay refuses a third, then each message gets its own outcome', async () => {
    const { queue, outcomes } = memoryQueue([message('m1', 'ana'), message('m2', 'ben'), message('m3', 'cy')]);
    const sentTo: string[] = [];
    const mailer: Mailer = {
      kind: 'smtp',
      send: async (mail) => {
        const to = (mail.to as { address: string }).address;
        if (to === 'cy@example.com') throw Object.assign(new Error('greeting refused'), { code: 'EPROTOCOL', command: 'CONN', responseCode: 554, response: '554 maintenance' });
        sentTo.push(to);
        return { response: '250 ok' };
      },
      close: () => {},
    };
    const composer: Composer = {
      compose: async ({ data, recipient }) => ({ subject: String(data.subject), mail: { to: { name: '', address: recipient.email } } }),
    };
    const worker = new SendWorker(
      {
        queue,
        fanOuts: { expandNext: async () => false, templateData: async () => null },
        audience: {
          recipients: async (ids) => new Map(ids.map((id) => [id, { email: `${id}@example.com`, name: null, locale: 'en' as const }])),
          preferences: async (ids) => new Map(ids.map((id) => [id, { 'ticket-updates': id !== 'ben' }])),
          category: (key) => (key === TICKETS.key ? TICKETS : undefined),
        },
        suppressions: { among: async () => new Map(), reasonFor: async () => null, add: async () => {} },
        composer,
        completeData: async (_template, _contactId, stored) => ({ data: stored }),
        mailer,
        logger: pino({ level: 'silent' }),
      },
      { concurrency: 2, ratePerSecond: 0, maxAttempts: 3, retryBaseMs: 10 },
    );
    worker.start();
    for (let waited = 0; outcomes.size < 3 && waited < 5_000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    await worker.stop();
    expect(Object.fromEntries(outcomes)).toEqual({
      m1: 'sent: subject of m1',
      m2: 'suppressed: The contact is not subscribed to this category.',
      m3: 'retry: 554 maintenance',
    });
    expect(sentTo).toEqual(['ana@example.com']);
  });
});
