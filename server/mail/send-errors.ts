export interface SendFailure {
  /** transient: retry later; permanent: give up on this message. */
  kind: 'transient' | 'permanent';
  /** A 5.1.x rejection (no such mailbox, bad address): never mail this address again. */
  badAddress: boolean;
  /** What to show in the message's status: the SMTP reply with any address masked. */
  detail: string;
}

const maskAddresses = (text: string) => text.replace(/[^\s<>"'()]+@[^\s<>"'()]+/g, '<address>');

/** SMTP 5xx is final, 4xx and network trouble are worth another try (RFC 5321 §4.2.1). */
export function classifySendError(error: unknown): SendFailure {
  const e = error as { responseCode?: number; response?: string; code?: string; message?: string };
  const detail = maskAddresses((e.response ?? e.message ?? String(error)).slice(0, 300));
  if (typeof e.responseCode === 'number' && e.responseCode >= 500) {
    const enhanced = /\b5\.1\.\d{1,3}\b/.test(e.response ?? '');
    return { kind: 'permanent', badAddress: enhanced, detail };
  }
  return { kind: 'transient', badAddress: false, detail };
}

/** Exponential backoff with ±50% jitter, so retries of a burst spread out; capped at 6 hours. */
export function retryDelayMs(baseMs: number, attempt: number, random = Math.random): number {
  const exponential = Math.min(baseMs * 2 ** Math.max(0, attempt - 1), 6 * 3_600_000);
  return Math.round(exponential * (0.5 + random()));
}
