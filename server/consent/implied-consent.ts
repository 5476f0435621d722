import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { Organizations } from '../organizations/organizations.js';
import { addMonths, RECONFIRM_DAYS_BEFORE, RENEWAL_MONTHS, type Renewal } from './basis.js';
import type { Clock } from './clock.js';
import type { ConsentRecords } from './consent.js';
import type { ConsentRequests } from './consent-requests.js';

/** The emails whose sending is the relationship's activity: an invoice receipt a purchase, a ticket update an inquiry. */
export const RENEWING_TEMPLATES: Readonly<Record<string, Renewal>> = { 'invoice-receipt': 'purchase', 'ticket-update': 'inquiry' };

const DAY = 86_400_000;
const BATCH = 500;

export interface DailyReport {
  lapsed: number;
  reconfirmationsAsked: number;
}

/**
 * Implied consent follows the MSP's own activity (CASL s. 10(10)): sending an invoice receipt
 * renews the organization's relationship for 2 years, a ticket update the contact's for 6 months.
 * Once a day, consent that has run out lapses (history source `expiry`), and people whose consent
 * lapses within 30 days are asked by email to confirm it.
 */
export class ImpliedConsent {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly consent: ConsentRecords,
    private readonly organizations: Organizations,
    private readonly requests: ConsentRequests,
    private readonly clock: Clock,
  ) {}

  /** A message went out: if it is a purchase or an inquiry, the relationship it proves is renewed. */
  async renewOnSent(template: string, contactId: string): Promise<number> {
    const kind = RENEWING_TEMPLATES[template];
    if (!kind) return 0;
    const at = new Date(this.clock.now()).toISOString();
    const expiresAt = addMonths(at, RENEWAL_MONTHS[kind]);
    return this.db.transaction().execute(async (trx) => {
      if (kind === 'inquiry') return this.consent.renew(trx, { contactId }, kind, expiresAt, at);
      const contact = await trx.selectFrom('contacts').select('organization_id').where('id', '=', contactId).executeTakeFirst();
      if (!contact) return 0;
      await this.organizations.recordPurchase(trx, contact.organization_id, at);
      return this.consent.renew(trx, { organizationId: contact.organization_id }, kind, expiresAt, at);
    });
  }

  /** The daily pass, at `now` (the clock's time by default). Idempotent: several servers may run it. */
  async runDaily(now = this.clock.now()): Promise<DailyReport> {
    const at = new Date(now).toISOString();
    return { lapsed: await this.lapseDue(at), reconfirmationsAsked: await this.askReconfirmations(at, new Date(now + RECONFIRM_DAYS_BEFORE * DAY).toISOString()) };
  }

  private async lapseDue(at: string): Promise<number> {
    let lapsed = 0;
    const seen = new Set<string>();
    for (;;) {
      const contacts = (await this.consent.dueToLapse(this.db, at, BATCH)).filter((id) => !seen.has(id));
      if (!contacts.length) return lapsed;
      for (const contactId of contacts) {
        seen.add(contactId);
        lapsed += (await this.db.transaction().execute((trx) => this.consent.lapse(trx, contactId, at))).length;
      }
    }
  }

  private async askReconfirmations(at: string, until: string): Promise<number> {
    let asked = 0;
    for (;;) {
      const claimed = await this.db.transaction().execute(async (trx) => {
        const due = await this.consent.claimReconfirmations(trx, at, until, BATCH);
        const byContact = new Map<string, typeof due>();
        for (const row of due) byContact.set(row.contactId, [...(byContact.get(row.contactId) ?? []), row]);
        for (const [contactId, rows] of byContact) {
          const lapsesAt = rows.map((r) => r.expiresAt).sort()[0]!;
          await this.requests.ask({ contactId, kind: 'reconfirmation', categories: rows.map((r) => r.category), via: 'expiry', lapsesAt }, trx);
        }
        asked += byContact.size;
        return due.length;
      });
      if (claimed < BATCH) return asked;
    }
  }
}
