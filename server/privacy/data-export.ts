import type { Kysely } from 'kysely';
import type { MyDataExport } from '../../contract/index.js';
import type { ConsentRecords } from '../consent/consent.js';
import type { Contacts } from '../contacts/contacts.js';
import type { Organizations } from '../organizations/organizations.js';
import type { Outbox } from '../outbox/outbox.js';
import type { Database } from '../store/schema.js';
import { nowIso } from '../store/time.js';

/** The right of access: everything held about a contact, in one document. */
export class DataExport {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly contacts: Contacts,
    private readonly organizations: Organizations,
    private readonly consent: ConsentRecords,
    private readonly outbox: Outbox,
    /** The advisories the contact acknowledged for its organization (advisories/acknowledgments.ts). */
    private readonly acknowledgmentsOf: (contactId: string) => Promise<MyDataExport['advisoryAcknowledgments']>,
  ) {}

  /** Profile, preferences, the full consent history and the messages sent (never their bodies). */
  async of(contactId: string): Promise<MyDataExport> {
    const contact = await this.contacts.getOrThrow(contactId);
    const organization = await this.organizations.get(contact.organizationId);
    return {
      exportedAt: nowIso(),
      contact: {
        id: contact.id,
        email: contact.email,
        name: contact.name,
        phone: contact.phone,
        jobTitle: contact.jobTitle,
        locale: contact.locale,
        organization,
      },
      preferences: contact.preferences,
      consentHistory: await this.consent.fullHistory(this.db, contactId),
      messages: await this.outbox.log(contactId),
      advisoryAcknowledgments: await this.acknowledgmentsOf(contactId),
    };
  }
}
