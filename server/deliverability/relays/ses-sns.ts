import crypto from 'node:crypto';
import { z } from 'zod';
import type { HttpsGet } from './https-get.js';
import { enhancedStatus, isoTime, text, type RelayBatch, type RelayEvent } from './relay-event.js';

/** Where SNS keeps its signing certificates and confirmation links (the allow-list SNS documents). */
export const SNS_HOST = /^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;
/** The SES message tag each message carries, and SES gives back in `mail.tags`. */
export const SES_REFERENCE_TAG = 'message_ref';

const field = (max: number) => z.string().max(max);
/** An SNS message posted to an HTTPS subscription (raw message delivery off). */
export const snsMessage = z.looseObject({
  Type: field(64),
  MessageId: field(128),
  TopicArn: field(512),
  Message: field(300_000),
  Timestamp: field(64),
  SignatureVersion: field(8),
  Signature: field(2048),
  SigningCertURL: field(2048),
  Subject: field(1024).optional(),
  SubscribeURL: field(2048).optional(),
  Token: field(2048).optional(),
});
export type SnsMessage = z.output<typeof snsMessage>;

/** The fields signed, in the order SNS documents, for each type of message. */
const SIGNED_FIELDS: Record<string, readonly (keyof SnsMessage)[]> = {
  Notification: ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'],
  SubscriptionConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
  UnsubscribeConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
};
const DIGESTS: Record<string, string> = { '1': 'sha1', '2': 'sha256' };

/** The string SNS signs: each field's name and value on lines of their own; null for an unknown type or a field missing. */
export function snsStringToSign(message: SnsMessage): string | null {
  const fields = SIGNED_FIELDS[message.Type];
  if (!fields) return null;
  let signed = '';
  for (const name of fields) {
    const value = message[name];
    // Only a notification's Subject may be absent.
    if (value === undefined && name === 'Subject') continue;
    if (typeof value !== 'string') return null;
    signed += `${name}\n${value}\n`;
  }
  return signed;
}

/** An https URL on an SNS host (no user, no other port), or null. */
export function snsUrl(value: string | undefined, hostPattern: RegExp = SNS_HOST): URL | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    const onSns = url.protocol === 'https:' && !url.username && !url.password && !url.port && hostPattern.test(url.hostname);
    return onSns ? url : null;
  } catch {
    return null;
  }
}

/** SignatureVersion 1 is SHA1withRSA, 2 SHA256withRSA, by the certificate's public key over the string to sign. */
export function verifySnsSignature(message: SnsMessage, certificate: crypto.X509Certificate, now = Date.now()): boolean {
  const digest = DIGESTS[message.SignatureVersion];
  const signed = snsStringToSign(message);
  if (!digest || signed === null) return false;
  if (now < Date.parse(certificate.validFrom) || now > Date.parse(certificate.validTo)) return false;
  try {
    return crypto.verify(digest, Buffer.from(signed, 'utf8'), certificate.publicKey, Buffer.from(message.Signature, 'base64'));
  } catch {
    return false;
  }
}

export type SnsRefusal = 'unknown-type' | 'unknown-topic' | 'bad-certificate-url' | 'certificate-unavailable' | 'bad-signature';
export type SnsVerdict = { ok: true } | { ok: false; refusal: SnsRefusal };

const CERTIFICATE_TTL_MS = 24 * 3_600_000;
const MAX_CERTIFICATES = 32;

/**
 * Checks that a message comes from SNS, for one of our topics: the cheap checks first (type,
 * topic, signature version, certificate URL on an SNS host), then the signature by the
 * certificate, fetched once a day at most per URL.
 */
export class SnsVerifier {
  private readonly certificates = new Map<string, { at: number; certificate: Promise<crypto.X509Certificate> }>();

  constructor(
    private readonly deps: {
      topicArns: readonly string[];
      /** How certificates are fetched (over HTTPS, no redirect, capped). */
      get: HttpsGet;
      hostPattern?: RegExp;
      now?: () => number;
    },
  ) {}

  async verify(message: SnsMessage): Promise<SnsVerdict> {
    if (!SIGNED_FIELDS[message.Type] || !DIGESTS[message.SignatureVersion]) return { ok: false, refusal: 'unknown-type' };
    if (!this.deps.topicArns.includes(message.TopicArn)) return { ok: false, refusal: 'unknown-topic' };
    const url = snsUrl(message.SigningCertURL, this.deps.hostPattern);
    if (!url || !url.pathname.endsWith('.pem')) return { ok: false, refusal: 'bad-certificate-url' };
    let certificate: crypto.X509Certificate;
    try {
      certificate = await this.certificate(url);
    } catch {
      return { ok: false, refusal: 'certificate-unavailable' };
    }
    return verifySnsSignature(message, certificate, this.now()) ? { ok: true } : { ok: false, refusal: 'bad-signature' };
  }

  private certificate(url: URL): Promise<crypto.X509Certificate> {
    const key = url.href;
    const cached = this.certificates.get(key);
    if (cached && this.now() - cached.at < CERTIFICATE_TTL_MS) return cached.certificate;
    this.certificates.delete(key);
    if (this.certificates.size >= MAX_CERTIFICATES) this.certificates.delete(this.certificates.keys().next().value!);
    const certificate = this.deps.get(url).then((pem) => new crypto.X509Certificate(pem));
    this.certificates.set(key, { at: this.now(), certificate });
    // A failed fetch is not kept: the next message tries again.
    certificate.catch(() => this.certificates.delete(key));
    return certificate;
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }
}

/** The message tag SES gives back in its events: tag values allow no dot, so the reference's dot is sent as a dash. */
export function sesHeaders(reference: string): Record<string, string> {
  return { 'X-SES-MESSAGE-TAGS': `${SES_REFERENCE_TAG}=${reference.replace('.', '-')}` };
}

/**
 * An SES notification (an SNS Notification whose Message is SES's JSON, from event publishing or
 * identity notifications) as bounces and complaints: a `Permanent` bounce is hard, `Transient` and
 * `Undetermined` soft, one event per recipient; a complaint is a complaint unless its feedback type
 * is `not-spam`; every other event (Delivery, Send, Open…) is ignored.
 */
export function sesEvents(message: SnsMessage): RelayBatch {
  let notification: Record<string, unknown>;
  try {
    notification = JSON.parse(message.Message) as Record<string, unknown>;
  } catch {
    return { events: [], ignored: 1 };
  }
  if (typeof notification !== 'object' || notification === null) return { events: [], ignored: 1 };
  const type = text(notification.eventType) ?? text(notification.notificationType);
  const reference = referenceOf(notification.mail);
  if (type === 'Bounce') return { events: bounces(notification.bounce, reference, message.MessageId), ignored: 0 };
  if (type === 'Complaint') {
    const events = complaints(notification.complaint, reference, message.MessageId);
    return { events, ignored: events.length ? 0 : 1 };
  }
  return { events: [], ignored: 1 };
}

type Json = Record<string, unknown>;
const object = (value: unknown): Json => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {});
const list = (value: unknown): Json[] => (Array.isArray(value) && value.length ? value.slice(0, 50).map(object) : [{}]);

function referenceOf(mail: unknown): string | null {
  const tag = object(object(mail).tags)[SES_REFERENCE_TAG];
  const value = text(Array.isArray(tag) ? tag[0] : tag);
  return value ? value.replace('-', '.') : null;
}

function bounces(value: unknown, reference: string | null, snsMessageId: string): RelayEvent[] {
  const bounce = object(value);
  const kind = bounce.bounceType === 'Permanent' ? 'hard-bounce' : 'soft-bounce';
  return list(bounce.bouncedRecipients).map((recipient, i) => ({
    reference,
    kind,
    eventKey: `${snsMessageId}#${i}`,
    statusCode: enhancedStatus(text(recipient.status)) ?? enhancedStatus(text(recipient.diagnosticCode)),
    diagnostic: text(recipient.diagnosticCode) ?? [text(bounce.bounceType), text(bounce.bounceSubType)].filter(Boolean).join(' / '),
    occurredAt: isoTime(bounce.timestamp),
  }));
}

function complaints(value: unknown, reference: string | null, snsMessageId: string): RelayEvent[] {
  const complaint = object(value);
  const feedbackType = text(complaint.complaintFeedbackType);
  if (feedbackType?.toLowerCase() === 'not-spam') return [];
  return list(complaint.complainedRecipients).map((_, i) => ({
    reference,
    kind: 'complaint' as const,
    eventKey: `${snsMessageId}#${i}`,
    statusCode: null,
    diagnostic: feedbackType ? `Feedback-Type: ${feedbackType}` : null,
    occurredAt: isoTime(complaint.timestamp),
  }));
}
