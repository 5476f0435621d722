import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { nowIso } from '../store/time.js';
import { isUuid } from '../store/ids.js';

export interface MutedTicket {
  ticketId: string;
  mutedAt: string;
}

/** Ticket ids are the PSA's: any short text. */
const TICKET_ID = /^[^\p{Cc}]{1,100}$/u;

/**
 * "Stop updates about this ticket": each person's own, so a colleague's mute never silences the
 * one who opened it. The category stays on; only that ticket's updates are held back, until the
 * person unmutes it or an update says the ticket was reopened.
 */
export class TicketMutes {
  constructor(private readonly db: Kysely<Database>) {}

  async mute(contactId: string, ticketId: string): Promise<void> {
    if (!isUuid(contactId) || !TICKET_ID.test(ticketId)) return;
    await this.db
      .insertInto('muted_tickets')
      .values({ contact_id: contactId, ticket_id: ticketId, muted_at: nowIso() })
      .onConflict((oc) => oc.columns(['contact_id', 'ticket_id']).doNothing())
      .execute();
  }

  /** True when there was a mute to lift. */
  async unmute(contactId: string, ticketId: string): Promise<boolean> {
    if (!isUuid(contactId)) return false;
    const result = await this.db.deleteFrom('muted_tickets').where('contact_id', '=', contactId).where('ticket_id', '=', ticketId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async list(contactId: string): Promise<MutedTicket[]> {
    const rows = await this.db.selectFrom('muted_tickets').select(['ticket_id', 'muted_at']).where('contact_id', '=', contactId).orderBy('muted_at').execute();
    return rows.map((r) => ({ ticketId: r.ticket_id, mutedAt: r.muted_at }));
  }

  async isMuted(contactId: string, ticketId: string): Promise<boolean> {
    return (await this.db.selectFrom('muted_tickets').select('ticket_id').where('contact_id', '=', contactId).where('ticket_id', '=', ticketId).executeTakeFirst()) !== undefined;
  }

  /**
   * Whether a ticket update may go to this contact: not muted, or muted but reopened since
   * (`status` "reopened", or a `reopenedAt` after the mute), which lifts the mute.
   */
  async mayReceive(contactId: string, update: { ticketId?: unknown; status?: unknown; reopenedAt?: unknown }): Promise<boolean> {
    if (update.ticketId === undefined) return true;
    const ticketId = String(update.ticketId);
    const row = await this.db.selectFrom('muted_tickets').select('muted_at').where('contact_id', '=', contactId).where('ticket_id', '=', ticketId).executeTakeFirst();
    if (!row) return true;
    const reopened =
      (typeof update.status === 'string' && update.status.trim().toLowerCase() === 'reopened') ||
      (typeof update.reopenedAt === 'string' && !Number.isNaN(Date.parse(update.reopenedAt)) && new Date(update.reopenedAt).toISOString() > row.muted_at);
    if (!reopened) return false;
    await this.unmute(contactId, ticketId);
    return true;
  }
}
