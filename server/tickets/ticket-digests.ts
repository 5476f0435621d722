import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import { TICKETS_CATEGORY } from '../../contract/index.js';
import type { Database } from '../store/schema.js';
import type { FieldCrypto } from '../crypto/field-crypto.js';
import type { Outbox } from '../outbox/outbox.js';
import type { Clock } from '../consent/clock.js';
import { chunks } from '../store/batches.js';
import { nextDigestAt } from './business-hours.js';
import { DEFAULT_TIME_ZONE } from '../organizations/time-zone.js';

/** The most tickets one digest lists (the latest updated first); the others follow the next day. */
export const DIGEST_MAX_TICKETS = 50;

/**
 * "One email a day" for ticket updates: an update for such a contact is collected (sealed, in the
 * store, so a restart loses nothing) with the next 08:00 in its organization's time zone, and a
 * job every minute turns what is due into one `ticket-digest` email listing each ticket's latest
 * state. A contact switched back to "immediately" gets what was collected at the next pass.
 */
export class TicketDigests {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly crypto: FieldCrypto,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
  ) {}

  async collect(contactId: string, update: Record<string, unknown>): Promise<string> {
    const row = await this.db
      .selectFrom('contacts as c')
      .innerJoin('organizations as o', 'o.id', 'c.organization_id')
      .select('o.time_zone')
      .where('c.id', '=', contactId)
      .executeTakeFirst();
    const now = this.clock.now();
    const dueAt = new Date(nextDigestAt(now, row?.time_zone ?? DEFAULT_TIME_ZONE)).toISOString();
    await this.db
      .insertInto('digest_items')
      .values({
        id: crypto.randomUUID(),
        contact_id: contactId,
        ticket_id: String(update.ticketId),
        data: this.crypto.encrypt(JSON.stringify(update)),
        due_at: dueAt,
        created_at: new Date(now).toISOString(),
      })
      .execute();
    return dueAt;
  }

  /** Queues one digest per contact with collected updates that are due, or whose contact went back to immediately. */
  async sendDue(now = this.clock.now()): Promise<{ digests: number }> {
    const at = new Date(now).toISOString();
    const contacts = await this.db
      .selectFrom('digest_items as d')
      .leftJoin('consents as cs', (join) => join.onRef('cs.contact_id', '=', 'd.contact_id').on('cs.category', '=', TICKETS_CATEGORY))
      .select('d.contact_id')
      .distinct()
      .where((eb) => eb.or([eb('d.due_at', '<=', at), eb('cs.ticket_delivery', 'is', null)]))
      .execute();
    let digests = 0;
    for (const batch of chunks(contacts, 100)) {
      for (const { contact_id: contactId } of batch) digests += await this.sendFor(contactId, at);
    }
    return { digests };
  }

  private async sendFor(contactId: string, at: string): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const delivery = await trx.selectFrom('consents').select('ticket_delivery').where('contact_id', '=', contactId).where('category', '=', TICKETS_CATEGORY).executeTakeFirst();
      let due = trx.deleteFrom('digest_items').where('contact_id', '=', contactId);
      // Still daily: only what is due; back to immediately: everything collected.
      if (delivery?.ticket_delivery === 'daily') due = due.where('due_at', '<=', at);
      // Taken and deleted in one statement: two servers never send the same updates twice.
      const items = await due.returningAll().execute();
      if (!items.length) return 0;
      const latest = new Map<string, { created_at: string; update: Record<string, unknown> }>();
      for (const item of items.sort((a, b) => a.created_at.localeCompare(b.created_at))) {
        latest.set(item.ticket_id, { created_at: item.created_at, update: JSON.parse(this.crypto.decrypt(item.data)) as Record<string, unknown> });
      }
      const tickets = [...latest.values()].sort((a, b) => b.created_at.localeCompare(a.created_at)).map((t) => t.update);
      for (const part of chunks(tickets, DIGEST_MAX_TICKETS)) {
        await this.outbox.enqueue({ contactId, category: TICKETS_CATEGORY, template: 'ticket-digest', data: { date: at, tickets: part }, status: 'queued' }, trx);
      }
      return 1;
    });
  }
}
