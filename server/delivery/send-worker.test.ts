import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { CategoryInfo } from '../../contract/index.js';
import type { Composer } from './compose.js';
import { SendWorker, type QueuedMessage, type Queue, type SendMetrics, type WorkerDeps } from './send-worker.js';
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
    extendLease: async () => [],
    release: async () => {},
    templateData: (message) => (message.data ? (JSON.parse(message.data) as Record<string, unknown>) : null),
    sent: async ({ id }, subject, proof) => void outcomes.set(id, `sent: ${subject} (basis ${proof.basis}, sender ${proof.senderIdentity})`),
    retryLater: async ({ id }, error) => void outcomes.set(id, `retry: ${error}`),
    failed: async ({ id }, kind, error, codes) => void outcomes.set(id, `failed ${kind}${codes?.statusCode ? ` ${codes.smtpCode} ${codes.statusCode}` : ''}: ${error}`),
    suppressed: async ({ id }, reason, detail) => void outcomes.set(id, `suppressed ${reason}: ${detail}`),
  };
  return { queue, outcomes };
}

/** Every count the worker reports, as `name label` → how many. */
function countedMetrics() {
  const counts = new Map<string, number>();
  const add = (key: string, n = 1) => counts.set(key, (counts.get(key) ?? 0) + n);
  const metrics: SendMetrics = {
    sent: (category, template) => add(`sent ${category}/${template}`),
    failed: (kind) => add(`failed ${kind}`),
    retried: (kind) => add(`retried ${kind}`),
    suppressed: (reason) => add(`suppressed ${reason}`),
    leaseRenewed: () => add('lease renewed'),
    leaseRenewalFailed: () => add('lease renewal failed'),
    leasesLost: (messages) => add('leases lost', messages),
  };
  return { metrics, counts };
}

/** A worker on everything in memory: every contact subscribed to ticket updates unless `consent` says otherwise. */
function workerWith(parts: Pick<WorkerDeps, 'queue' | 'mailer' | 'metrics'> & Partial<WorkerDeps>, settings: Partial<ConstructorParameters<typeof SendWorker>[1]> = {}) {
  const compose: Composer['compose'] = async ({ data, recipient }) => ({ subject: String(data.subject), mail: { to: { name: '', address: recipient.email } } });
  const composer: Composer = { compose, composeFanOut: compose };
  return new SendWorker(
    {
      fanOuts: { expandNext: async () => false, templateData: async () => null },
      audience: {
        recipients: async (ids) => new Map(ids.map((id) => [id, { email: `${id}@example.com`, name: null, locale: 'en' as const }])),
        consent: async (ids) =>
          new Map(ids.map((id) => [id, { 'ticket-updates': { subscribed: true, locked: false, advisoryThreshold: 'all', ticketDelivery: 'immediate', basis: 'exempt', lapsedAt: null } }])),
        category: (key) => (key === TICKETS.key ? TICKETS : undefined),
      },
      suppressions: { among: async () => new Map(), reasonFor: async () => null, add: async () => {} },
      composer,
      completeData: async (_template, _contactId, stored) => ({ data: stored }),
      mutes: { mayReceive: async () => true },
      digests: { collect: async () => '' },
      evidence: { senderIdentity: async (unsubscribe) => `id-${unsubscribe}`, sent: async () => undefined },
      logger: pino({ level: 'silent' }),
      ...parts,
    },
    { concurrency: 2, ratePerSecond: 0, maxAttempts: 3, retryBaseMs: 10, ...settings },
  );
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
  it('when one contact is subscribed, one has left the category, one lapsed, the relay refuses a fourth and a fifth has no mailbox, then each message gets its own outcome, with codes', async () => {
    const { queue, outcomes } = memoryQueue([message('m1', 'ana'), message('m2', 'ben'), message('m3', 'cy'), message('m4', 'dee'), message('m5', 'eve')]);
    const renewals: string[] = [];
    const sentTo: string[] = [];
    const { metrics, counts } = countedMetrics();
    const mailer: Mailer = {
      kind: 'smtp',
      send: async (mail) => {
        const to = (mail.to as { address: string }).address;
        if (to === 'cy@example.com') throw Object.assign(new Error('greeting refused'), { code: 'EPROTOCOL', command: 'CONN', responseCode: 554, response: '554 maintenance' });
        if (to === 'eve@example.com') throw Object.assign(new Error('refused'), { code: 'EENVELOPE', command: 'RCPT TO', responseCode: 550, response: '550 5.1.1 <eve@example.com>: no such user' });
        sentTo.push(to);
        return { response: '250 ok' };
      },
      close: () => {},
    };
    const subscribed = (id: string) => ({
      'ticket-updates': { subscribed: id !== 'ben' && id !== 'dee', locked: false, advisoryThreshold: 'all' as const, ticketDelivery: 'immediate' as const, basis: 'exempt', lapsedAt: id === 'dee' ? '2028-03-01T00:00:00.000Z' : null },
    });
    const worker = workerWith({
      queue,
      mailer,
      metrics,
      audience: {
        recipients: async (ids) => new Map(ids.map((id) => [id, { email: `${id}@example.com`, name: null, locale: 'en' as const }])),
        consent: async (ids) => new Map(ids.map((id) => [id, subscribed(id)])),
        category: (key) => (key === TICKETS.key ? TICKETS : undefined),
      },
      evidence: { senderIdentity: async (unsubscribe) => `id-${unsubscribe}`, sent: async (template, contactId) => void renewals.push(`${template} to ${contactId}`) },
    });
    worker.start();
    for (let waited = 0; outcomes.size < 5 && waited < 5_000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    await worker.stop();
    expect(Object.fromEntries(outcomes)).toEqual({
      m1: 'sent: subject of m1 (basis exempt, sender id-one-click-and-footer)',
      m2: 'suppressed not-subscribed: The contact is not subscribed to this category.',
      m3: 'retry: 554 maintenance',
      m4: 'suppressed not-subscribed: Implied consent lapsed on 2028-03-01 (CASL s. 10(10)) and was not confirmed since.',
      m5: 'failed permanent 550 5.1.1: 550 5.1.1 <address>: no such user',
    });
    expect(sentTo).toEqual(['ana@example.com']);
    expect(renewals).toEqual(['ticket-update to ana']);
    expect(Object.fromEntries(counts)).toEqual({ 'sent ticket-updates/ticket-update': 1, 'suppressed not-subscribed': 2, 'retried relay': 1, 'failed permanent': 1 });
  });

  it('when a renewal finds a message it is still sending no longer its own, then that lease is counted lost once; renewals are counted, a failed one apart', async () => {
    const { queue, outcomes } = memoryQueue([message('m1', 'ana'), message('m2', 'ben')]);
    let renewalCalls = 0;
    // m2's lease ran out and another worker claimed it; the third renewal fails outright.
    queue.extendLease = async () => {
      renewalCalls += 1;
      if (renewalCalls === 3) throw new Error('database away');
      return ['m1'];
    };
    let release!: () => void;
    const slowRelay = new Promise<void>((resolve) => (release = resolve));
    const mailer: Mailer = { kind: 'smtp', send: async () => (await slowRelay, { response: '250 ok' }), close: () => {} };
    const { metrics, counts } = countedMetrics();
    const worker = workerWith({ queue, mailer, metrics }, { leaseMs: 300 });
    worker.start();
    for (let waited = 0; renewalCalls < 4 && waited < 5_000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    release();
    for (let waited = 0; outcomes.size < 2 && waited < 5_000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    await worker.stop();
    expect(counts.get('leases lost')).toBe(1);
    expect(counts.get('lease renewal failed')).toBe(1);
    expect(counts.get('lease renewed')).toBeGreaterThanOrEqual(3);
    expect(counts.get('sent ticket-updates/ticket-update')).toBe(2);
  });

  it('when a batch of large messages was claimed, then the next claim asks for as many as fit the byte budget, and small ones bring it back to the row limit', async () => {
    const large = (id: string) => ({ ...message(id, 'ana'), data: JSON.stringify({ subject: 'long thread', message: 'x'.repeat(100_000) }) });
    const batches = [[large('l1'), large('l2')], [message('s1', 'ben')], []];
    const asked: number[] = [];
    const { queue } = memoryQueue([]);
    queue.claim = async (_owner, limit) => (asked.push(limit), batches.shift() ?? []);
    const mailer: Mailer = { kind: 'smtp', send: async () => ({ response: '250 ok' }), close: () => {} };
    const worker = workerWith({ queue, mailer, metrics: countedMetrics().metrics }, { batchSize: 200, batchBytes: 1_000_000 });
    for (let i = 0; i < 3; i++) await worker.runOnce();
    // About 100 KB each: 1 MB holds 9 of them; then 30-byte messages, and the row limit again.
    expect(asked).toEqual([200, 9, 200]);
  });
});
