import { sql, type Kysely } from 'kysely';
import { ERASED_DATA, type ErasedData, type ErasureReceipt } from '../../contract/index.js';
import type { ConsentRecords } from '../consent/consent.js';
import type { CoverageGuard } from '../consent/coverage.js';
import type { EventLog } from '../events/event-log.js';
import { ERASED, type SuppressionList } from '../consent/suppressions.js';
import type { Contacts } from '../contacts/contacts.js';
import type { FieldCrypto } from '../crypto/field-crypto.js';
import { notFound } from '../errors.js';
import type { Outbox } from '../outbox/outbox.js';
import type { Dialect } from '../store/db.js';
import { isUuid } from '../store/ids.js';
import type { Database } from '../store/schema.js';
import { nowIso } from '../store/time.js';

const RECEIPT_ERASED: ErasedData[] = [...ERASED_DATA];
const RECEIPT_KEPT: ErasureReceipt['kept'] = [
  {
    data: 'consent-history',
    why: 'Proof of consent that Canada’s anti-spam law (CASL) requires a sender to keep; it holds only the opaque contact id, matched to an address only by a keyed hash.',
  },
  {
    data: 'message-log',
    why: 'Kept until the message-log retention period ends, to answer delivery questions; it holds no address, subject or content.',
  },
  {
    data: 'suppression-hash',
    why: 'So that no later import or API call emails this address again unless an admin re-adds it explicitly.',
  },
  {
    data: 'advisory-acknowledgments',
    why: 'That the organization read a security advisory or applied its fix stays in the MSP’s security record; who confirmed it is erased.',
  },
];

/**
 * The right to erasure: the contact's personal data goes, its queued messages are cancelled, and
 * its address stays only as a keyed hash on the suppression list and in `erasures` (the table
 * this module owns), so the consent history it keeps can still be matched to an address someone
 * presents. Idempotent: erasing again answers the same receipt.
 */
export class Erasure {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
    private readonly contacts: Contacts,
    private readonly consent: ConsentRecords,
    private readonly suppressions: SuppressionList,
    private readonly outbox: Outbox,
    private readonly crypto: FieldCrypto,
    private readonly coverage: CoverageGuard,
    private readonly events: EventLog,
  ) {}

  async erase(contactId: string, requestedBy: string): Promise<ErasureReceipt> {
    if (!isUuid(contactId)) throw notFound('contact');
    const done = await this.db.transaction().execute(async (trx) => {
      const contact = await this.contacts.opened(contactId, trx);
      if (!contact) return (await trx.selectFrom('erasures').select('contact_id').where('contact_id', '=', contactId).executeTakeFirst()) !== undefined;
      await this.suppressions.add(contact.email, ERASED, trx);
      await trx
        .insertInto('erasures')
        .values({ contact_id: contactId, address_hash: this.crypto.addressHash(contact.email), erased_at: nowIso(), requested_by: requestedBy })
        .execute();
      await this.outbox.forgetContact(contactId, trx);
      // Nothing personal: the contact's id and organization only.
      await this.events.aboutContact(trx, 'contact.erased', contactId, nowIso(), {}, { withEmail: false });
      await this.events.forgetContact(trx, contactId);
      const receiving = (await this.consent.preferencesOf(trx, [contactId])).get(contactId)!;
      await this.consent.forget(trx, contactId);
      await this.contacts.delete(contactId, trx);
      // An erased person receives nothing: their organization may be left with nobody for a category.
      const left = Object.entries(receiving).filter(([, on]) => on).map(([category]) => ({ category, subscribed: false }));
      await this.coverage.afterOrganizationChange(trx, contact.organizationId, left, nowIso());
      return true;
    });
    if (!done) throw notFound('contact');
    // SQLite keeps old page images in its write-ahead log until a checkpoint: fold them in now.
    if (this.dialect === 'sqlite') await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(this.db);
    return { id: contactId, erased: RECEIPT_ERASED, kept: RECEIPT_KEPT };
  }
}
