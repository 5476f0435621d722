import { z } from 'zod';
import type { Contact, ConsentHistoryEntry, Organization, Problem } from './types.js';
import { ROLES } from '../http/auth.js';

// The request and response schemas of the admin API: they validate requests and generate the
// OpenAPI document. Response schemas are tied to the shared types with `satisfies`.

/** Text that can reach a mail header or a page: no control characters (no CR/LF header injection). */
export const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .regex(/^[^\p{Cc}]*$/u, 'Control characters (such as line breaks) are not allowed.');

export const locale = z.enum(['en', 'fr']);
export const id = z.string().min(1).max(64);

export const organizationCreate = z.object({ name: text(200).min(1), locale: locale.optional() }).strict();
export const organization = z.object({ id: z.string(), name: z.string(), locale }) satisfies z.ZodType<Organization>;

export const preferences = z.record(z.string(), z.boolean());

export const contactCreate = z
  .object({
    organizationId: id,
    email: z.string().max(320),
    name: text(200).nullable().optional(),
    phone: text(40).nullable().optional(),
    jobTitle: text(200).nullable().optional(),
    locale: locale.optional(),
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
  preferences,
}) satisfies z.ZodType<Contact>;

export const contactList = z.object({ items: z.array(contact), nextCursor: z.string().nullable() });

export const contactQuery = z
  .object({
    organizationId: id.optional(),
    email: z.string().max(320).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: id.optional(),
  })
  .strict();

export const preferencesUpdate = preferences.refine((p) => Object.keys(p).length > 0, 'Send at least one category.');

export const consentSource = z.enum(['default', 'one-click', 'unsubscribe-page', 'preference-page', 'extension', 'admin', 'import']);
export const consentHistory = z.array(
  z.object({ category: z.string(), subscribed: z.boolean(), source: consentSource, at: z.string() }),
) satisfies z.ZodType<ConsentHistoryEntry[]>;

export const importReport = z.object({
  created: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  rejected: z.number(),
  errors: z.array(z.object({ line: z.number(), field: z.string().optional(), reason: z.string() })),
  ignoredColumns: z.array(z.string()),
});

export const apiKeyCreate = z.object({ name: text(100).min(1), role: z.enum(ROLES) }).strict();
export const apiKeyCreated = z.object({ id: z.string(), name: z.string(), role: z.enum(ROLES), key: z.string() });

export const erasure = z.object({
  id: z.string(),
  erased: z.array(z.string()),
  kept: z.array(z.object({ data: z.string(), why: z.string() })),
});

export const problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number(),
  detail: z.string().optional(),
  errors: z.array(z.object({ pointer: z.string(), detail: z.string() })).optional(),
}) satisfies z.ZodType<Problem>;

/** A CSV body, documented as a string. */
export const csvBody = z.string();

/** The problem-details responses a route may give, for the OpenAPI document. */
export const problems = (...codes: number[]) =>
  Object.fromEntries(codes.map((code) => [code, { description: 'Problem details (RFC 9457)', schema: problem }]));

export const messageCreate = z
  .object({
    category: z.string().min(1).max(64),
    template: z.enum(['ticket-update', 'invoice-receipt', 'announcement', 'security-advisory']),
    to: z.union([z.object({ contactId: id }).strict(), z.object({ email: z.string().max(320) }).strict()]),
    data: z.record(z.string(), z.unknown()),
    idempotencyKey: z.string().min(1).max(200).optional(),
  })
  .strict();
export const messageAccepted = z.object({ id: z.string(), status: z.enum(['queued', 'suppressed']) });
export const messageState = z.object({
  id: z.string(),
  status: z.enum(['queued', 'sending', 'sent', 'failed', 'suppressed']),
  attempts: z.number(),
  lastError: z.string().optional(),
});

// ---- Self-service API (the browser extension) ----

export const signInCodeRequest = z.object({ email: z.string().max(320), locale: locale.optional() }).strict();
export const sessionRequest = z
  .object({ email: z.string().max(320), code: z.string().trim().regex(/^\d{6}$/, 'Six digits.') })
  .strict();
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

export const auditQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: z.coerce.number().int().positive().optional(),
    keyId: z.string().min(1).max(64).optional(),
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
