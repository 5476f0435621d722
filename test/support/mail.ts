import type { ReceivedMail } from './smtp.js';

/** Every http(s) link in a message's HTML part, in order. */
export function linksIn(mail: ReceivedMail): string[] {
  const html = typeof mail.parsed.html === 'string' ? mail.parsed.html : '';
  return [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&')).filter((u) => /^https?:/.test(u));
}

export function header(mail: ReceivedMail, name: string): string | undefined {
  const line = mail.parsed.headerLines.find((h) => h.key === name.toLowerCase());
  return line ? line.line.slice(line.line.indexOf(':') + 1).trim() : undefined;
}

/** The List-Unsubscribe URL, without its angle brackets. */
export function listUnsubscribeUrl(mail: ReceivedMail): string {
  const value = header(mail, 'List-Unsubscribe');
  const match = value && /^<(https?:[^>]+)>$/.exec(value.replace(/\s+/g, ''));
  if (!match) throw new Error(`no List-Unsubscribe URL in ${value}`);
  return match[1]!;
}

export function jwtPayload(url: string): Record<string, unknown> {
  const token = url.split('/').pop()!;
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
}

export async function eventually<T>(check: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms; last value ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
