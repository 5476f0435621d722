import type { Kysely, Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../store/schema.js';
import { nowIso } from '../store/time.js';
import type { Clock } from '../consent/clock.js';
import type { AuditEntry } from '../../contract/index.js';
import type { FanOuts } from './fan-outs.js';

/** Critical advisories older than this are no longer escalated (a server that was down for long does not remind of old news). */
const ESCALATION_WINDOW_DAYS = 7;

/**
 * A critical advisory nobody at an organization acknowledged within `escalateAfterMs`: one
 * reminder to that organization's contacts who received it and its lead (consent checked as for
 * any advisory), recorded with the escalation in one transaction so it happens once, and told to
 * the support team in the audit log and the report.
 */
export class AdvisoryEscalations {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly fanOuts: FanOuts,
    /** The audit log (privacy/audit-log.ts), written in the escalation's transaction. */
    private readonly audit: (entry: Omit<AuditEntry, 'id' | 'at'>, trx: Transaction<Database>) => Promise<void>,
    private readonly clock: Clock,
    private readonly escalateAfterMs: number,
    private readonly logger: Logger,
    private readonly onQueued: () => void = () => {},
  ) {}

  async escalateDue(): Promise<{ escalated: number }> {
    const now = this.clock.now();
    const due = new Date(now - this.escalateAfterMs).toISOString();
    const oldest = new Date(now - this.escalateAfterMs - ESCALATION_WINDOW_DAYS * 86_400_000).toISOString();
    const advisories = await this.db
      .selectFrom('fan_outs')
      .selectAll()
      .where('kind', '=', 'security-advisory')
      .where('purpose', '=', 'original')
      .where('severity', '=', 'critical')
      .where('status', '=', 'expanded')
      .where('created_at', '<=', due)
      .where('created_at', '>=', oldest)
      .execute();
    let escalated = 0;
    for (const advisory of advisories) {
      const organizations = await this.db
        .selectFrom('messages as m')
        .innerJoin('contacts as c', 'c.id', 'm.contact_id')
        .select('c.organization_id')
        .distinct()
        .where('m.fan_out_id', '=', advisory.id)
        .where('m.status', '=', 'sent')
        .where((eb) =>
          eb.not(
            eb.exists(
              eb.selectFrom('advisory_acknowledgments as a').select('a.action').where('a.fan_out_id', '=', advisory.id).whereRef('a.organization_id', '=', 'c.organization_id'),
            ),
          ),
        )
        .where((eb) =>
          eb.not(
            eb.exists(
              eb.selectFrom('advisory_escalations as e').select('e.reminder_id').where('e.fan_out_id', '=', advisory.id).whereRef('e.organization_id', '=', 'c.organization_id'),
            ),
          ),
        )
        .execute();
      for (const { organization_id: organizationId } of organizations) {
        const reminder = await this.db.transaction().execute(async (trx) => {
          const claimed = await trx
            .insertInto('advisory_escalations')
            .values({ fan_out_id: advisory.id, organization_id: organizationId, reminder_id: '', escalated_at: nowIso() })
            .onConflict((oc) => oc.columns(['fan_out_id', 'organization_id']).doNothing())
            .executeTakeFirst();
          // Another server escalated it first.
          if (Number(claimed.numInsertedOrUpdatedRows ?? 0) === 0) return null;
          const row = await this.fanOuts.recordReminder(trx, advisory, organizationId);
          await trx
            .updateTable('advisory_escalations')
            .set({ reminder_id: row.id })
            .where('fan_out_id', '=', advisory.id)
            .where('organization_id', '=', organizationId)
            .execute();
          await this.audit(
            {
              keyId: null,
              action: 'advisory.escalated',
              target: organizationId,
              outcome: 200,
              requestId: null,
              detail: `Critical advisory ${advisory.external_id}: nobody acknowledged it in time; a reminder goes to ${row.queued} contact(s).`,
            },
            trx,
          );
          return row;
        });
        if (!reminder) continue;
        escalated++;
        this.logger.warn({ advisoryId: advisory.external_id, organizationId, reminded: reminder.queued }, 'critical advisory not acknowledged: reminder queued');
      }
    }
    if (escalated) this.onQueued();
    return { escalated };
  }
}
