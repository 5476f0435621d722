import crypto from 'node:crypto';

const UUID_HEX = /^[0-9a-f]{32}$/;
const MAC_LENGTH = 16;

/**
 * A message's signed reference, `<id as 32 hex digits>.<16 hex digits of HMAC>`: lower-case ASCII,
 * so it survives a mail system that folds an address's case. It rides in the envelope sender
 * (VERP, `bounces+<reference>@BOUNCE_DOMAIN`) and in the relays' metadata headers, so a report
 * names its message without anything in it being trusted: a reference that does not verify is
 * dropped.
 */
export class MessageReferences {
  constructor(
    private readonly key: Buffer,
    /** Where reports come back; null when bounces are not collected. */
    readonly bounceDomain: string | null,
  ) {}

  reference(messageId: string): string {
    const hex = messageId.replaceAll('-', '').toLowerCase();
    return `${hex}.${this.mac(hex)}`;
  }

  /** The message a reference names, if its signature holds; null otherwise. */
  messageIdOf(reference: string): string | null {
    const [hex, mac, ...rest] = reference.trim().toLowerCase().split('.');
    if (rest.length || !hex || !mac || !UUID_HEX.test(hex) || mac.length !== MAC_LENGTH) return null;
    if (!crypto.timingSafeEqual(Buffer.from(mac), Buffer.from(this.mac(hex)))) return null;
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  /** The envelope sender of a message, or undefined when bounces are not collected. */
  envelopeFrom(messageId: string): string | undefined {
    return this.bounceDomain ? `bounces+${this.reference(messageId)}@${this.bounceDomain}` : undefined;
  }

  /** The message a bounce address names (any case), or null for any other address. */
  messageIdOfAddress(address: string): string | null {
    if (!this.bounceDomain) return null;
    const match = /^bounces\+([0-9a-f.]+)@(.+)$/i.exec(address.trim());
    if (!match || match[2]!.toLowerCase() !== this.bounceDomain.toLowerCase()) return null;
    return this.messageIdOf(match[1]!);
  }

  private mac(hex: string): string {
    return crypto.createHmac('sha256', this.key).update(hex).digest('hex').slice(0, MAC_LENGTH);
  }
}
