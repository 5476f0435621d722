export interface SendFailure {
  /** transient: retry later; permanent: give up on this message. */
  kind: 'transient' | 'permanent';
  /** A 5.1.x rejection (no such mailbox, bad address): never mail this address again. */
  badAddress: boolean;
  /**
   * The relay, not this message, is the problem (unreachable, or refusing us at the greeting,
   * EHLO/HELO, STARTTLS, AUTH or MAIL FROM): every message would fail alike, so it is retried
   * whatever the reply code.
   */
  relay: boolean;
  /** What to show in the message's status: the SMTP reply with any address masked. */
  detail: string;
  /** The SMTP reply code (550), when a server answered. */
  smtpCode: number | null;
  /** The enhanced status code (RFC 3463, `5.1.1`), when the reply carried one. */
  statusCode: string | null;
}

/** The properties nodemailer sets on its errors; `command` names the SMTP step in flight ('CONN' for connecting, greeting and TLS). */
interface NodemailerError {
  code?: string;
  command?: string;
  responseCode?: number;
  response?: string;
  message?: string;
}

/** An enhanced status code (RFC 3463): class, subject, detail. */
const ENHANCED_STATUS = /\b[245]\.\d{1,3}\.\d{1,3}\b/;

/** nodemailer's codes for a connection or session that failed before any message was refused. */
const SESSION_CODES = new Set(['ECONNECTION', 'ESOCKET', 'ETIMEDOUT', 'EDNS', 'ETLS', 'EPROTOCOL', 'EAUTH', 'ENOAUTH', 'EOAUTH2', 'EPROXY']);

/** The text with every address (and its angle brackets) replaced by `<address>`: what servers say, without whom they said it of. */
export const maskAddresses = (text: string) => text.replace(/<?[^\s<>"'()]+@[^\s<>"'()]+>?/g, '<address>');

function aboutTheRelay(e: NodemailerError): boolean {
  // 421: the server is closing the channel, whatever the command (RFC 5321 §3.8).
  if (e.responseCode === 421) return true;
  // MAIL FROM carries our sender and the relay's policy for us; only a size refusal is about this message.
  if (e.command === 'MAIL FROM') return e.code === 'EENVELOPE' && e.responseCode !== 552 && !/\b5\.3\.4\b/.test(e.response ?? '');
  // Postfix refuses a client outside its allow-list at RCPT TO, for every recipient alike.
  if (e.command === 'RCPT TO' && /relay access denied/i.test(e.response ?? '')) return true;
  return SESSION_CODES.has(e.code ?? '');
}

/**
 * By SMTP phase, as a relay-sending MTA does: trouble connecting, greeting, EHLO, TLS, AUTH or
 * MAIL FROM is retried whatever its code; a 5xx to RCPT TO or DATA refuses this message for good.
 */
export function classifySendError(error: unknown): SendFailure {
  const e = error as NodemailerError;
  const detail = maskAddresses((e.response ?? e.message ?? String(error)).slice(0, 300));
  const smtpCode = typeof e.responseCode === 'number' ? e.responseCode : null;
  const codes = { smtpCode, statusCode: smtpCode === null ? null : (ENHANCED_STATUS.exec(e.response ?? '')?.[0] ?? null) };
  if (aboutTheRelay(e)) return { kind: 'transient', badAddress: false, relay: true, detail, ...codes };
  const refused = smtpCode !== null && smtpCode >= 500;
  if (refused && ['MAIL FROM', 'RCPT TO', 'DATA'].includes(e.command ?? '')) {
    return { kind: 'permanent', badAddress: codes.statusCode?.startsWith('5.1.') ?? false, relay: false, detail, ...codes };
  }
  return { kind: 'transient', badAddress: false, relay: false, detail, ...codes };
}

/** Exponential backoff with ±50% jitter, so retries of a burst spread out; capped at 6 hours. */
export function retryDelayMs(baseMs: number, attempt: number, random = Math.random): number {
  const exponential = Math.min(baseMs * 2 ** Math.max(0, attempt - 1), 6 * 3_600_000);
  return Math.round(exponential * (0.5 + random()));
}
