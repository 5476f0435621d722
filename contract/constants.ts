// The constants of the wire contract, shared by the server, the extension and the tests. No
// imports: the extension bundles this file, and it must not pull zod in with it.

export const LOCALES = ['en', 'fr'] as const;
export type Locale = (typeof LOCALES)[number];

/** Where a consent change came from, as the consent history records it. */
export const CONSENT_SOURCES = [
  'default',
  'one-click',
  'unsubscribe-page',
  'preference-page',
  'extension',
  'admin',
  'import',
  /** Implied consent ran out (CASL s. 10(10)): the daily job turned the category off. */
  'expiry',
  /** The person clicked the button of a reconfirmation email: express consent. */
  'reconfirmation',
  /** The person confirmed, from the email sent to the address, a subscription asked for elsewhere. */
  'double-opt-in',
  /** The contact's organization set a default (for those who never chose) or locked a category on, or lifted a lock. */
  'organization-policy',
  /** The person reported one of our emails as spam: every category they may leave was turned off. */
  'complaint',
] as const;
export type ConsentSource = (typeof CONSENT_SOURCES)[number];

/**
 * What sending to a contact in a category rests on (CASL and GDPR): `express` consent never
 * lapses; `implied-relationship` lasts 2 years from the last purchase or contract, and
 * `implied-inquiry` 6 months from the last inquiry (CASL s. 10(10)); `exempt` is a transactional
 * message (CASL s. 6(6)) and `b2b` mail between organizations with a relationship (Electronic
 * Commerce Protection Regulations s. 3(a)(ii)): neither lapses.
 */
export const CONSENT_BASES = ['express', 'implied-relationship', 'implied-inquiry', 'exempt', 'b2b'] as const;
export type ConsentBasis = (typeof CONSENT_BASES)[number];

/** The places a person gives or withdraws consent, each with its wording kept by version. */
export const WORDING_SURFACES = [
  'preference-page',
  'unsubscribe-page',
  'extension',
  'reconfirmation-email',
  'double-opt-in-email',
  'subscribe-form',
] as const;
export type WordingSurface = (typeof WORDING_SURFACES)[number];

/** API-key roles: `admin` may do everything, the others what each route lists. */
export const ROLES = ['admin', 'sender', 'support'] as const;
export type Role = (typeof ROLES)[number];

/** Why a staff single sign-on signed no one in: the console shows each (`/console?sso=<reason>`). */
export const SSO_REFUSALS = ['refused', 'unavailable', 'no-address', 'no-role', 'disabled'] as const;
export type SsoRefusal = (typeof SSO_REFUSALS)[number];

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Which security advisories a contact receives: all, high and critical, or critical only. */
export const ADVISORY_THRESHOLDS = ['all', 'high', 'critical'] as const;
export type AdvisoryThreshold = (typeof ADVISORY_THRESHOLDS)[number];

/** Ticket updates as they happen, or collected into one email a day at 08:00 in the organization's time zone. */
export const TICKET_DELIVERIES = ['immediate', 'daily'] as const;
export type TicketDelivery = (typeof TICKET_DELIVERIES)[number];

/** The category ticket updates go in (the one with a daily digest). */
export const TICKETS_CATEGORY = 'ticket-updates';

/** The category security advisories go in (the one with a severity threshold). */
export const ADVISORY_CATEGORY = 'security-advisories';

/** The category service alerts go in. */
export const SERVICE_ALERT_CATEGORY = 'service-alerts';

/** Where a service incident stands; `resolved` closes the alert (no later revision is accepted). */
export const ALERT_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** What a person at a client says about an advisory, for the whole organization: read it, or applied the fix (high and critical). */
export const ACKNOWLEDGMENTS = ['read', 'applied'] as const;
export type Acknowledgment = (typeof ACKNOWLEDGMENTS)[number];

/** What the support team fans out to client organizations. */
export const FAN_OUT_KINDS = ['security-advisory', 'service-alert'] as const;
export type FanOutKind = (typeof FAN_OUT_KINDS)[number];
/** original: the first revision; update: a later one (to the original's recipients); reminder: an escalation to one organization. */
export const FAN_OUT_PURPOSES = ['original', 'update', 'reminder'] as const;
export type FanOutPurpose = (typeof FAN_OUT_PURPOSES)[number];

/** The severities whose advisories also ask "We have applied the fix". */
export const FIX_SEVERITIES: readonly Severity[] = ['high', 'critical'];

/** The templates the messages API sends. */
export const API_TEMPLATES = ['ticket-update', 'invoice-receipt', 'announcement', 'security-advisory', 'service-alert'] as const;
export type ApiTemplate = (typeof API_TEMPLATES)[number];

/**
 * The service's own emails, in no category: a sign-in code, a fresh link, a data copy, an
 * email-change notice, a double opt-in confirmation, and a reconfirmation before implied consent lapses.
 */
export const SYSTEM_TEMPLATES = [
  'sign-in-code',
  'preferences-link',
  'data-export',
  'email-changed',
  'confirm-subscription',
  'reconfirm-consent',
  'coverage-lost',
] as const;
export type SystemTemplate = (typeof SYSTEM_TEMPLATES)[number];

/** Category mail the service makes itself: a day's ticket updates in one email. */
export const DIGEST_TEMPLATES = ['ticket-digest'] as const;

export const TEMPLATE_NAMES = [...API_TEMPLATES, ...SYSTEM_TEMPLATES, ...DIGEST_TEMPLATES] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

export const MESSAGE_STATUSES = ['queued', 'sending', 'sent', 'failed', 'suppressed'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** What came back about a message after it was sent: a bounce (DSN or relay event) or a spam complaint. */
export const FEEDBACK_KINDS = ['hard-bounce', 'soft-bounce', 'complaint'] as const;
export type FeedbackKind = (typeof FEEDBACK_KINDS)[number];
/** Where it came from: the inbound receiver (a DSN, an ARF report) or a relay's event webhook. */
export const FEEDBACK_SOURCES = ['dsn', 'arf', 'sendgrid', 'postmark', 'ses'] as const;
export type FeedbackSource = (typeof FEEDBACK_SOURCES)[number];

/** The problem types the self-service sign-in answers with (`Problem.type`). */
export const SIGN_IN_PROBLEMS = {
  /** 401: the code is wrong, expired, already used, or the address has no code (one answer for all). */
  wrongCode: '/problems/wrong-code',
  /** 429: too many wrong codes for this address; try again after Retry-After seconds (a new code does not help). */
  tooManyAttempts: '/problems/too-many-attempts',
} as const;

/** Why a message was given up on (`message.failed`, metrics): the relay refusing us, other passing SMTP trouble, a refusal of this message, content that cannot be made, or the service's own trouble. */
export const MESSAGE_FAILURE_KINDS = ['relay', 'transient', 'permanent', 'unrenderable', 'internal'] as const;
export type MessageFailureKind = (typeof MESSAGE_FAILURE_KINDS)[number];

/** Why a message was not sent after all (`message.suppressed`, metrics); the message's status says more in words. */
/** What an erasure erases, as the receipt names it (each client words it in its own language). */
export const ERASED_DATA = ['email', 'name', 'phone', 'job-title', 'locale', 'organization', 'preferences', 'sign-in', 'queued-messages', 'message-contents'] as const;
export type ErasedData = (typeof ERASED_DATA)[number];

/** What the law keeps after an erasure, as the receipt names it. */
export const KEPT_DATA = ['consent-history', 'message-log', 'suppression-hash', 'advisory-acknowledgments'] as const;
export type KeptData = (typeof KEPT_DATA)[number];

export const MESSAGE_SUPPRESSED_REASONS = ['erased', 'not-subscribed', 'suppression-list', 'below-threshold', 'ticket-muted', 'daily-digest', 'nothing-to-send'] as const;
export type MessageSuppressedReason = (typeof MESSAGE_SUPPRESSED_REASONS)[number];

/**
 * What the service tells an MSP's other systems (PSA, CRM, SIEM) through outgoing webhooks. Each
 * event names its contact and organization; an address only for endpoints allowed to receive it.
 */
export const WEBHOOK_EVENT_TYPES = [
  'consent.changed',
  'contact.created',
  'contact.updated',
  /** Nothing personal at all: the contact's id and organization only. */
  'contact.erased',
  'message.sent',
  'message.failed',
  'message.suppressed',
  'message.bounced',
  'message.complained',
  'advisory.acknowledged',
  'coverage.lost',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Where an endpoint stands: delivering, failing (retrying since `failingSince`), or disabled (by an admin, or after failing for 3 days). */
export const WEBHOOK_ENDPOINT_STATES = ['enabled', 'failing', 'disabled'] as const;
export type WebhookEndpointState = (typeof WEBHOOK_ENDPOINT_STATES)[number];
