import { z } from 'zod';
import { ALERT_STATUSES, LOCALES } from '../../contract/index.js';
import { SEVERITIES } from './severity.js';
import { MARKDOWN_LIMITS } from './markdown.js';
import type { TemplateName } from './template-names.js';

function isBlank(input: unknown): boolean {
  return input === undefined || input === null || (typeof input === 'string' && input.trim() === '');
}

/** Zod's issue → the sentence an API client reads after the field name. */
const unless = (expected: string) => (issue: { input?: unknown }) =>
  isBlank(issue.input) ? 'is required' : `must be ${expected}`;

const text = (max: number) =>
  z
    .string({ error: unless('a string') })
    .refine((s) => s.trim() !== '', 'is required')
    .refine((s) => s.length <= max, `must be at most ${max} characters`);

const identifier = () =>
  z.union([text(100), z.number().int().nonnegative()], { error: unless('a non-empty string or an integer') });

// Any http(s) URL: PUBLIC_URL may be localhost in development, and PSA links may use internal hosts.
const httpUrl = () => z.url({ protocol: /^https?$/, error: unless('an http or https URL') });

const isoDate = () =>
  z
    .string({ error: unless('an ISO 8601 date') })
    .refine(
      (s) => /^\d{4}-\d{2}-\d{2}(?:T[\d:.]+(?:Z|[+-]\d{2}:?\d{2}))?$/.test(s) && !Number.isNaN(Date.parse(s)),
      'must be an ISO 8601 date such as 2026-11-26 or 2026-11-26T14:30:00Z',
    );

const amount = () =>
  z.union([z.number().finite(), z.string().regex(/^-?\d+(?:\.\d+)?$/)], {
    error: unless('a number or a decimal string such as "1234.50"'),
  });

/** A text as a string (in the data's `language`, English if not said) or as `{en, fr}`, one of which may be left out. */
const inLanguages = (one: z.ZodType<string>) =>
  z.union(
    [
      one,
      z
        .object({ en: one.optional(), fr: one.optional() })
        .strict()
        .refine((v) => v.en !== undefined || v.fr !== undefined, 'needs en, fr or both'),
    ],
    { error: unless('a string or {en, fr}') },
  );

/** What advisories and service alerts share: the language of plain strings, and which revision this is. */
const fanOutFields = {
  language: z.enum(LOCALES, { error: unless('en or fr') }).optional(),
  /** A revision after the first is an update of what the contact received. */
  revision: z.number({ error: unless('a positive integer') }).int().positive().optional(),
};

const TITLE_MAX = 300;
/** Long text (a ticket's message, a Markdown body): what still fits a 100 KB email (see MARKDOWN_LIMITS). */
const BODY_MAX = MARKDOWN_LIMITS.maxCharacters;

const schemas = {
  'ticket-update': z.object({
    ticketId: identifier(),
    subject: text(TITLE_MAX),
    status: text(100),
    message: text(BODY_MAX),
    url: httpUrl().optional(),
    /** The contact who opened the ticket (mutes are each person's own: a colleague's never silences them). */
    requesterContactId: text(64).optional(),
    /** When the ticket was reopened: an update after this lifts a mute made before. */
    reopenedAt: isoDate().optional(),
  }),
  'invoice-receipt': z.object({
    invoiceNumber: identifier(),
    amount: amount(),
    currency: z.string({ error: unless('an ISO 4217 code') }).regex(/^[A-Za-z]{3}$/, 'must be a three-letter ISO 4217 code such as CAD'),
    issuedAt: isoDate(),
    dueAt: isoDate().optional(),
    url: httpUrl().optional(),
  }),
  announcement: z.object({
    title: text(TITLE_MAX),
    body: text(BODY_MAX),
  }),
  'security-advisory': z.object({
    title: inLanguages(text(TITLE_MAX)),
    severity: z.enum(SEVERITIES, { error: unless(`one of ${SEVERITIES.join(', ')}`) }),
    summary: inLanguages(text(2_000)),
    body: inLanguages(text(BODY_MAX)),
    ...fanOutFields,
    /** An escalation: nobody at the organization acknowledged it in time. */
    reminder: z.boolean({ error: unless('true or false') }).optional(),
  }),
  'service-alert': z.object({
    title: inLanguages(text(TITLE_MAX)),
    affected: inLanguages(text(500)),
    status: z.enum(ALERT_STATUSES, { error: unless(`one of ${ALERT_STATUSES.join(', ')}`) }),
    startedAt: isoDate(),
    expectedResolutionAt: isoDate().optional(),
    workaround: inLanguages(text(2_000)).optional(),
    ...fanOutFields,
  }),
  'sign-in-code': z.object({
    code: z.string({ error: unless('six digits') }).regex(/^\d{6}$/, 'must be six digits'),
    expiresInMinutes: z.number({ error: unless('a whole number of minutes') }).int().positive().max(24 * 60),
  }),
  'preferences-link': z.object({
    url: httpUrl(),
  }),
  /** The JSON export itself is attached by the sender, not part of the data. */
  'data-export': z.object({
    requestedAt: isoDate(),
  }),
  /** A double opt-in: the consent wording in both languages, filled in, and the button's link. */
  'confirm-subscription': z.object({
    url: httpUrl(),
    statement: z.object({ en: text(2_000), fr: text(2_000) }),
    expiresAt: isoDate(),
  }),
  /** Implied consent about to lapse: the same, with the lapse date. */
  'reconfirm-consent': z.object({
    url: httpUrl(),
    statement: z.object({ en: text(2_000), fr: text(2_000) }),
    lapsesAt: isoDate(),
  }),
  /** A day's ticket updates for one contact: each ticket's latest state, the latest first. */
  'ticket-digest': z.object({
    date: isoDate(),
    tickets: z
      .array(
        z.object({
          ticketId: identifier(),
          subject: text(TITLE_MAX),
          status: text(100),
          message: text(BODY_MAX),
          url: httpUrl().optional(),
        }),
      )
      .min(1)
      .max(50),
  }),
  /** To an organization's lead, when nobody there receives a category its contract needs. */
  'coverage-lost': z.object({
    organizationName: text(200),
    categoryLabel: z.object({ en: text(200), fr: text(200) }),
  }),
  /** Sent to the address that was replaced; the new one is never named. */
  'email-changed': z.object({
    changedAt: isoDate(),
  }),
} satisfies Record<TemplateName, z.ZodType>;

export type TemplateData = { [T in TemplateName]: z.output<(typeof schemas)[T]> };

/** Zod schemas of each template's data (required fields + optional ones; extra fields allowed). */
export const templateDataSchemas: Record<TemplateName, z.ZodType> = schemas;

export interface FieldProblem {
  field: string;
  message: string;
}

export class TemplateDataError extends Error {
  constructor(
    readonly template: TemplateName,
    readonly fields: FieldProblem[],
  ) {
    super(`Invalid data for email template ${template}: ${fields.map((f) => `${f.field} ${f.message}`).join('; ')}`);
    this.name = 'TemplateDataError';
  }
}

function asObject(data: unknown): Record<string, unknown> {
  return typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
}

function fieldProblems(error: z.ZodError): FieldProblem[] {
  const byField = new Map<string, string>();
  for (const issue of error.issues) {
    const field = issue.path.map(String).join('.') || 'data';
    if (!byField.has(field)) byField.set(field, issue.message);
  }
  return [...byField].map(([field, message]) => ({ field, message }));
}

/** Names of required fields that are missing or empty in `data`, and fields of the wrong type; [] when valid. */
export function invalidTemplateFields(template: TemplateName, data: unknown): FieldProblem[] {
  const result = schemas[template].safeParse(asObject(data));
  return result.success ? [] : fieldProblems(result.error);
}

export function parseTemplateData<T extends TemplateName>(template: T, data: unknown): TemplateData[T] {
  const result = schemas[template].safeParse(asObject(data));
  if (!result.success) throw new TemplateDataError(template, fieldProblems(result.error));
  return result.data as TemplateData[T];
}
