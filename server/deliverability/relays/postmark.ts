import crypto from 'node:crypto';
import { z } from 'zod';
import { enhancedStatus, isoTime, text, type RelayBatch } from './relay-event.js';

/** The metadata key each message carries, and Postmark gives back in `Metadata`. */
export const POSTMARK_REFERENCE_KEY = 'message_ref';

/** A Postmark bounce or spam-complaint webhook: one record per call. */
export const postmarkRecord = z.looseObject({
  RecordType: z.string().max(64),
  ID: z.union([z.number(), z.string().max(64)]),
  Type: z.string().max(64).optional(),
  Metadata: z.record(z.string(), z.unknown()).optional(),
});

/**
 * Basic auth on the webhook URL, user and password both compared in constant time (each hashed
 * first, so neither length shows either).
 */
export function verifyPostmark(authorization: string | undefined, expected: { user: string; password: string }): boolean {
  const match = /^Basic ([A-Za-z0-9+/=]{1,1024})$/i.exec(authorization?.trim() ?? '');
  if (!match) return false;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  const userMatches = sameSecret(decoded.slice(0, colon), expected.user);
  const passwordMatches = sameSecret(decoded.slice(colon + 1), expected.password);
  return userMatches && passwordMatches;
}

function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => crypto.createHash('sha256').update(value, 'utf8').digest();
  return crypto.timingSafeEqual(digest(given), digest(expected));
}

/**
 * A metadata value whatever the case of its key: the name comes from a header field's, and
 * header names are case-insensitive (nodemailer writes `X-Pm-Metadata-Message_ref`).
 */
function metadata(values: Record<string, unknown> | undefined, key: string): unknown {
  return Object.entries(values ?? {}).find(([name]) => name.toLowerCase() === key)?.[1];
}

/** The metadata header Postmark reads from mail sent over SMTP (it removes it before delivery). */
export function postmarkHeaders(reference: string): Record<string, string> {
  return { [`X-PM-Metadata-${POSTMARK_REFERENCE_KEY}`]: reference };
}

/** Refused for good: Postmark deactivates the address itself. */
const HARD = new Set(['HardBounce', 'BadEmailAddress', 'ManuallyDeactivated']);
/** Refused for now, or refused by a filter that may let a later message through. */
const SOFT = new Set(['SoftBounce', 'Transient', 'DnsError', 'SpamNotification', 'Blocked', 'DMARCPolicy']);

/**
 * A Postmark record as a bounce or a complaint. `RecordType: SpamComplaint` (or a bounce record of
 * type `SpamComplaint`) is a complaint; bounce types in HARD are hard, in SOFT soft; the rest
 * (auto-replies, address changes, challenge-response, virus notices, unsubscribe requests, Postmark's
 * own API or template errors, Unknown) say nothing about the address and are ignored.
 */
export function postmarkEvents(record: z.output<typeof postmarkRecord>): RelayBatch {
  const type = text(record.Type);
  const kind =
    record.RecordType === 'SpamComplaint' || (record.RecordType === 'Bounce' && type === 'SpamComplaint')
      ? 'complaint'
      : record.RecordType === 'Bounce' && type && HARD.has(type)
        ? 'hard-bounce'
        : record.RecordType === 'Bounce' && type && SOFT.has(type)
          ? 'soft-bounce'
          : null;
  if (!kind) return { events: [], ignored: 1 };
  const details = text(record.Details);
  return {
    events: [
      {
        reference: text(metadata(record.Metadata, POSTMARK_REFERENCE_KEY)),
        kind,
        // Bounces and spam complaints share Postmark's bounce ids; the record type keeps them apart anyway.
        eventKey: `${record.RecordType}:${record.ID}`,
        statusCode: kind === 'complaint' ? null : enhancedStatus(details),
        diagnostic: details ?? text(record.Description),
        occurredAt: isoTime(record.BouncedAt),
      },
    ],
    ignored: 0,
  };
}
