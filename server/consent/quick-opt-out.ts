import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import { ADVISORY_CATEGORY, TICKETS_CATEGORY } from '../../contract/index.js';
import type { Database } from '../store/schema.js';
import type { Dialect } from '../store/dialect.js';
import { IMPLIED_MONTHS } from './basis.js';
import { TurnBatches } from './turn-batches.js';
import { POSTGRES_OPT_OUT_EVENTS, type EventLog } from '../events/event-log.js';

/** The history columns a change's origin fills (consent.ts). */
export interface ChangeProof {
  source: string;
  at: string;
  ip: string | null;
  user_agent: string | null;
  wording_version: string | null;
  wording_locale: string | null;
}

type OptOut = ChangeProof & { contact_id: string; category: string };

const IMPLIED = Object.keys(IMPLIED_MONTHS)
  .map((basis) => `'${basis}'`)
  .join(', ');

/**
 * The row ConsentRecords.change() writes when a person turns off a category they receive, in SQL:
 * the basis kept (its start too, for implied consent), nothing left to expire, renew or
 * reconfirm, chosen. Only the common case matches: the contact's own consent is on, the
 * organization has not locked the category, the threshold and delivery columns hold what
 * change() would write back, and someone else at the organization still receives the category
 * by their own consent (so the coverage guard has nothing to do); anything else matches no row.
 * `w` is what was asked: one opt-out in SQLite, each of a batch in PostgreSQL, where "someone
 * else" is also nobody of the batch (one statement sees none of its own changes). That last
 * check reads the consents_receivers index in its order, not EXISTS: PostgreSQL would plan
 * EXISTS as a join reading every receiver's entry, or scan the table.
 */
const turnOff = (others: string) => `UPDATE consents AS cs
SET subscribed = 0, updated_at = w.at, chosen = 1,
  basis_since = CASE WHEN cs.basis IN (${IMPLIED}) THEN coalesce(nullif(cs.basis_since, ''), w.at) END,
  expires_at = NULL, renewed_at = NULL, renewed_by = NULL, lapsed_at = NULL, reconfirm_sent_at = NULL,
  advisory_threshold = nullif(cs.advisory_threshold, 'all')
FROM wanted AS w
WHERE cs.contact_id = w.contact_id AND cs.category = w.category AND cs.subscribed = 1 AND cs.basis IS NOT NULL
  AND (cs.advisory_threshold IS NULL OR cs.category = '${ADVISORY_CATEGORY}')
  AND (cs.ticket_delivery IS NULL OR (cs.category = '${TICKETS_CATEGORY}' AND cs.ticket_delivery = 'daily'))
  AND NOT EXISTS (SELECT 1 FROM organization_policies p WHERE p.organization_id = cs.organization_id AND p.category = cs.category AND p.locked = 1)
  AND (SELECT o.contact_id FROM consents o
    WHERE o.organization_id = cs.organization_id AND o.category = cs.category AND o.subscribed = 1 AND ${others}
    ORDER BY o.contact_id LIMIT 1) IS NOT NULL`;

const PROOF = 'w.source, w.at, w.ip, w.user_agent, w.wording_version, w.wording_locale';
const HISTORY = `INSERT INTO consent_history (contact_id, category, old_value, new_value, source, at, ip, user_agent, wording_version, wording_locale, basis, basis_since, advisory_threshold, ticket_delivery)`;

/** SQLite: one opt-out (no writing in a WITH): the change, then its history row from what it returned. */
const SQLITE_TURN_OFF = `WITH wanted AS (SELECT ? AS contact_id, ? AS category, ? AS source, ? AS at, ? AS ip, ? AS user_agent, ? AS wording_version, ? AS wording_locale)
${turnOff('o.contact_id <> cs.contact_id')}
RETURNING basis, basis_since, advisory_threshold, ticket_delivery`;
const SQLITE_HISTORY = `${HISTORY} VALUES (?, ?, 1, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** PostgreSQL: a batch of opt-outs, their history rows and their events, in one statement. */
const POSTGRES_TURN_OFF = `WITH wanted AS (
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
    AS w(contact_id, category, source, at, ip, user_agent, wording_version, wording_locale)
), changed AS (
${turnOff('o.contact_id <> ALL($1::text[])')}
  RETURNING cs.contact_id, cs.organization_id, cs.category, ${PROOF}, cs.basis, cs.basis_since, cs.advisory_threshold, cs.ticket_delivery
), history AS (
${HISTORY}
SELECT w.contact_id, w.category, 1, 0, ${PROOF}, w.basis, w.basis_since, w.advisory_threshold, w.ticket_delivery FROM changed AS w
RETURNING contact_id, category
), ${POSTGRES_OPT_OUT_EVENTS}
SELECT contact_id, category FROM history`;

const COLUMNS = ['contact_id', 'category', 'source', 'at', 'ip', 'user_agent', 'wording_version', 'wording_locale'] as const;
const keyOf = (optOut: { contact_id: string; category: string }) => `${optOut.contact_id} ${optOut.category}`;

/**
 * A person turning off one category they receive. The opt-outs asked for at the same moment are
 * written together (turn-batches.ts): in SQLite two short statements each, in one transaction; in
 * PostgreSQL one statement for all. Each answers false when it is not the common case: nothing was
 * written for it, and ConsentRecords.change() decides (a lock, the last receiver, a repeat, no row).
 */
export class QuickOptOut {
  private readonly batches = new WeakMap<Kysely<Database>, TurnBatches<OptOut, boolean>>();

  constructor(
    private readonly dialect: Dialect,
    private readonly events: EventLog,
  ) {}

  run(db: Kysely<Database>, contactId: string, category: string, proof: ChangeProof): Promise<boolean> {
    let batches = this.batches.get(db);
    if (!batches) {
      batches = new TurnBatches((optOuts) => (this.dialect === 'postgres' ? this.writeInPostgres(db, optOuts) : this.writeInSqlite(db, optOuts)));
      this.batches.set(db, batches);
    }
    return batches.run({ contact_id: contactId, category, ...proof });
  }

  private writeInSqlite(db: Kysely<Database>, optOuts: OptOut[]): Promise<boolean[]> {
    return db.transaction().execute(async (trx) => {
      const applied: boolean[] = [];
      for (const optOut of optOuts) applied.push(await this.oneInSqlite(trx, optOut));
      return applied;
    });
  }

  private async oneInSqlite(trx: Transaction<Database>, optOut: OptOut): Promise<boolean> {
    const { rows } = await trx.executeQuery<Record<string, string | null>>(CompiledQuery.raw(SQLITE_TURN_OFF, COLUMNS.map((column) => optOut[column])));
    const kept = rows[0];
    if (!kept) return false;
    const values = [...COLUMNS.map((column) => optOut[column]), kept['basis'], kept['basis_since'], kept['advisory_threshold'], kept['ticket_delivery']];
    await trx.executeQuery(CompiledQuery.raw(SQLITE_HISTORY, values));
    await this.events.consentChanged(trx, optOut.contact_id, optOut.at, { category: optOut.category, old: true, new: false, source: optOut.source, basis: kept['basis'] ?? null });
    return true;
  }

  private async writeInPostgres(db: Kysely<Database>, optOuts: OptOut[]): Promise<boolean[]> {
    // A repeat within the batch goes its own way (change() finds it already done).
    const first = new Map<string, OptOut>();
    for (const optOut of optOuts) if (!first.has(keyOf(optOut))) first.set(keyOf(optOut), optOut);
    const asked = [...first.values()];
    const { rows } = await db.executeQuery<{ contact_id: string; category: string }>(
      CompiledQuery.raw(
        POSTGRES_TURN_OFF,
        COLUMNS.map((column) => asked.map((optOut) => optOut[column])),
      ),
    );
    const done = new Set(rows.map(keyOf));
    return optOuts.map((optOut) => first.get(keyOf(optOut)) === optOut && done.has(keyOf(optOut)));
  }
}
