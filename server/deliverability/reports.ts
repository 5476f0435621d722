import crypto from 'node:crypto';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { FeedbackKind } from '../../contract/index.js';

/** What one report says about one message, before it is tied to the message. */
export interface ReadReport {
  kind: FeedbackKind;
  source: 'dsn' | 'arf';
  statusCode: string | null;
  diagnostic: string | null;
  occurredAt: string | null;
  /** The report's identity, so the same report delivered twice is counted once. */
  eventKey: string;
  /** Bounce addresses found in the report (where a report to the feedback-loop address names its message). */
  returnPaths: string[];
}

export class MalformedReport extends Error {}

/**
 * Reads a delivery status notification (RFC 3464) or an abuse report (ARF, RFC 5965). A DSN
 * yields one report per failed recipient (a delay is not a bounce); an ARF report yields one
 * complaint, unless it says the mail was not spam. Anything else is malformed.
 */
export async function readReports(raw: Buffer): Promise<ReadReport[]> {
  const mail = await simpleParser(raw, { keepDeliveryStatus: true, skipHtmlToText: true, skipTextLinks: true, skipImageLinks: true });
  const type = mail.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  const reportType = type?.value === 'multipart/report' ? type.params?.['report-type']?.toLowerCase() : undefined;
  const eventKey = mail.messageId ?? crypto.createHash('sha256').update(raw).digest('hex');
  const part = (contentType: string) => mail.attachments.find((a) => a.contentType.toLowerCase() === contentType);
  const returnPaths = returnPathsOf(raw);
  if (reportType === 'delivery-status') return readDsn(mail, part('message/delivery-status')?.content.toString('utf8'), eventKey, returnPaths);
  if (reportType === 'feedback-report') return readArf(mail, part('message/feedback-report')?.content.toString('utf8'), eventKey, returnPaths);
  throw new MalformedReport('not a delivery status notification or a feedback report');
}

function readDsn(mail: ParsedMail, status: string | undefined, eventKey: string, returnPaths: string[]): ReadReport[] {
  if (!status) throw new MalformedReport('a DSN without its message/delivery-status part');
  const [perMessage, ...perRecipient] = fieldGroups(status);
  if (!perMessage || !perRecipient.length) throw new MalformedReport('a DSN without per-recipient fields');
  const occurredAt = time(perMessage.get('arrival-date')) ?? time(mail.date?.toISOString());
  return perRecipient
    .filter((fields) => fields.get('action')?.toLowerCase() === 'failed')
    .map((fields, i) => {
      const statusCode = /^\s*([245]\.\d{1,3}\.\d{1,3})/.exec(fields.get('status') ?? '')?.[1] ?? null;
      return {
        kind: isHardBounce(statusCode) ? 'hard-bounce' : 'soft-bounce',
        source: 'dsn',
        statusCode,
        diagnostic: fields.get('diagnostic-code')?.replace(/^\s*smtp\s*;\s*/i, '') ?? null,
        occurredAt: time(fields.get('last-attempt-date')) ?? occurredAt,
        eventKey: `${eventKey}#${i}`,
        returnPaths,
      } satisfies ReadReport;
    });
}

function readArf(mail: ParsedMail, report: string | undefined, eventKey: string, returnPaths: string[]): ReadReport[] {
  if (!report) throw new MalformedReport('a feedback report without its message/feedback-report part');
  const fields = fieldGroups(report)[0];
  const feedbackType = fields?.get('feedback-type')?.trim().toLowerCase();
  if (!fields || !feedbackType) throw new MalformedReport('a feedback report without Feedback-Type');
  if (feedbackType === 'not-spam') return [];
  return [
    {
      kind: 'complaint',
      source: 'arf',
      statusCode: null,
      diagnostic: `Feedback-Type: ${feedbackType}`,
      occurredAt: time(fields.get('arrival-date') ?? fields.get('received-date')) ?? time(mail.date?.toISOString()),
      eventKey,
      returnPaths,
    },
  ];
}

/**
 * A 5.1.x (bad address or mailbox) or 5.2.1 (mailbox disabled) failure is for good; a full
 * mailbox, a policy refusal or a 4.x.x is worth trying again later.
 */
export function isHardBounce(statusCode: string | null): boolean {
  if (!statusCode?.startsWith('5.')) return false;
  return statusCode.startsWith('5.1.') || statusCode === '5.2.1';
}

/** RFC 822-style field groups separated by blank lines, continuation lines unfolded, names lower-cased. */
function fieldGroups(text: string): Map<string, string>[] {
  return text
    .replace(/\r\n/g, '\n')
    .replace(/\n[ \t]+/g, ' ')
    .split(/\n\s*\n/)
    .map((block) => {
      const fields = new Map<string, string>();
      for (const line of block.split('\n')) {
        const colon = line.indexOf(':');
        if (colon > 0) fields.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
      }
      return fields;
    })
    .filter((fields) => fields.size > 0);
}

/**
 * The bounce addresses anywhere in the report: an ARF report's `Original-Mail-From`, the returned
 * original's `Return-Path` (mailparser folds an inline original into the text, so the raw report is
 * searched). Only a signature that verifies makes one count.
 */
function returnPathsOf(raw: Buffer): string[] {
  return [...new Set([...raw.toString('latin1').matchAll(/bounces\+[0-9a-f.]+@[a-z0-9.-]+/gi)].map((m) => m[0]))];
}

function time(value: string | undefined | null): string | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}
