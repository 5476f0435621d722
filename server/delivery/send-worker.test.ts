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
  basis: 'exempt',
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
    sent: async (id, subject, proof) => void outcomes.set(id, `sent: ${subject} (basis ${proof.basis}, sender ${proof.senderIdentity})`),
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
  fan_out_id: null,
  attempts: 0,
});

describe('the send worker, on its own interfaces (no database, no SMTP)', () => {
  it('when one contact is subscribed, one has left the category, one lapsed and the relay refuses a fourth, then each message gets its own outcome', async () => {
    const { queue, outcomes } = memoryQueue([message('m1', 'ana'), message('m2', 'ben'), message('m3', 'cy'), message('m4', 'dee')]);
    const renewals: string[] = [];
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
          consent: async (ids) =>
            new Map(
              ids.map((id) => [
                id,
                { 'ticket-updates': { subscribed: id !== 'ben' && id !== 'dee', locked: false, advisoryThreshold: 'all', ticketDelivery: 'immediate', basis: 'exempt', lapsedAt: id === 'dee' ? '2028-03-01T00:00:00.000Z' : null } },
              ]),
            ),
          category: (key) => (key === TICKETS.key ? TICKETS : undefined),
        },
        suppressions: { among: async () => new Map(), reasonFor: async () => null, add: async () => {} },
        composer,
        completeData: async (_template, _contactId, stored) => ({ data: stored }),
        mailer,
        mutes: { mayReceive: async () => true },
        digests: { collect: async () => '' },
        evidence: { senderIdentity: async (unsubscribe) => `id-${unsubscribe}`, sent: async (template, contactId) => void renewals.push(`${template} to ${contactId}`) },
        logger: pino({ level: 'silent' }),
      },
      { concurrency: 2, ratePerSecond: 0, maxAttempts: 3, retryBaseMs: 10 },
    );
    worker.start();
    for (let waited = 0; outcomes.size < 4 && waited < 5_000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    await worker.stop();
    expect(Object.fromEntries(outcomes)).toEqual({
      m1: 'sent: subject of m1 (basis exempt, sender id-one-click-and-footer)',
      m2: 'suppressed: The contact is not subscribed to this category.',
      m3: 'retry: 554 maintenance',
      m4: 'suppressed: Implied consent lapsed on 2028-03-01 (CASL s. 10(10)) and was not confirmed since.',
    });
    expect(sentTo).toEqual(['ana@example.com']);
    expect(renewals).toEqual(['ticket-update to ana']);
  });
});
