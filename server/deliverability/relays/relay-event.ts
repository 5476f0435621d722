import type { FeedbackKind } from '../../../contract/index.js';

/** One bounce or complaint a relay's webhook reported, before the reference it carries is checked. */
export interface RelayEvent {
  /** The signed message reference the relay gave back (a custom arg, metadata, a tag); null when the event has none. */
  reference: string | null;
  kind: FeedbackKind;
  /** The relay's own identity of the event: the same event delivered twice is recorded once. */
  eventKey: string;
  statusCode: string | null;
  /** What the remote server said, as the relay passed it on (addresses are blanked when kept). */
  diagnostic: string | null;
  occurredAt: string | null;
}

/** What one webhook call brought: its bounces and complaints, and how many other events it carried. */
export interface RelayBatch {
  events: RelayEvent[];
  /** Events that are neither a bounce nor a complaint (a delivery, an open, a deferral…). */
  ignored: number;
}

/** The enhanced status code (RFC 3463) in a relay's text, like `5.1.1`. */
export function enhancedStatus(text: string | null | undefined): string | null {
  return /(?:^|[^\d.])([245]\.\d{1,3}\.\d{1,3})(?![\d.])/.exec(text ?? '')?.[1] ?? null;
}

/** An ISO time from what a relay gave (ISO text, or Unix seconds); null when it is not a time. */
export function isoTime(value: unknown): string | null {
  const ms = typeof value === 'number' ? value * 1000 : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : null;
}

/** A text field of a relay's payload, or null. */
export const text = (value: unknown): string | null => (typeof value === 'string' && value ? value : null);
