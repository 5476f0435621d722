import crypto from 'node:crypto';
import { z } from 'zod';
import { enhancedStatus, isoTime, text, type RelayBatch, type RelayEvent } from './relay-event.js';

export const SENDGRID_SIGNATURE_HEADER = 'X-Twilio-Email-Event-Webhook-Signature';
export const SENDGRID_TIMESTAMP_HEADER = 'X-Twilio-Email-Event-Webhook-Timestamp';
/** An older signed call is refused: a captured batch cannot be played again later. */
export const SENDGRID_MAX_AGE_SECONDS = 600;
/** The custom arg (`unique_args`) each message carries, and SendGrid copies into each of its events. */
export const SENDGRID_REFERENCE_ARG = 'message_ref';

/** A batch of SendGrid events: each an object naming its `event`; the rest is read as needed. */
export const sendGridBatch = z.array(z.looseObject({ event: z.string().max(64) })).max(10_000);

/**
 * SendGrid's signed Event Webhook: an ECDSA P-256 signature (DER, base64) over SHA-256 of the
 * timestamp header followed by the raw body, the timestamp no older than 10 minutes.
 */
export function verifySendGrid(
  publicKey: crypto.KeyObject,
  call: { signature: string | undefined; timestamp: string | undefined; rawBody: Buffer },
  now = Date.now(),
): boolean {
  const { signature, timestamp, rawBody } = call;
  if (!signature || !timestamp || signature.length > 256 || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(now / 1000 - Number(timestamp)) > SENDGRID_MAX_AGE_SECONDS) return false;
  try {
    return crypto.verify('sha256', Buffer.concat([Buffer.from(timestamp, 'utf8'), rawBody]), { key: publicKey, dsaEncoding: 'der' }, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/** The custom-arg header that makes SendGrid give each event the message's reference back (SendGrid removes it before delivery). */
export function sendGridHeaders(reference: string): Record<string, string> {
  return { 'X-SMTPAPI': JSON.stringify({ unique_args: { [SENDGRID_REFERENCE_ARG]: reference } }) };
}

/**
 * SendGrid's events as bounces and complaints:
 * - `bounce` of type `bounce` (refused for good; SendGrid lists the address) is hard, of type
 *   `blocked` (refused for now: reputation, content, a full mailbox) soft;
 * - `dropped` because the address is on SendGrid's bounce list or is invalid is hard (SendGrid will
 *   never send to it); any other drop (their unsubscribe or spam-report lists, content) says
 *   nothing about the address and is ignored;
 * - `spamreport` is a complaint;
 * - everything else (`deferred`, `delivered`, `open`…) is ignored.
 */
export function sendGridEvents(batch: z.output<typeof sendGridBatch>): RelayBatch {
  const events: RelayEvent[] = [];
  let ignored = 0;
  for (const event of batch) {
    const kind = kindOf(event);
    const id = text(event.sg_event_id);
    if (!kind || !id) {
      ignored++;
      continue;
    }
    const reason = text(event.reason);
    events.push({
      reference: text(event[SENDGRID_REFERENCE_ARG]),
      kind,
      eventKey: id,
      statusCode: kind === 'complaint' ? null : (enhancedStatus(text(event.status)) ?? enhancedStatus(reason)),
      diagnostic: event.event === 'dropped' ? `dropped: ${reason ?? 'no reason given'}` : reason,
      occurredAt: isoTime(event.timestamp),
    });
  }
  return { events, ignored };
}

const HARD_DROPS = new Set(['bounced address', 'invalid']);

function kindOf(event: { event: string; [field: string]: unknown }): RelayEvent['kind'] | null {
  if (event.event === 'spamreport') return 'complaint';
  if (event.event === 'bounce') return event.type === 'blocked' ? 'soft-bounce' : 'hard-bounce';
  if (event.event === 'dropped') return HARD_DROPS.has(String(event.reason ?? '').trim().toLowerCase()) ? 'hard-bounce' : null;
  return null;
}
