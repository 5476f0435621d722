import type { Generated } from 'kysely';

// Timestamps are ISO-8601 UTC text in both stores (fixed width, so text order is time order):
// one code path for SQLite and PostgreSQL. Booleans are 0/1 integers for the same reason.

export interface OrganizationsTable {
  id: string;
  name: string;
  locale: string;
  created_at: string;
}

export interface ContactsTable {
  id: string;
  organization_id: string;
  email: string;
  name: string | null;
  phone: string | null;
  job_title: string | null;
  locale: string;
  created_at: string;
  updated_at: string;
}

export interface ConsentsTable {
  contact_id: string;
  category: string;
  subscribed: number;
  updated_at: string;
}

export interface ConsentHistoryTable {
  id: Generated<number>;
  contact_id: string;
  category: string;
  old_value: number | null;
  new_value: number;
  source: string;
  at: string;
  ip: string | null;
  user_agent: string | null;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  role: string;
  key_hash: string;
  created_at: string;
  revoked_at: string | null;
}

export interface Database {
  organizations: OrganizationsTable;
  contacts: ContactsTable;
  consents: ConsentsTable;
  consent_history: ConsentHistoryTable;
  api_keys: ApiKeysTable;
}
