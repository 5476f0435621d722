import crypto from 'node:crypto';
import { CompiledQuery, sql, type Kysely, type RawBuilder, type Selectable, type Transaction } from 'kysely';
import type { Database, EventDeliveriesTable, EventsTable } from '../store/schema.js';
import type { Dialect } from '../store/dialect.js';
import type { WebhookDelivery, WebhookEventType } from '../../contract/index.js';

type Db = Kysely<Database> | Transaction<Database>;

/** An enabled endpoint `e` that wants events of `type` about `organization`. */
function wants(type: WebhookEventType, organization: RawBuilder<unknown> | string | null): RawBuilder<unknown> {
  return sql`e.enabled = 1 AND e.event_types LIKE ${`%"${type}"%`} AND (e.organization_id IS NULL OR e.organization_id = ${organization})`;
}

const pattern = (type: WebhookEventType) => `%"${type}"%`;
/** An enabled endpoint `e` wanting the event type (a LIKE pattern, bound) about `organization`. */
const wanted = (organization: string) => `e.enabled = 1 AND e.event_types LIKE ? AND (e.organization_id IS NULL OR e.organization_id = ${organization})`;

/** Each write of an event only when an enabled endpoint wants it (`?` placeholders). */
const STATEMENTS = {
  aboutContact: `INSERT INTO events (id, type, occurred_at, organization_id, contact_id, data, email)
SELECT ?, ?, ?, c.organization_id, c.id, ?, CASE WHEN ? = 1 THEN c.email END FROM contacts c
WHERE c.id = ? AND EXISTS (SELECT 1 FROM webhook_endpoints e WHERE ${wanted('c.organization_id')})
RETURNING seq, organization_id`,
  aboutOrganization: `INSERT INTO events (id, type, occurred_at, organization_id, contact_id, data, email)
SELECT ?, ?, ?, ?, NULL, ?, NULL WHERE EXISTS (SELECT 1 FROM webhook_endpoints e WHERE ${wanted('?')})
RETURNING seq, organization_id`,
  deliveries: `INSERT INTO event_deliveries (endpoint_id, event_seq, next_attempt_at)
SELECT e.id, ?, ? FROM webhook_endpoints e WHERE ${wanted('?')}`,
};

/** PostgreSQL numbers its placeholders. */
const numbered = (text: string) => {
  let n = 0;
  return text.replace(/\?/g, () => `$${(n += 1)}`);
};

interface Written {
  seq: number | string;
  organization_id: string;
}

/** A pending delivery with its event, as the dispatcher sends it (`email` sealed). */
export type PendingDelivery = Pick<Selectable<EventDeliveriesTable>, 'event_seq' | 'attempts' | 'next_attempt_at'> &
  Pick<Selectable<EventsTable>, 'id' | 'type' | 'occurred_at' | 'organization_id' | 'contact_id' | 'data' | 'email'>;

export interface Attempt {
  at: string;
  status: number | null;
  error: string | null;
  latencyMs: number;
}

/** What a consent.changed event says (nothing personal: the contact is named by id). */
export interface ConsentChanged {
  category: string;
  old: boolean;
  new: boolean;
  source: string;
  basis: string | null;
}

/** What every message event names: the message, and what kind of mail it was (never its subject). */
export interface MessageEvent {
  type: Extract<WebhookEventType, `message.${string}`>;
  message: { id: string; contact_id: string; category: string | null; template: string };
  /** Codes only (a reason, an SMTP status): never what a server said, which can name people. */
  details?: Record<string, string | number | null>;
}

/** How long delivered events are kept, to be read and replayed. */
export const EVENT_RETENTION_DAYS = 30;

/** How long a process trusts its reading that no endpoint wants an event type (message events only). */
const WANTED_TTL_MS = 1_000;

/**
 * The one writer of `events` and `event_deliveries`: each event is written in the transaction of
 * the change that caused it, with one delivery for each enabled endpoint that wants it, so a
 * crash neither loses nor invents one. Nothing is written while no endpoint wants the event.
 */
export class EventLog {
  /** Written once, in the store's placeholders: these run with every change, so nothing is built per call. */
  private readonly sql: Record<keyof typeof STATEMENTS, string>;

  constructor(
    private readonly db: Kysely<Database>,
    dialect: Dialect,
  ) {
    this.sql = Object.fromEntries(Object.entries(STATEMENTS).map(([name, text]) => [name, dialect === 'postgres' ? numbered(text) : text])) as Record<keyof typeof STATEMENTS, string>;
  }

  /**
   * An event about a contact: its organization, and a copy of its sealed address (unless
   * `withEmail` is false), come from the contact's row, which must still exist.
   */
  async aboutContact(trx: Db, type: WebhookEventType, contactId: string, occurredAt: string, data: object, { withEmail = true } = {}): Promise<void> {
    const params = [crypto.randomUUID(), type, occurredAt, JSON.stringify(data), withEmail ? 1 : 0, contactId, pattern(type)];
    await this.written(trx, type, occurredAt, await trx.executeQuery<Written>(CompiledQuery.raw(this.sql.aboutContact, params)));
  }

  /** An event about an organization as a whole: no contact, nothing personal. */
  async aboutOrganization(trx: Db, type: WebhookEventType, organizationId: string, occurredAt: string, data: object): Promise<void> {
    const params = [crypto.randomUUID(), type, occurredAt, organizationId, JSON.stringify(data), pattern(type), organizationId];
    await this.written(trx, type, occurredAt, await trx.executeQuery<Written>(CompiledQuery.raw(this.sql.aboutOrganization, params)));
  }

  /** An event written: one delivery for each endpoint that wants it. */
  private async written(trx: Db, type: WebhookEventType, occurredAt: string, { rows }: { rows: Written[] }): Promise<void> {
    const event = rows[0];
    if (!event) return;
    await trx.executeQuery(CompiledQuery.raw(this.sql.deliveries, [event.seq, occurredAt, pattern(type), event.organization_id]));
  }

  /** Whether any enabled endpoint wants events of `type` (about any organization): a batch asks once. */
  async anyWants(trx: Db, type: WebhookEventType): Promise<boolean> {
    const { rows } = await sql<{ one: number }>`SELECT 1 AS one FROM webhook_endpoints e WHERE ${wants(type, sql.ref('e.organization_id'))} LIMIT 1`.execute(trx);
    return rows.length > 0;
  }

  /**
   * Whether an enabled endpoint wanted `type` at most a second ago, or since this process last
   * changed one. The send path asks it before opening a transaction for a message's event: with
   * no endpoint wanting message events, an outcome stays one statement.
   */
  async wantedLately(type: WebhookEventType, db: Db = this.db): Promise<boolean> {
    if (this.wanted && Date.now() - this.wanted.at <= WANTED_TTL_MS) return this.wanted.types.has(type);
    // A transaction reads through itself (on SQLite it holds the one connection, so a read shared
    // with the rest of the process would wait for it); other callers share one read.
    const types = db.isTransaction ? await this.readWanted(db) : await (this.reading ??= this.readWanted(db).finally(() => (this.reading = null)));
    return types.has(type);
  }

  private wanted: { at: number; types: Set<string> } | null = null;
  private reading: Promise<Set<string>> | null = null;
  /** Bumped by each change, so that a read begun before it is not kept. */
  private changes = 0;

  private async readWanted(db: Db): Promise<Set<string>> {
    const [at, changes] = [Date.now(), this.changes];
    const rows = await db.selectFrom('webhook_endpoints').select('event_types').where('enabled', '=', 1).execute();
    const types = new Set(rows.flatMap((row) => JSON.parse(row.event_types) as string[]));
    if (changes === this.changes) this.wanted = { at, types };
    return types;
  }

  /** An endpoint was created, changed or removed here: ask again at the next event. */
  endpointsChanged(): void {
    this.wanted = null;
    this.reading = null;
    this.changes += 1;
  }

  /** A message event, when the contact still exists. */
  aboutMessage(trx: Db, { type, message, details }: MessageEvent, occurredAt: string): Promise<void> {
    return this.aboutContact(trx, type, message.contact_id, occurredAt, { messageId: message.id, category: message.category, template: message.template, ...details });
  }

  consentChanged(trx: Db, contactId: string, occurredAt: string, change: ConsentChanged): Promise<void> {
    return this.aboutContact(trx, 'consent.changed', contactId, occurredAt, change);
  }

  /** An endpoint's pending deliveries in order, with their events: the first `limit`. */
  pending(endpointId: string, limit: number): Promise<PendingDelivery[]> {
    return this.db
      .selectFrom('event_deliveries as d')
      .innerJoin('events as ev', 'ev.seq', 'd.event_seq')
      .select(['d.event_seq', 'd.attempts', 'd.next_attempt_at', 'ev.id', 'ev.type', 'ev.occurred_at', 'ev.organization_id', 'ev.contact_id', 'ev.data', 'ev.email'])
      .where('d.endpoint_id', '=', endpointId)
      .where('d.status', '=', 'pending')
      .orderBy('d.event_seq')
      .limit(limit)
      .execute();
  }

  /** An attempt's outcome: delivered, or pending again until `retryAt`. */
  async attempted(endpointId: string, delivery: PendingDelivery, attempt: Attempt, retryAt: string | null): Promise<void> {
    await this.db
      .updateTable('event_deliveries')
      .set({
        attempts: delivery.attempts + 1,
        last_attempt_at: attempt.at,
        last_status_code: attempt.status,
        last_error: attempt.error,
        last_latency_ms: attempt.latencyMs,
        ...(retryAt === null ? { status: 'delivered', delivered_at: attempt.at } : { next_attempt_at: retryAt }),
      })
      .where('endpoint_id', '=', endpointId)
      .where('event_seq', '=', Number(delivery.event_seq))
      .execute();
  }

  /** An endpoint's deliveries, the latest events first. */
  async deliveries(endpointId: string, limit: number): Promise<WebhookDelivery[]> {
    const rows = await this.db
      .selectFrom('event_deliveries as d')
      .innerJoin('events as ev', 'ev.seq', 'd.event_seq')
      .select(['ev.id', 'ev.type', 'ev.occurred_at', 'd.status', 'd.attempts', 'd.last_attempt_at', 'd.last_status_code', 'd.last_error', 'd.last_latency_ms', 'd.next_attempt_at', 'd.delivered_at'])
      .where('d.endpoint_id', '=', endpointId)
      .orderBy('d.event_seq', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      eventId: r.id,
      type: r.type as WebhookEventType,
      occurredAt: r.occurred_at,
      status: r.status as WebhookDelivery['status'],
      attempts: r.attempts,
      lastAttemptAt: r.last_attempt_at,
      lastStatusCode: r.last_status_code,
      lastError: r.last_error,
      lastLatencyMs: r.last_latency_ms,
      nextAttemptAt: r.status === 'pending' ? r.next_attempt_at : null,
      deliveredAt: r.delivered_at,
    }));
  }

  /** An event sent to the endpoint again, now (in its place in the order); false when it has no such delivery. */
  async replay(endpointId: string, eventId: string): Promise<boolean> {
    const event = await this.db.selectFrom('events').select('seq').where('id', '=', eventId).executeTakeFirst();
    if (!event) return false;
    const result = await this.db
      .updateTable('event_deliveries')
      .set({ status: 'pending', next_attempt_at: new Date().toISOString(), delivered_at: null })
      .where('endpoint_id', '=', endpointId)
      .where('event_seq', '=', Number(event.seq))
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /**
   * Retention: deliveries made before `before` go, then every event older than that with no
   * delivery left (an endpoint's pending ones stay until delivered or the endpoint is removed).
   */
  static async expire(trx: Transaction<Database>, before: string): Promise<number> {
    await trx.deleteFrom('event_deliveries').where('status', '=', 'delivered').where('delivered_at', '<', before).execute();
    const deleted = await trx
      .deleteFrom('events')
      .where('occurred_at', '<', before)
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('event_deliveries as d').select('d.event_seq').whereRef('d.event_seq', '=', 'events.seq'))))
      .executeTakeFirst();
    return Number(deleted.numDeletedRows);
  }

  /** An erasure: the copies of the contact's address in events not yet delivered go with it. */
  async forgetContact(trx: Db, contactId: string): Promise<void> {
    await trx.updateTable('events').set({ email: null }).where('contact_id', '=', contactId).where('email', 'is not', null).execute();
  }
}

/**
 * PostgreSQL, for a statement that turns consent off in one go (quick-opt-out.ts): data-modifying
 * steps writing a consent.changed event, and its deliveries, for each row of `changed` (columns
 * contact_id, organization_id, category, source, at, basis). Written here, beside the other
 * writes of these tables, so that both paths record the same event.
 */
export const POSTGRES_OPT_OUT_EVENTS = `consent_events AS (
  INSERT INTO events (id, type, occurred_at, organization_id, contact_id, data, email)
  SELECT gen_random_uuid()::text, 'consent.changed', w.at, w.organization_id, w.contact_id,
    json_build_object('category', w.category, 'old', true, 'new', false, 'source', w.source, 'basis', w.basis)::text,
    (SELECT c.email FROM contacts c WHERE c.id = w.contact_id)
  FROM changed AS w
  WHERE EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.enabled = 1 AND e.event_types LIKE '%"consent.changed"%'
    AND (e.organization_id IS NULL OR e.organization_id = w.organization_id))
  RETURNING seq, organization_id, occurred_at
), consent_event_deliveries AS (
  INSERT INTO event_deliveries (endpoint_id, event_seq, next_attempt_at)
  SELECT e.id, ev.seq, ev.occurred_at FROM consent_events AS ev
  JOIN webhook_endpoints e ON e.enabled = 1 AND e.event_types LIKE '%"consent.changed"%'
    AND (e.organization_id IS NULL OR e.organization_id = ev.organization_id)
)`;
