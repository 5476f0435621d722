import crypto from 'node:crypto';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Database, WebhookEndpointsTable } from '../store/schema.js';
import type { Dialect } from '../store/dialect.js';
import { isoAfter, nowIso } from '../store/time.js';
import type { FieldCrypto } from '../crypto/field-crypto.js';
import { invalid, notFound } from '../errors.js';
import { outboundAddresses, type OutboundPolicy } from './outbound-address.js';
import type { WebhookEndpoint, WebhookEndpointCreate, WebhookEndpointCreated, WebhookEndpointState, WebhookEndpointUpdate, WebhookEventType } from '../../contract/index.js';

type Row = Selectable<WebhookEndpointsTable>;

/** The secrets deliveries are signed with now: the current one, and the previous one during its overlap. */
export interface SigningSecrets {
  current: string;
  previous: string | null;
}

/** What a dispatcher needs of the endpoint it holds. */
export interface DispatchTarget {
  id: string;
  url: string;
  includeEmail: boolean;
  failingSince: string | null;
  /** Until then no other dispatcher takes it. */
  leaseUntil: string;
}

const newSecret = () => `whsec_${crypto.randomBytes(32).toString('base64url')}`;

/**
 * The one writer of `webhook_endpoints`: where events go out, which, about whom, and the secret
 * they are signed with (sealed under DATA_KEY; shown once when made or rotated).
 */
export class WebhookEndpoints {
  private readonly db: Kysely<Database>;
  private readonly crypto: FieldCrypto;
  private readonly policy: OutboundPolicy;
  private readonly changed: () => void;
  private readonly disabledForFailures: (trx: Transaction<Database>, id: string, reason: string) => Promise<void>;

  constructor(deps: {
    db: Kysely<Database>;
    crypto: FieldCrypto;
    policy: OutboundPolicy;
    /** Told after each change of what endpoints want (EventLog.endpointsChanged). */
    changed?: () => void;
    /** Told, in the transaction, when the service disables an endpoint on its own (services.ts audits it). */
    disabledForFailures?: (trx: Transaction<Database>, id: string, reason: string) => Promise<void>;
  }) {
    this.db = deps.db;
    this.crypto = deps.crypto;
    this.policy = deps.policy;
    this.changed = deps.changed ?? (() => {});
    this.disabledForFailures = deps.disabledForFailures ?? (async () => {});
  }

  async create(input: WebhookEndpointCreate): Promise<WebhookEndpointCreated> {
    await this.checkUrl(input.url);
    if (input.organizationId) await this.requireOrganization(input.organizationId);
    const secret = newSecret();
    const now = nowIso();
    const row: Row = {
      id: crypto.randomUUID(),
      url: input.url,
      description: input.description ?? null,
      event_types: JSON.stringify(input.events),
      organization_id: input.organizationId ?? null,
      include_email: input.includeEmail ? 1 : 0,
      secret: this.crypto.encrypt(secret),
      previous_secret: null,
      previous_secret_until: null,
      secret_rotated_at: null,
      enabled: 1,
      disabled_reason: null,
      created_at: now,
      updated_at: now,
      lease_owner: null,
      lease_until: null,
      failing_since: null,
    };
    await this.db.insertInto('webhook_endpoints').values(row).execute();
    this.changed();
    return { ...view(row), secret };
  }

  /** How many endpoints deliver, fail (still retrying) and are disabled: the operator's gauge. */
  async countByState(): Promise<Partial<Record<WebhookEndpointState, number>>> {
    const rows = await this.db.selectFrom('webhook_endpoints').select(['enabled', 'failing_since']).execute();
    const counts: Partial<Record<WebhookEndpointState, number>> = {};
    for (const row of rows) counts[stateOf(row)] = (counts[stateOf(row)] ?? 0) + 1;
    return counts;
  }

  async list(): Promise<WebhookEndpoint[]> {
    const rows = await this.db.selectFrom('webhook_endpoints').selectAll().orderBy('created_at', 'desc').orderBy('id').execute();
    return rows.map(view);
  }

  async get(id: string): Promise<WebhookEndpoint> {
    return view(await this.row(id));
  }

  async update(id: string, update: WebhookEndpointUpdate): Promise<WebhookEndpoint> {
    const existing = await this.row(id);
    if (update.url !== undefined) await this.checkUrl(update.url);
    if (update.organizationId) await this.requireOrganization(update.organizationId);
    const set: Partial<Row> = { updated_at: nowIso() };
    if (update.url !== undefined) set.url = update.url;
    if (update.events !== undefined) set.event_types = JSON.stringify(update.events);
    if (update.organizationId !== undefined) set.organization_id = update.organizationId;
    if (update.includeEmail !== undefined) set.include_email = update.includeEmail ? 1 : 0;
    if (update.description !== undefined) set.description = update.description;
    if (update.enabled === true) Object.assign(set, { enabled: 1, disabled_reason: null, failing_since: null });
    // Disabled on purpose: no longer an endpoint failing that needs someone's attention.
    if (update.enabled === false && existing.enabled) Object.assign(set, { enabled: 0, disabled_reason: 'Disabled by an administrator.', failing_since: null });
    await this.db.updateTable('webhook_endpoints').set(set).where('id', '=', id).execute();
    this.changed();
    return this.get(id);
  }

  /** A new secret, shown once; the old one still signs alongside it for `overlapHours`. */
  async rotateSecret(id: string, overlapHours: number): Promise<WebhookEndpointCreated> {
    const existing = await this.row(id);
    const secret = newSecret();
    const now = nowIso();
    const overlap = overlapHours > 0;
    await this.db
      .updateTable('webhook_endpoints')
      .set({
        secret: this.crypto.encrypt(secret),
        previous_secret: overlap ? existing.secret : null,
        previous_secret_until: overlap ? isoAfter(overlapHours * 3_600_000) : null,
        secret_rotated_at: now,
        updated_at: now,
      })
      .where('id', '=', id)
      .execute();
    return { ...(await this.get(id)), secret };
  }

  async remove(id: string): Promise<void> {
    const result = await this.db.deleteFrom('webhook_endpoints').where('id', '=', id).executeTakeFirst();
    if (result.numDeletedRows === 0n) throw notFound('webhook endpoint');
    this.changed();
  }

  async signingSecrets(id: string, now = nowIso()): Promise<SigningSecrets> {
    const row = await this.row(id);
    const previous = row.previous_secret && row.previous_secret_until && row.previous_secret_until > now ? this.crypto.decrypt(row.previous_secret) : null;
    return { current: this.crypto.decrypt(row.secret), previous };
  }

  /**
   * An enabled endpoint nobody holds whose first pending delivery is due, now held by `owner`
   * until the lease runs out: the least recently served first. Several dispatchers on PostgreSQL
   * never hold the same one.
   */
  async claimDue(owner: string, leaseMs: number, dialect: Dialect): Promise<DispatchTarget | null> {
    const now = nowIso();
    const skipLocked = dialect === 'postgres' ? sql`FOR UPDATE SKIP LOCKED` : sql``;
    const { rows } = await sql<Row>`
      UPDATE webhook_endpoints SET lease_owner = ${owner}, lease_until = ${isoAfter(leaseMs)}
      WHERE id = (
        SELECT e.id FROM webhook_endpoints e
        WHERE e.enabled = 1 AND (e.lease_owner IS NULL OR e.lease_until < ${now})
          AND (SELECT d.next_attempt_at FROM event_deliveries d WHERE d.endpoint_id = e.id AND d.status = 'pending' ORDER BY d.event_seq LIMIT 1) <= ${now}
        ORDER BY e.lease_until IS NOT NULL, e.lease_until, e.id LIMIT 1 ${skipLocked}
      ) AND (lease_owner IS NULL OR lease_until < ${now})
      RETURNING *`.execute(this.db);
    const row = rows[0];
    return row ? { id: row.id, url: row.url, includeEmail: row.include_email === 1, failingSince: row.failing_since, leaseUntil: row.lease_until! } : null;
  }

  /** Served: free for any dispatcher, and last in line. */
  async release(id: string, owner: string): Promise<void> {
    await this.db.updateTable('webhook_endpoints').set({ lease_owner: null, lease_until: nowIso() }).where('id', '=', id).where('lease_owner', '=', owner).execute();
  }

  /** A delivery failed: the run of failures starts now unless one is under way. Returns when it started. */
  async failing(id: string, at: string): Promise<string> {
    await this.db.updateTable('webhook_endpoints').set({ failing_since: at }).where('id', '=', id).where('failing_since', 'is', null).execute();
    const row = await this.db.selectFrom('webhook_endpoints').select('failing_since').where('id', '=', id).executeTakeFirst();
    return row?.failing_since ?? at;
  }

  async succeeding(id: string): Promise<void> {
    await this.db.updateTable('webhook_endpoints').set({ failing_since: null }).where('id', '=', id).where('failing_since', 'is not', null).execute();
  }

  /** Disabled by the service itself, with the audit entry that tells the admins (their console shows it too). */
  async disableForFailures(id: string, failingSince: string): Promise<void> {
    const reason = `Disabled after failing since ${failingSince} without one success; enable it again once the receiver answers.`;
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('webhook_endpoints').set({ enabled: 0, disabled_reason: reason, updated_at: nowIso() }).where('id', '=', id).execute();
      await this.disabledForFailures(trx, id, reason);
    });
    this.changed();
  }

  /** Seals every secret again under the current DATA_KEY (a key rotation); returns how many rows. */
  async resealSecrets(): Promise<number> {
    const rows = await this.db.selectFrom('webhook_endpoints').select(['id', 'secret', 'previous_secret']).execute();
    const due = rows.filter((r) => this.crypto.needsSealing(r.secret) || this.crypto.needsSealing(r.previous_secret));
    for (const row of due) {
      await this.db
        .updateTable('webhook_endpoints')
        .set({ secret: this.crypto.reseal(row.secret)!, previous_secret: this.crypto.reseal(row.previous_secret) })
        .where('id', '=', row.id)
        .execute();
    }
    return due.length;
  }

  private async checkUrl(url: string): Promise<void> {
    await outboundAddresses(new URL(url), this.policy);
  }

  private async requireOrganization(organizationId: string): Promise<void> {
    const found = await this.db.selectFrom('organizations').select('id').where('id', '=', organizationId).executeTakeFirst();
    if (!found) throw invalid('No such organization.', [{ pointer: '#/organizationId', detail: 'No such organization.' }]);
  }

  private async row(id: string): Promise<Row> {
    const row = await this.db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('webhook endpoint');
    return row;
  }
}

const stateOf = (row: Pick<Row, 'enabled' | 'failing_since'>): WebhookEndpointState => (row.enabled !== 1 ? 'disabled' : row.failing_since ? 'failing' : 'enabled');

function view(row: Row): WebhookEndpoint {
  const previousValid = row.previous_secret_until && row.previous_secret_until > nowIso() ? row.previous_secret_until : null;
  return {
    id: row.id,
    url: row.url,
    events: JSON.parse(row.event_types) as WebhookEventType[],
    organizationId: row.organization_id,
    includeEmail: row.include_email === 1,
    description: row.description,
    enabled: row.enabled === 1,
    disabledReason: row.disabled_reason,
    state: stateOf(row),
    failingSince: row.failing_since,
    createdAt: row.created_at,
    secretRotatedAt: row.secret_rotated_at,
    previousSecretValidUntil: previousValid,
  };
}
