// The wire contract: every JSON shape that crosses the API, as zod schemas. The server validates
// requests and builds the OpenAPI document from them; types.ts infers the types everyone uses.
import { z } from 'zod';
import { ACKNOWLEDGMENTS, ERASED_DATA, KEPT_DATA, ALERT_STATUSES, FAN_OUT_KINDS, FAN_OUT_PURPOSES, ADVISORY_THRESHOLDS, TICKET_DELIVERIES, CONSENT_BASES, CONSENT_SOURCES, LOCALES, MESSAGE_STATUSES, MESSAGE_SUPPRESSED_REASONS, ROLES, SEVERITIES, API_TEMPLATES, WEBHOOK_ENDPOINT_STATES, WEBHOOK_EVENT_TYPES, WORDING_SURFACES } from './constants.js';

/** Text that can reach a mail header or a page: no control characters (no CR/LF header injection). */
export const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .regex(/^[^\p{Cc}]*$/u, 'Control characters (such as line breaks) are not allowed.');

export const locale = z.enum(LOCALES);
export const id = z.string().min(1).max(64);
export const role = z.enum(ROLES);
export const consentSource = z.enum(CONSENT_SOURCES);
export const consentBasis = z.enum(CONSENT_BASES);
export const advisoryThreshold = z.enum(ADVISORY_THRESHOLDS);
export const ticketDelivery = z.enum(TICKET_DELIVERIES);
export const wordingSurface = z.enum(WORDING_SURFACES);
export const severity = z.enum(SEVERITIES);

/** RFC 9457 problem details, as every error answers. */
export const problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number(),
  detail: z.string().optional(),
  errors: z.array(z.object({ pointer: z.string(), detail: z.string() })).optional(),
  /** `wrong-code` only: how many more wrong codes the address may try before one makes it wait. */
  triesLeft: z.number().int().nonnegative().optional(),
});

// ---- Organizations, contacts, consent ----

/** YYYY-MM-DD names a day that exists (Date.parse reads 2026-02-30 as March 2). */
export function isCalendarDate(day: string): boolean {
  const [y, m, d] = day.split('-').map(Number);
  const date = new Date(Date.UTC(y!, m! - 1, d!));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m! - 1 && date.getUTCDate() === d;
}

/** A calendar date or an instant, not in the future: when something happened. */
export const pastDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(?:T[\d:.]+(?:Z|[+-]\d{2}:?\d{2}))?$/, 'An ISO 8601 date such as 2026-03-01 or 2026-03-01T14:30:00Z.')
  .refine((s) => !Number.isNaN(Date.parse(s)) && isCalendarDate(s.slice(0, 10)), 'Not a real date.')
  .refine((s) => Date.parse(s) <= Date.now() + 60_000, 'Cannot be in the future.')
  .transform((s) => new Date(s).toISOString());

export const organizationCreate = z
  .object({
    name: text(200).min(1),
    locale: locale.optional(),
    /** The client's last purchase or contract (CASL s. 10(10)(a)–(b)); the creation time if left out. */
    lastPurchaseAt: pastDate.optional(),
    /** IANA time zone (daily digests go at 08:00 there); America/Toronto if left out. */
    timeZone: z
      .string()
      .max(64)
      .refine((name) => {
        try {
          new Intl.DateTimeFormat('en', { timeZone: name });
          return true;
        } catch {
          return false;
        }
      }, 'An IANA time zone such as America/Toronto or Europe/Paris.')
      .optional(),
  })
  .strict();
export const organization = z.object({ id: z.string(), name: z.string(), locale, lastPurchaseAt: z.string().nullable(), timeZone: z.string() });
export const organizationList = z.object({ items: z.array(organization) });

/** An organization's say per optional category: a default for contacts who never chose (null: the category's own), and a lock. */
export const organizationPolicy = z.record(z.string(), z.object({ default: z.boolean().nullable(), locked: z.boolean() }));
export const organizationPolicyUpdate = z
  .record(z.string(), z.object({ default: z.boolean().nullable().optional(), locked: z.boolean().optional() }).strict())
  .refine((p) => Object.keys(p).length > 0, 'Send at least one category.');

/** Category key → subscribed. */
export const preferences = z.record(z.string(), z.boolean());
export const preferencesUpdate = preferences.refine((p) => Object.keys(p).length > 0, 'Send at least one category.');

/**
 * An admin's setting of one category: on or off, and what it rests on. `since` is the start of an
 * implied basis (the purchase, contract or inquiry); `confirm: true` asks the person by email
 * first (double opt-in) and leaves the category off until they confirm.
 */
export const consentSetting = z
  .object({
    subscribed: z.boolean(),
    basis: consentBasis.optional(),
    since: pastDate.optional(),
    confirm: z.boolean().optional(),
    /** Security advisories only: which severities the contact receives. */
    advisoryThreshold: advisoryThreshold.optional(),
    /** Ticket updates only: at once, or one email a day. */
    ticketDelivery: ticketDelivery.optional(),
  })
  .strict()
  .refine((s) => !(s.confirm && !s.subscribed), { message: 'confirm asks the person to subscribe: it needs "subscribed": true.', path: ['confirm'] })
  .refine((s) => !(s.confirm && s.basis && s.basis !== 'express'), { message: 'A confirmed subscription is express consent.', path: ['basis'] })
  .refine((s) => !s.since || s.basis === 'implied-relationship' || s.basis === 'implied-inquiry', {
    message: 'since is the start of an implied basis (implied-relationship or implied-inquiry).',
    path: ['since'],
  });
/** The admin's preferences: a boolean per category (recorded with the category's default basis), or a setting. */
export const adminPreferencesUpdate = z
  .record(z.string(), z.union([z.boolean(), consentSetting]))
  .refine((p) => Object.keys(p).length > 0, 'Send at least one category.');

const localized = z.object({ en: z.string().min(1), fr: z.string().min(1) }).strict();
export const categoryInfo = z.object({
  key: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'lowercase letters, digits and dashes'),
  label: localized,
  description: localized,
  subscribedByDefault: z.boolean(),
  required: z.boolean(),
  /** What a new contact's consent rests on; `express` makes the category express-only (double opt-in from outside). */
  basis: consentBasis,
});

export const contactCreate = z
  .object({
    organizationId: id,
    email: z.string().max(320),
    name: text(200).nullable().optional(),
    phone: text(40).nullable().optional(),
    jobTitle: text(200).nullable().optional(),
    locale: locale.optional(),
    /** The client's organization lead: sees its staff and sets its defaults and locks (admin only). */
    orgLead: z.boolean().optional(),
    restoreErased: z.boolean().optional(),
  })
  .strict();

export const contactPatch = contactCreate
  .omit({ organizationId: true, restoreErased: true })
  .partial()
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, 'Send at least one field to change.');

export const contact = z.object({
  id: z.string(),
  organizationId: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  phone: z.string().nullable(),
  jobTitle: z.string().nullable(),
  locale,
  orgLead: z.boolean(),
  preferences,
  /** Categories the contact's organization locked on: on in `preferences`, and nobody may turn them off. */
  lockedCategories: z.array(z.string()),
  /** Which security advisories the contact receives. */
  advisoryThreshold,
  /** Ticket updates at once, or one email a day. */
  ticketDelivery,
});

export const contactList = z.object({ items: z.array(contact), nextCursor: z.string().nullable() });

export const contactQuery = z
  .object({
    organizationId: id.optional(),
    email: z.string().max(320).optional(),
    /** Words of the name, in any order and letter case, accents ignored: contacts having every one. */
    name: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: id.optional(),
  })
  .strict();

/** A history row in full, with its previous value and the origin of the change (export, evidence). */
export const consentHistoryRecord = z.object({
  category: z.string(),
  previous: z.boolean().nullable(),
  subscribed: z.boolean(),
  source: consentSource,
  at: z.string(),
  basis: consentBasis.nullable(),
  basisSince: z.string().nullable(),
  wordingVersion: z.string().nullable(),
  wordingLocale: locale.nullable(),
  /** Security advisories only: the severities received after this change (`all`, `high`, `critical`). */
  advisoryThreshold: advisoryThreshold.optional(),
  /** Ticket updates only: how they are delivered after this change. */
  ticketDelivery: ticketDelivery.optional(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
});

/** A history row as the history route answers it: the change, its basis and the wording shown. */
export const consentHistoryEntry = consentHistoryRecord.omit({ previous: true, ip: true, userAgent: true });
export const consentHistory = z.array(consentHistoryEntry);

/** A consent wording as it was shown, by version (`<surface>@<n>`); `{brand}`, `{categories}`, `{date}` are filled in where shown. */
export const consentWording = z.object({ version: z.string(), surface: wordingSurface, texts: localized });

export const importReport = z.object({
  created: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  rejected: z.number(),
  errors: z.array(z.object({ line: z.number(), field: z.string().optional(), reason: z.string() })),
  ignoredColumns: z.array(z.string()),
});

/** A CSV body, documented as a string. */
export const csvBody = z.string();

// ---- Privacy ----


/** Everything held about a contact: the admin export, the contact's own, and the emailed copy. */
/** One message of a contact's log: never its body or data; the subject once sent, until an erasure. */
const loggedMessage = z.object({
  id: z.string(),
  category: z.string().nullable(),
  template: z.string(),
  subject: z.string().nullable(),
  status: z.enum(MESSAGE_STATUSES),
  queuedAt: z.string(),
  sentAt: z.string().nullable(),
});

export const myDataExport = z.object({
  exportedAt: z.string(),
  contact: z.object({
    id: z.string(),
    email: z.string(),
    name: z.string().nullable(),
    phone: z.string().nullable(),
    jobTitle: z.string().nullable(),
    locale,
    organization: organization.nullable(),
  }),
  preferences,
  consentHistory: z.array(consentHistoryRecord),
  messages: z.array(loggedMessage),
  /** The advisories the contact said, for their organization, they read or applied the fix of. */
  advisoryAcknowledgments: z.array(z.object({ advisoryId: z.string(), action: z.enum(ACKNOWLEDGMENTS), at: z.string() })),
});

/**
 * Proof of consent for one contact: what each category rests on now and until when, every change
 * with the wording the person saw, the confirmations asked, and each message of the retention
 * window with the basis it relied on, what it carried, and when an unsubscribe took effect.
 */
export const evidence = z.object({
  generatedAt: z.string(),
  contact: z.object({
    id: z.string(),
    organizationId: z.string().nullable(),
    email: z.string().nullable(),
    name: z.string().nullable(),
    locale: locale.nullable(),
    /** Set when the contact was erased: its history and message log stay, without personal data. */
    erasedAt: z.string().nullable(),
  }),
  organization: z.object({ id: z.string(), name: z.string(), lastPurchaseAt: z.string().nullable() }).nullable(),
  categories: z.array(
    z.object({
      key: z.string(),
      label: localized,
      required: z.boolean(),
      subscribed: z.boolean(),
      basis: consentBasis,
      basisSince: z.string().nullable(),
      /** When implied consent lapses unless renewed; null for a basis that never lapses, or when off. */
      expiresAt: z.string().nullable(),
      renewedAt: z.string().nullable(),
      renewedBy: z.enum(['purchase', 'inquiry']).nullable(),
      lapsedAt: z.string().nullable(),
    }),
  ),
  history: z.array(consentHistoryRecord),
  /** The wordings the history refers to, by version, exactly as kept in the repository. */
  wordings: z.record(z.string(), z.object({ surface: wordingSurface, texts: localized })),
  requests: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(['double-opt-in', 'reconfirmation']),
      categories: z.array(z.string()),
      requestedVia: z.string(),
      requestWording: z.string().nullable(),
      wordingVersion: z.string(),
      lapsesAt: z.string().nullable(),
      requestedAt: z.string(),
      expiresAt: z.string(),
      confirmedAt: z.string().nullable(),
      confirmedLocale: locale.nullable(),
    }),
  ),
  messages: z.array(
    z.object({
      id: z.string(),
      category: z.string().nullable(),
      template: z.string(),
      status: z.enum(MESSAGE_STATUSES),
      queuedAt: z.string(),
      sentAt: z.string().nullable(),
      /** The consent basis the message relied on when it was sent (category mail). */
      basis: consentBasis.nullable(),
      /** What it carried: the From header and postal address (CASL s. 6(2)), and how to unsubscribe. */
      carried: z
        .object({
          from: z.string(),
          postalAddress: z.string(),
          unsubscribe: z.enum(['one-click-and-footer', 'preferences-link', 'none']),
          /** How long its links work after sending (CASL s. 11(1)(b): at least 60 days). */
          linksValidDays: z.number().nullable(),
        })
        .nullable(),
      /** Why it was not sent, when suppressed. */
      suppressedBecause: z.string().nullable(),
      /** When the contact's unsubscribe from this category took effect after this message, if it did, and how. */
      unsubscribed: z.object({ at: z.string(), source: consentSource }).nullable(),
    }),
  ),
  retention: z.object({ messageLogDays: z.number(), consentHistoryDays: z.number() }),
});

export const organizationEvidence = z.object({
  generatedAt: z.string(),
  organization: z.object({ id: z.string(), name: z.string(), lastPurchaseAt: z.string().nullable() }),
  contacts: z.array(evidence),
});

/** What an erasure erased, and what the law keeps and why: codes, which each client words in its language; `why` in English for the record. */
export const erasureReceipt = z.object({
  id: z.string(),
  erased: z.array(z.enum(ERASED_DATA)),
  kept: z.array(z.object({ data: z.enum(KEPT_DATA), why: z.string() })),
});

export const auditQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: z.coerce.number().int().positive().optional(),
    keyId: z.string().min(1).max(64).optional(),
    /** Entries whose action starts with this (`console.`, `POST /api/v1/contacts`). */
    action: z.string().min(1).max(200).optional(),
    /** From this day or instant, and before this one (ISO 8601). */
    from: z.iso.date().or(z.iso.datetime({ offset: true })).optional(),
    to: z.iso.date().or(z.iso.datetime({ offset: true })).optional(),
  })
  .strict();
export const auditPage = z.object({
  items: z.array(
    z.object({
      id: z.number(),
      at: z.string(),
      keyId: z.string().nullable(),
      action: z.string(),
      target: z.string().nullable(),
      outcome: z.number(),
      requestId: z.string().nullable(),
      detail: z.string().nullable(),
    }),
  ),
  nextCursor: z.number().nullable(),
});

// ---- API keys ----

export const apiKeyCreate = z.object({ name: text(100).min(1), role }).strict();
export const apiKeyCreated = z.object({ id: z.string(), name: z.string(), role, key: z.string() });
export const apiKeyList = z.object({ items: z.array(z.object({ id: z.string(), name: z.string(), role, createdAt: z.string(), revokedAt: z.string().nullable() })) });

// ---- Messages and advisories ----

export const messageCreate = z
  .object({
    category: z.string().min(1).max(64),
    template: z.enum(API_TEMPLATES),
    to: z.union([z.object({ contactId: id }).strict(), z.object({ email: z.string().max(320) }).strict()]),
    data: z.record(z.string(), z.unknown()),
    idempotencyKey: z.string().min(1).max(200).optional(),
  })
  .strict();
export const messageAccepted = z.object({ id: z.string(), status: z.enum(['queued', 'suppressed']) });
export const messageState = z.object({
  id: z.string(),
  status: z.enum(MESSAGE_STATUSES),
  attempts: z.number(),
  lastError: z.string().optional(),
  /** A bounce reported after sending (the hard one if any), with what the remote server said (addresses blanked). */
  bounced: z.object({ kind: z.enum(['hard', 'soft']), statusCode: z.string().nullable(), diagnostic: z.string().nullable(), at: z.string() }).nullable(),
  /** The recipient reported it as spam. */
  complained: z.object({ at: z.string() }).nullable(),
});

/** GET /api/v1/deliverability: bounces and complaints received in the last `days`, by category and by organization. */
const feedbackCounts = { hardBounces: z.number(), softBounces: z.number(), complaints: z.number() };
export const deliverabilityQuery = z.object({ days: z.coerce.number().int().min(1).max(365).default(30) });
export const deliverability = z.object({
  since: z.string(),
  byCategory: z.array(z.object({ category: z.string().nullable(), ...feedbackCounts })),
  byOrganization: z.array(z.object({ organizationId: z.string().nullable(), ...feedbackCounts })),
});

/** A relay's event webhook call (SendGrid, Postmark, SES through SNS): what became of the events it carried. */
export const relayEventsAnswer = z.object({
  /** Bounces and complaints recorded now. */
  recorded: z.number(),
  /** Recorded before (the relay sent them again). */
  duplicates: z.number(),
  /** Bounces and complaints naming no message of ours (no reference, or one whose signature does not hold). */
  unmatched: z.number(),
  /** Events that are neither a bounce nor a complaint. */
  ignored: z.number(),
  /** SNS only: the subscription this call confirmed, or said was ended. */
  subscription: z.enum(['confirmed', 'unsubscribed']).optional(),
});

/**
 * Text in one language or in both: a string (in the body's `language`, English unless it says
 * otherwise), or `{en, fr}` where one may be left out. Each contact gets its own language, or the
 * other with a one-line note.
 */
export const inBothLanguages = (one: z.ZodType<string>) =>
  z.union([
    one,
    z
      .object({ en: one.optional(), fr: one.optional() })
      .strict()
      .refine((v) => v.en !== undefined || v.fr !== undefined, 'Give the text in en, fr or both.'),
  ]);
export const textInBothLanguages = z.object({ en: z.string().optional(), fr: z.string().optional() });

/** An instant such as 2026-11-30T14:05:00Z (a time zone is required). */
export const instant = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/, 'An ISO 8601 time with its zone, such as 2026-11-30T14:05:00Z.')
  .refine((s) => !Number.isNaN(Date.parse(s)) && isCalendarDate(s.slice(0, 10)), 'Not a real time.')
  .transform((s) => new Date(s).toISOString());

const fanOutTarget = {
  id: z.string().trim().min(1).max(200),
  /** The language of the texts given as plain strings. */
  language: locale.optional(),
  organizationIds: z.array(z.string().min(1).max(64)).min(1).max(50_000).optional(),
};

/** POST /hooks/advisories (signed); unknown fields are ignored. */
export const advisoryCreate = z.object({
  ...fanOutTarget,
  /** A higher revision of a sent advisory goes to the same recipients, marked as an update. */
  revision: z.number().int().min(1).max(1_000_000).default(1),
  title: inBothLanguages(text(300).min(1)),
  severity,
  summary: inBothLanguages(z.string().trim().min(1).max(2000)),
  // The body's own limits (length, nesting, rendered size) are checked as it is rendered.
  body: inBothLanguages(z.string().trim().min(1)),
});
/** What an advisory would be, before it is sent: the real email in each language, and who it would reach. */
export const advisoryPreview = z.object({
  audience: z.object({ queued: z.number(), suppressed: z.number() }),
  emails: z.record(locale, z.object({ subject: z.string(), html: z.string(), text: z.string() })),
});
export const advisoryAccepted = z.object({ advisoryId: z.string(), revision: z.number(), queued: z.number(), suppressed: z.number() });
/** POST /api/v1/advisories/test: where the test went, and in which languages. */
export const advisoryTestSent = z.object({ to: z.string(), languages: z.array(locale) });

/** POST /hooks/service-alerts (signed); unknown fields are ignored. */
export const serviceAlertCreate = z.object({
  ...fanOutTarget,
  revision: z.number().int().min(1).max(1_000_000),
  status: z.enum(ALERT_STATUSES),
  title: inBothLanguages(text(300).min(1)),
  /** What is affected: a service, a site, a system. */
  affected: inBothLanguages(text(500).min(1)),
  startedAt: instant,
  expectedResolutionAt: instant.optional(),
  workaround: inBothLanguages(z.string().trim().min(1).max(2000)).optional(),
});
export const serviceAlertAccepted = z.object({ alertId: z.string(), revision: z.number(), queued: z.number(), suppressed: z.number() });

export const deliveryCounts = z.object({ queued: z.number(), sending: z.number(), sent: z.number(), failed: z.number(), suppressed: z.number() });
/** Who acknowledged for an organization, and when (the contact id is null once that person was erased). */
export const acknowledgedBy = z.object({ at: z.string(), contactId: z.string().nullable(), name: z.string().nullable() });

const fanOutHead = {
  id: z.string(),
  kind: z.enum(FAN_OUT_KINDS),
  /** Advisories only. */
  severity: severity.nullable(),
  /** Service alerts only: the latest revision's status. */
  status: z.enum(ALERT_STATUSES).nullable(),
  title: textInBothLanguages,
  /** The latest revision. */
  revision: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
  totals: deliveryCounts,
};

/** One advisory or service alert: what each revision and reminder did, per organization. */
export const fanOutReport = z.object({
  ...fanOutHead,
  revisions: z.array(z.object({ revision: z.number(), purpose: z.enum(FAN_OUT_PURPOSES), createdAt: z.string(), counts: deliveryCounts })),
  organizations: z.array(
    z.object({
      /** Null for messages of contacts erased since. */
      organizationId: z.string().nullable(),
      name: z.string().nullable(),
      counts: deliveryCounts,
      /** Why messages were not sent, by reason. */
      suppressed: z.array(z.object({ reason: z.string(), count: z.number() })),
      read: acknowledgedBy.nullable(),
      applied: acknowledgedBy.nullable(),
      /** A critical advisory nobody there acknowledged in time: when the reminder went, and to how many. */
      escalation: z.object({ at: z.string(), reminded: z.number() }).nullable(),
    }),
  ),
});
export const fanOutList = z.object({
  items: z.array(
    z.object({
      ...fanOutHead,
      organizations: z.number(),
      /** Organizations where someone read it, applied the fix, or that were reminded. */
      read: z.number(),
      applied: z.number(),
      escalated: z.number(),
    }),
  ),
  nextCursor: z.string().nullable(),
});
export const fanOutListQuery = z
  .object({ limit: z.coerce.number().int().min(1).max(200).default(50), cursor: z.string().max(400).optional() })
  .strict();

// ---- Self-service API (the browser extension; Authorization: Bearer <session token>) ----

export const signInCodeRequest = z.object({ email: z.string().max(320), locale: locale.optional() }).strict();
export const signInCodeSent = z.object({ status: z.literal('sent') });
export const sessionRequest = z
  .object({ email: z.string().max(320), code: z.string().trim().regex(/^\d{6}$/, 'Six digits.') })
  .strict();
export const session = z.object({ token: z.string(), expiresAt: z.string() });
export const me = z.object({
  contact: z.object({ id: z.string(), email: z.string(), name: z.string().nullable(), locale, organizationName: z.string(), orgLead: z.boolean() }),
  categories: z.array(categoryInfo),
  preferences,
  /** Categories the contact's organization locked on (shown on, disabled, "required by" the organization). */
  locked: z.array(z.string()),
  /** Which security advisories the contact receives; set with PUT /api/v1/me/advisory-threshold. */
  advisoryThreshold,
  /** Ticket updates at once or daily; set with PUT /api/v1/me/ticket-delivery. */
  ticketDelivery,
  /** What the extension shows next to the switches, by version; sent back with each change. */
  consentWording: z.object({ version: z.string(), text: localized }),
  /** Categories waiting for the person to confirm from their inbox (double opt-in). */
  pending: z.array(z.string()),
});
/** An acknowledgment as the contact's organization sees it: when, by whom (a name, if the colleague gave one), and whether it was this person. */
export const acknowledgedHere = z.object({ at: z.string(), by: z.string().nullable(), byMe: z.boolean() });
/** A security advisory sent to the contact's organization, in the contact's language where it exists, latest revision. */
export const myAdvisory = z.object({
  id: z.string(),
  revision: z.number(),
  severity,
  title: z.string(),
  summary: z.string(),
  /** The language of title and summary (the other one when the advisory was not written in the contact's). */
  language: locale,
  publishedAt: z.string(),
  /** High and critical advisories ask for "We have applied the fix" as well. */
  asksApplied: z.boolean(),
  read: acknowledgedHere.nullable(),
  applied: acknowledgedHere.nullable(),
});
/** The organization's advisories of the last 90 days, those still waiting for an acknowledgment first. */
export const myAdvisories = z.object({ items: z.array(myAdvisory) });
export const acknowledgmentCreate = z.object({ action: z.enum(ACKNOWLEDGMENTS) }).strict();

export const advisoryThresholdUpdate = z.object({ advisoryThreshold }).strict();
export const ticketDeliveryUpdate = z.object({ ticketDelivery }).strict();

/** Which consent wording the extension showed next to the switches it sends (from `me.consentWording`). */
export const wordingShownQuery = z.object({ wording: z.string().max(64).optional(), locale: locale.optional() }).strict();

/** Who at an organization receives the categories its contract needs, and when nobody did. */
export const coverage = z.object({
  organizationId: z.string(),
  categories: z.array(z.object({ category: z.string(), receivers: z.number(), covered: z.boolean() })),
  losses: z.array(z.object({ category: z.string(), lostAt: z.string(), restoredAt: z.string().nullable() })),
});
/** Every organization at a glance (the console's list): its contacts, and who receives each covered category now. */
export const coverageOverview = z.object({
  items: z.array(z.object({ organizationId: z.string(), contacts: z.number(), categories: coverage.shape.categories, openLosses: z.number() })),
});

/** The tickets a contact stopped hearing about, oldest first. */
export const mutedTickets = z.array(z.object({ ticketId: z.string(), mutedAt: z.string() }));

/**
 * "Why did I get this?": the signed-in contact's last 30 messages, newest first. Never a body,
 * template data or a server's words: a subject only once sent (none after an erasure), and why a
 * message was not sent as a code (null when it was not suppressed, or was before codes were kept).
 */
export const myRecentMessages = z.object({
  items: z.array(
    loggedMessage.extend({ suppressedReason: z.enum(MESSAGE_SUPPRESSED_REASONS).nullable() }),
  ),
});

/** What an organization lead sees of its organization in the extension: its policy, and who receives what. */
export const myOrganization = z.object({
  organization: z.object({ id: z.string(), name: z.string() }),
  policy: organizationPolicy,
  staff: z.array(
    z.object({ id: z.string(), name: z.string().nullable(), email: z.string(), orgLead: z.boolean(), preferences, lockedCategories: z.array(z.string()) }),
  ),
});

export const meUpdate = z
  .object({
    // An empty name clears it.
    name: text(200)
      .transform((name) => name || null)
      .nullable()
      .optional(),
    locale: locale.optional(),
  })
  .strict()
  .refine((update) => Object.keys(update).length > 0, 'Send at least one field to change.');

// ---- Staff console (cookie session; changes carry X-CSRF-Token) ----

export const staffMember = z.object({ id: z.string(), email: z.string(), role });
export const staffCreate = z.object({ email: z.string().max(320), role }).strict();
/** A new member and their one-time enrolment link (shown once; 24 hours). */
export const staffCreated = z.object({ staff: staffMember, enrolmentUrl: z.string() });
export const staffUpdate = z
  .object({ role: role.optional(), disabled: z.boolean().optional() })
  .strict()
  .refine((u) => Object.keys(u).length > 0, 'Send role, disabled or both.');
export const staffList = z.object({
  items: z.array(staffMember.extend({ createdAt: z.string(), disabledAt: z.string().nullable(), passkeys: z.number(), authenticatorApp: z.boolean() })),
});
export const enrolmentLink = z.object({ enrolmentUrl: z.string() });
/** Who is signed in to the console, and the token every change sends in X-CSRF-Token. */
export const consoleSession = z.object({
  staff: staffMember,
  csrfToken: z.string(),
  idleMinutes: z.number(),
  /** Whether an authenticator app (the fallback to passkeys) is turned on. */
  authenticatorApp: z.boolean(),
});
/** An authenticator app being set up: its secret (shown once, to type or scan) and otpauth:// URI. */
export const authenticatorSetup = z.object({ secret: z.string(), uri: z.string() });
export const authenticatorConfirm = z.object({ code: z.string().trim().regex(/^\d{6}$/, 'Six digits.') }).strict();
/** Shown once: each signs in one time when neither the passkey nor the app is at hand. */
export const recoveryCodes = z.object({ recoveryCodes: z.array(z.string()) });
export const codeSignIn = z.object({ email: z.string().max(320), code: z.string().trim().regex(/^\d{6}$/, 'Six digits.') }).strict();
export const recoverySignIn = z.object({ email: z.string().max(320), code: z.string().trim().min(10).max(20) }).strict();
/** WebAuthn options for the browser (`@simplewebauthn/browser` takes them as they are), and the challenge they answer. */
export const passkeyChallenge = z.object({ challengeId: z.string(), options: z.record(z.string(), z.unknown()) });
const enrolmentToken = z.string().min(20).max(100);
/** The browser's WebAuthn answer, checked by the server's WebAuthn library. */
const passkeyAnswer = z.record(z.string(), z.unknown());
export const enrolmentOptionsRequest = z.object({ token: enrolmentToken }).strict();
export const enrolmentRequest = z.object({ token: enrolmentToken, challengeId: z.uuid(), response: passkeyAnswer }).strict();
export const passkeySignIn = z.object({ challengeId: z.uuid(), response: passkeyAnswer }).strict();
/** How staff may sign in besides a passkey: single sign-on, when set up, and the IdP's name for its button (null: the console's own words). */
export const signInMethods = z.object({ sso: z.object({ label: z.string().nullable() }).nullable() });
/** A single sign-on waiting for the member's second factor here: who, and how they can give it (neither: create a passkey now). */
export const ssoPending = z.object({ email: z.string(), passkey: z.boolean(), authenticatorApp: z.boolean() });
/** The authenticator app's six digits, or a recovery code. */
export const ssoCode = z.object({ code: z.string().trim().min(6).max(20) }).strict();

/** What the queue is doing: the console's dashboard. */
export const queueStats = z.object({
  generatedAt: z.string(),
  byStatus: z.record(z.enum(MESSAGE_STATUSES), z.number()),
  sentLastHour: z.number(),
  sentLastDay: z.number(),
  /** The last day's failures, by reason, most frequent first. */
  failures: z.array(z.object({ reason: z.string(), count: z.number() })),
  suppressionsAddedLastDay: z.number(),
  /** Bounces and complaints received in the last day (reported after sending). */
  bouncesLastDay: z.number(),
  complaintsLastDay: z.number(),
});

// ---- Suppression list (the console's support pages; addresses travel in bodies, never in URLs) ----

export const suppressionKind = z.enum(['hard-bounce', 'soft-bounces', 'erasure', 'other']);
export const suppressionSearch = z.object({ email: z.string().max(320) }).strict();
/** An address looked up: whether it is suppressed, why and since when, and whether staff may remove it. */
export const suppressionStatus = z.object({
  email: z.string(),
  suppressed: z.boolean(),
  reason: z.string().nullable(),
  kind: suppressionKind.nullable(),
  since: z.string().nullable(),
  /** When a suppression for a while (soft bounces) ends; null for good. */
  until: z.string().nullable(),
  /** False for an erasure's suppression (and for an address not on the list). */
  removable: z.boolean(),
});
export const suppressionRemove = z.object({ email: z.string().max(320), reason: text(500).min(3, 'Say why, in 3 to 500 characters.') }).strict();
export const suppressionRecentQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }).strict();
/** The latest additions and the counts by reason; never an address (the list keeps none). */
export const suppressionRecent = z.object({
  items: z.array(z.object({ reason: z.string(), kind: suppressionKind, since: z.string(), until: z.string().nullable() })),
  byReason: z.array(z.object({ reason: z.string(), kind: suppressionKind, count: z.number() })),
  total: z.number(),
});

// ---- Outgoing webhooks (events out to the MSP's PSA, CRM, SIEM) ----

export const webhookEventType = z.enum(WEBHOOK_EVENT_TYPES);
const webhookUrl = z.url({ protocol: /^https?$/, message: 'Must be an http(s) URL (https only in production).' }).max(2000);
const webhookEvents = z
  .array(webhookEventType)
  .min(1, 'Name at least one event type.')
  .refine((types) => new Set(types).size === types.length, 'Name each event type once.');
export const webhookEndpointCreate = z
  .object({
    url: webhookUrl,
    events: webhookEvents,
    /** Only events about this organization's contacts; every organization when absent. */
    organizationId: id.optional(),
    /** Whether events carry the contact's address; otherwise its id and organization only. */
    includeEmail: z.boolean().default(false),
    description: text(200).optional(),
  })
  .strict();
export const webhookEndpointUpdate = z
  .object({
    url: webhookUrl,
    events: webhookEvents,
    organizationId: id.nullable(),
    includeEmail: z.boolean(),
    description: text(200).nullable(),
    /** false disables the endpoint; true enables it again. */
    enabled: z.boolean(),
  })
  .partial()
  .strict()
  .refine((update) => Object.keys(update).length > 0, 'Change at least one field.');
export const webhookEndpoint = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(webhookEventType),
  organizationId: z.string().nullable(),
  includeEmail: z.boolean(),
  description: z.string().nullable(),
  enabled: z.boolean(),
  /** Why it was disabled (by an admin, or after failing for 3 days); null while enabled. */
  disabledReason: z.string().nullable(),
  /** `failing`: enabled, its deliveries failing since `failingSince` (disabled after 3 days of it). */
  state: z.enum(WEBHOOK_ENDPOINT_STATES),
  failingSince: z.string().nullable(),
  createdAt: z.string(),
  secretRotatedAt: z.string().nullable(),
  /** Until then deliveries are signed with the previous secret too (a second `v1`). */
  previousSecretValidUntil: z.string().nullable(),
});
/** The signing secret is shown in these two answers only; it is stored sealed. */
export const webhookEndpointCreated = webhookEndpoint.extend({ secret: z.string() });
export const webhookEndpointList = z.object({ items: z.array(webhookEndpoint) });
export const webhookSecretRotate = z
  .object({
    /** How long deliveries still carry a signature with the old secret: 0 to 7 days, 24 hours by default. */
    overlapHours: z.number().int().min(0).max(168).default(24),
  })
  .strict();
export const webhookSecretRotated = webhookEndpoint.extend({ secret: z.string() });
export const webhookDeliveryQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }).strict();
/** One event's delivery to one endpoint: where it stands and its last attempt. */
export const webhookDelivery = z.object({
  eventId: z.string(),
  type: webhookEventType,
  occurredAt: z.string(),
  status: z.enum(['pending', 'delivered']),
  attempts: z.number(),
  lastAttemptAt: z.string().nullable(),
  /** The receiver's status; null when none came (a time-out, no connection). */
  lastStatusCode: z.number().nullable(),
  lastError: z.string().nullable(),
  lastLatencyMs: z.number().nullable(),
  /** When it is tried next; null once delivered. */
  nextAttemptAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
});
export const webhookDeliveryList = z.object({ items: z.array(webhookDelivery) });
