import type { Selectable } from 'kysely';
import type { Locale } from '../../contract/index.js';
import type { ContactsTable } from '../store/schema.js';
import type { FieldCrypto } from '../crypto/field-crypto.js';

export type ContactRow = Selectable<ContactsTable>;

export interface ContactFields {
  email: string;
  name: string | null;
  phone: string | null;
  jobTitle: string | null;
}

export interface OpenContact extends ContactFields {
  id: string;
  organizationId: string;
  locale: Locale;
}

/** The one place where a contact's personal fields are sealed for the store and opened from it. */
export class ContactCodec {
  constructor(readonly crypto: FieldCrypto) {}

  index(normalizedEmail: string): string {
    return this.crypto.emailIndex(normalizedEmail);
  }

  /** The stored columns of the given fields (only those given). */
  seal(fields: Partial<ContactFields>): Partial<ContactRow> {
    const row: Partial<ContactRow> = {};
    if (fields.email !== undefined) {
      row.email = this.crypto.encrypt(fields.email);
      row.email_index = this.index(fields.email);
    }
    if (fields.name !== undefined) row.name = this.crypto.encryptNullable(fields.name);
    if (fields.phone !== undefined) row.phone = this.crypto.encryptNullable(fields.phone);
    if (fields.jobTitle !== undefined) row.job_title = this.crypto.encryptNullable(fields.jobTitle);
    return row;
  }

  open(row: Pick<ContactRow, 'id' | 'organization_id' | 'email' | 'name' | 'phone' | 'job_title' | 'locale'>): OpenContact {
    return {
      id: row.id,
      organizationId: row.organization_id,
      email: this.crypto.decrypt(row.email),
      name: this.crypto.decryptNullable(row.name),
      phone: this.crypto.decryptNullable(row.phone),
      jobTitle: this.crypto.decryptNullable(row.job_title),
      locale: row.locale as Locale,
    };
  }
}
