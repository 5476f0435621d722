import type { Acknowledgment, FanOutKind, FanOutPurpose, MessageStatus, MessageSuppressedReason, Role } from '../../contract/index.js';
import type { Generated } from 'kysely';

// Timestamps are ISO-8601 UTC text in both stores (fixed width, so text order is time order):
// one code path for SQLite and PostgreSQL. Booleans are 0/1 integers for the same reason.

export interface OrganizationsTable {
  id: string;
  name: string;
  locale: string;
  created_at: string;
  /** The relationship's last activity: the last purchase (an invoice receipt sent) or contract. */
  last_purchase_at: string | null;
  /** IANA name; null: America/Toronto. Daily digests go at 08:00 there. */
  time_zone: string | null;
}

/** `email`, `name`, `phone` and `job_title` hold AES-256-GCM ciphertext (server/privacy/field-crypto.ts). */
export interface ContactsTable {
  id: string;
  organization_id: string;
  email: string;
  /** Keyed hash of the normalized address: what lookups by address use. */
  email_index: string | null;
  name: string | null;
  phone: string | null;
  job_title: string | null;
  locale: string;
  created_at: string;
  updated_at: string;
  /** 1: the client's organization lead. */
  org_lead: number;
}

/** A contact's name as a blind index: one keyed hash per word of the normalized name (server/contacts/name-index.ts). */
export interface ContactNameTokensTable {
  contact_id: string;
  token_index: string;
}

export interface ConsentsTable {
  contact_id: string;
  category: string;
  /** The contact's organization (contacts never move): who else there receives the category is one index probe. */
  organization_id: string;
  subscribed: number;
  updated_at: string;
  /** What it rests on (ConsentBasis); null only for rows from before bases, until the start fills them. */
  basis: string | null;
  /** When an implied basis started. */
  basis_since: string | null;
  /** When implied consent lapses unless renewed; null for a basis that never lapses. */
  expires_at: string | null;
  /** The last activity that pushed `expires_at` back, and which: `purchase` or `inquiry`. */
  renewed_at: string | null;
  renewed_by: string | null;
  /** When the daily job turned it off because implied consent ran out; cleared when it is on again. */
  lapsed_at: string | null;
  /** When a reconfirmation was asked for the current `expires_at`. */
  reconfirm_sent_at: string | null;
  /** 1 once someone chose it (a person, an admin, an import's cell): an organization's default no longer applies. */
  chosen: number;
  /** The advisory category only: `high` or `critical` to receive only those; null for all. */
  advisory_threshold: string | null;
  /** The ticket-update category only: `daily` for one email a day; null: at once. */
  ticket_delivery: string | null;
}

/** A category an organization's contract needs that nobody there receives (server/consent/coverage.ts). */
export interface CoverageLossesTable {
  organization_id: string;
  category: string;
  lost_at: string;
  /** When someone received it again; null while nobody does. */
  restored_at: string | null;
}

/** A ticket update collected for a contact's daily digest (server/tickets/ticket-digests.ts). */
export interface DigestItemsTable {
  id: string;
  contact_id: string;
  ticket_id: string;
  /** The update's template data, sealed under DATA_KEY. */
  data: string;
  due_at: string;
  created_at: string;
}

/** A contact's muted ticket (server/tickets/ticket-mutes.ts). */
export interface MutedTicketsTable {
  contact_id: string;
  ticket_id: string;
  muted_at: string;
}

/** An organization's say over a category for its staff (server/consent/organization-policy.ts). */
export interface OrganizationPoliciesTable {
  organization_id: string;
  category: string;
  /** 0/1 for contacts who never chose; null: the category's own default. */
  default_subscribed: number | null;
  /** 1: on for every contact of the organization, and nobody may turn it off. */
  locked: number;
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
  basis: string | null;
  basis_since: string | null;
  wording_version: string | null;
  wording_locale: string | null;
  advisory_threshold: string | null;
  ticket_delivery: string | null;
}

/** A double opt-in or a reconfirmation asked of a contact by email (server/consent/consent-requests.ts). */
export interface ConsentRequestsTable {
  id: string;
  contact_id: string;
  kind: 'double-opt-in' | 'reconfirmation';
  /** JSON array of category keys. */
  categories: string;
  /** Where it was asked: `subscribe-form`, `extension`, `admin`, or `expiry` for a reconfirmation. */
  requested_via: string;
  /** The wording of the form it was asked from, if any. */
  request_wording: string | null;
  /** The wording of the email and of its confirm page. */
  wording_version: string;
  /** A reconfirmation's lapse date. */
  lapses_at: string | null;
  requested_at: string;
  expires_at: string;
  confirmed_at: string | null;
  confirmed_locale: string | null;
}

/** Who a message said it was from: the From header and postal address (CASL s. 6(2)), by a hash of both. */
export interface SenderIdentitiesTable {
  id: string;
  /** JSON: from, postalAddress. */
  identity: string;
  first_used_at: string;
}

export interface WebhookEndpointsTable {
  id: string;
  url: string;
  description: string | null;
  /** JSON array of WebhookEventType. */
  event_types: string;
  organization_id: string | null;
  include_email: number;
  /** Sealed (FieldCrypto). */
  secret: string;
  previous_secret: string | null;
  previous_secret_until: string | null;
  secret_rotated_at: string | null;
  enabled: number;
  disabled_reason: string | null;
  created_at: string;
  updated_at: string;
  lease_owner: Generated<string | null>;
  lease_until: Generated<string | null>;
  failing_since: Generated<string | null>;
}

export interface EventsTable {
  seq: Generated<number>;
  id: string;
  type: string;
  occurred_at: string;
  organization_id: string | null;
  contact_id: string | null;
  /** JSON, nothing personal. */
  data: string;
  /** The contact's address as contacts holds it (sealed), for endpoints allowed to receive it. */
  email: string | null;
}

export interface EventDeliveriesTable {
  endpoint_id: string;
  event_seq: number;
  status: Generated<string>;
  attempts: Generated<number>;
  next_attempt_at: string;
  last_attempt_at: string | null;
  last_status_code: number | null;
  last_error: string | null;
  last_latency_ms: number | null;
  delivered_at: string | null;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  role: string;
  key_hash: string;
  created_at: string;
  revoked_at: string | null;
}

export type { MessageStatus } from '../../contract/index.js';

export interface MessagesTable {
  id: string;
  contact_id: string;
  category: string | null;
  template: string;
  /** JSON of the template data; null when the data is its fan-out's. */
  data: string | null;
  /** The advisory or service alert revision (or reminder) it belongs to. */
  fan_out_id: string | null;
  api_key_id: string | null;
  idempotency_key: string | null;
  status: MessageStatus;
  first_status: MessageStatus;
  attempts: number;
  last_error: string | null;
  next_attempt_at: string;
  lease_owner: string | null;
  lease_until: string | null;
  subject: string | null;
  created_at: string;
  updated_at: string;
  sent_at: string | null;
  /** The consent basis the message relied on when it was sent. */
  basis: string | null;
  /** sender_identities.id of what it carried. */
  sender_identity: string | null;
  /** Why it was suppressed, as a code (MESSAGE_SUPPRESSED_REASONS); null when it was not, or before this was kept. */
  suppressed_reason: MessageSuppressedReason | null;
}

/** One advisory or service alert revision, or one escalation reminder (server/advisories/fan-outs.ts). */
export interface FanOutsTable {
  id: string;
  kind: FanOutKind;
  /** The support team's id; with kind and revision, unique outside reminders. */
  external_id: string;
  revision: number;
  purpose: FanOutPurpose;
  /** The original's id (its own for an original). */
  root_id: string;
  severity: string | null;
  /** JSON: the texts, each `{en?, fr?}`, and the alert's fields. */
  content: string;
  /** JSON array, or null for every organization. */
  organization_ids: string | null;
  status: 'expanding' | 'expanded';
  /** The last contact id expanded. */
  cursor: string | null;
  queued: number;
  suppressed: number;
  created_at: string;
}

export interface AdvisoryAcknowledgmentsTable {
  /** The original's fan_outs.id. */
  fan_out_id: string;
  organization_id: string;
  action: Acknowledgment;
  /** Null once that person was erased. */
  contact_id: string | null;
  at: string;
}

export interface AdvisoryEscalationsTable {
  fan_out_id: string;
  organization_id: string;
  reminder_id: string;
  escalated_at: string;
}

export interface SuppressionsTable {
  address_hash: string;
  reason: string;
  created_at: string;
  /** Until when (soft bounces); null for good. */
  expires_at: string | null;
}

/** A bounce or complaint reported after sending (server/deliverability/delivery-feedback.ts). */
export interface DeliveryFeedbackTable {
  id: string;
  event_key: string;
  message_id: string;
  contact_id: string | null;
  organization_id: string | null;
  category: string | null;
  kind: 'hard-bounce' | 'soft-bounce' | 'complaint';
  source: string;
  status_code: string | null;
  diagnostic: string | null;
  occurred_at: string;
  received_at: string;
}

export interface SignInCodesTable {
  id: string;
  contact_id: string;
  /** Random per code; the hash is HMAC-SHA256(server key, salt + code), never the code itself. */
  code_salt: string;
  code_hash: string;
  expires_at: string;
  used_at: string | null;
  created_at: string;
}

/** Wrong sign-in codes per address, across codes (server/self-service/sign-in-failures.ts). */
export interface SignInFailuresTable {
  /** The blind index of the address, whether a contact has it or not. */
  address_key: string;
  failures: number;
  window_start: string;
  locked_until: string | null;
}

export interface SessionsTable {
  /** The session token's jti. */
  id: string;
  contact_id: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
}

export interface CryptoKeysTable {
  name: string;
  wrapped: string;
  updated_at: string;
}

export interface ErasuresTable {
  contact_id: string;
  address_hash: string;
  erased_at: string;
  requested_by: string;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  key_id: string | null;
  action: string;
  target: string | null;
  outcome: number;
  request_id: string | null;
  detail: string | null;
}

export interface RetentionFloorTable {
  name: string;
  before: string;
}

/** One limit's count for one client, under a keyed hash of both (server/http/rate-limit-stores.ts). */
export interface RateLimitsTable {
  key: string;
  hits: number;
  reset_at: string;
}

/** A member of the MSP's staff (server/staff/staff-accounts.ts). */
export interface StaffUsersTable {
  id: string;
  email_index: string;
  /** Sealed under DATA_KEY. */
  email: string;
  role: Role;
  created_at: string;
  disabled_at: string | null;
}

export interface StaffPasskeysTable {
  /** The credential id, base64url. */
  id: string;
  staff_id: string;
  /** The credential's public key (COSE), base64url. */
  public_key: string;
  counter: number;
  /** JSON array of the authenticator's transports. */
  transports: string | null;
  created_at: string;
  last_used_at: string | null;
}

export interface StaffEnrolmentsTable {
  token_hash: string;
  staff_id: string;
  expires_at: string;
  used_at: string | null;
}

export interface StaffChallengesTable {
  id: string;
  challenge: string;
  purpose: 'enrol' | 'sign-in';
  staff_id: string | null;
  expires_at: string;
}

export interface StaffSessionsTable {
  id_hash: string;
  staff_id: string;
  created_at: string;
  last_seen_at: string;
  /** The absolute end (12 hours after sign-in); idleness ends it sooner. */
  expires_at: string;
  revoked_at: string | null;
}

/** An authenticator app (TOTP, RFC 6238) for a staff member: the fallback to passkeys. */
export interface StaffTotpTable {
  staff_id: string;
  /** Base32 secret, sealed under DATA_KEY. */
  secret: string;
  /** Null until a first code proves the app has it. */
  confirmed_at: string | null;
  /** The last time step a code was accepted for: a code works once. */
  last_time_step: number | null;
}

export interface StaffRecoveryCodesTable {
  /** SHA-256 of the code (high-entropy random: nothing to brute-force). */
  code_hash: string;
  staff_id: string;
  used_at: string | null;
}

/** A single sign-on login under way (server/staff/sso-logins.ts): one use, minutes long. */
export interface StaffSsoLoginsTable {
  /** SHA-256 of the random value in the browser's short-lived cookie: the login is bound to that browser. */
  binding_hash: string;
  state: string;
  nonce: string;
  /** The PKCE verifier, sealed under DATA_KEY. */
  code_verifier: string;
  /** Sent to the IdP; its answer being checked; or waiting for the member's passkey or code. */
  stage: 'redirected' | 'exchanging' | 'second-factor';
  /** Who the IdP named, once it has. */
  staff_id: string | null;
  /** Refused second factors: the login ends after a few. */
  failures: number;
  expires_at: string;
}

export interface Database {
  organizations: OrganizationsTable;
  contacts: ContactsTable;
  contact_name_tokens: ContactNameTokensTable;
  consents: ConsentsTable;
  consent_history: ConsentHistoryTable;
  consent_requests: ConsentRequestsTable;
  organization_policies: OrganizationPoliciesTable;
  coverage_losses: CoverageLossesTable;
  muted_tickets: MutedTicketsTable;
  digest_items: DigestItemsTable;
  sender_identities: SenderIdentitiesTable;
  api_keys: ApiKeysTable;
  webhook_endpoints: WebhookEndpointsTable;
  events: EventsTable;
  event_deliveries: EventDeliveriesTable;
  messages: MessagesTable;
  fan_outs: FanOutsTable;
  advisory_acknowledgments: AdvisoryAcknowledgmentsTable;
  advisory_escalations: AdvisoryEscalationsTable;
  suppressions: SuppressionsTable;
  delivery_feedback: DeliveryFeedbackTable;
  crypto_keys: CryptoKeysTable;
  erasures: ErasuresTable;
  audit_log: AuditLogTable;
  retention_floor: RetentionFloorTable;
  sign_in_codes: SignInCodesTable;
  sessions: SessionsTable;
  rate_limits: RateLimitsTable;
  sign_in_failures: SignInFailuresTable;
  staff_users: StaffUsersTable;
  staff_passkeys: StaffPasskeysTable;
  staff_enrolments: StaffEnrolmentsTable;
  staff_challenges: StaffChallengesTable;
  staff_sessions: StaffSessionsTable;
  staff_totp: StaffTotpTable;
  staff_recovery_codes: StaffRecoveryCodesTable;
  staff_sso_logins: StaffSsoLoginsTable;
}
