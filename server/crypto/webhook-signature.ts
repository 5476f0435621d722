import crypto from 'node:crypto';

export const SIGNATURE_TOLERANCE_SECONDS = 300;

/**
 * `X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`; several v1
 * values may be sent (a sender rotating its secret). Compared in constant time.
 */
export function verifySignature(header: string | undefined, rawBody: Buffer, secret: string, now = Date.now()): boolean {
  if (!header || header.length > 1024) return false;
  const parts = header.split(',').map((p) => p.trim().split('='));
  const t = parts.find(([k]) => k === 't')?.[1];
  const signatures = parts.filter(([k, v]) => k === 'v1' && v && /^[0-9a-f]{64}$/i.test(v)).map(([, v]) => Buffer.from(v!, 'hex'));
  if (!t || !/^\d{1,12}$/.test(t) || !signatures.length) return false;
  if (Math.abs(now / 1000 - Number(t)) > SIGNATURE_TOLERANCE_SECONDS) return false;
  const expected = crypto.createHmac('sha256', secret).update(`${t}.`).update(rawBody).digest();
  return signatures.some((candidate) => crypto.timingSafeEqual(candidate, expected));
}

export function signatureHeader(rawBody: string | Buffer, secret: string, t = Math.floor(Date.now() / 1000)): string {
  const v1 = crypto.createHmac('sha256', secret).update(`${t}.`).update(rawBody).digest('hex');
  return `t=${t},v1=${v1}`;
}
