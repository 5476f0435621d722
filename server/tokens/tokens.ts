import crypto, { type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { TokenSecret } from '../config/config.js';
import type { Acknowledgment } from '../../contract/index.js';

/** What a token may be used for; the purpose is the audience, so one is never accepted as another. */
export type TokenPurpose = 'unsubscribe' | 'preferences' | 'session' | 'confirm' | 'mute' | 'acknowledge';

export interface TokenClaims {
  /** The contact's opaque id: never an address or a name. */
  contactId: string;
  category?: string;
  /** A mute link's ticket. */
  ticketId?: string;
  /** An acknowledgment link's advisory (its original's id) and action. */
  advisoryId?: string;
  action?: Acknowledgment;
  issuedAt: number;
  expiresAt: number;
  /** A session's own id, so Sign out can revoke it; a confirm link's request. */
  tokenId?: string;
}

export type VerifyResult = { ok: true; claims: TokenClaims } | { ok: false; reason: 'expired' | 'invalid' };

const DAY = 86_400;
export const MIN_LINK_TTL_DAYS = 60;

/** SpamAssassin's `__BITCOIN_ID` body pattern (72_active.cf), as it can meet a token: base58 runs where a word starts and ends. */
export const LOOKS_LIKE_BITCOIN = /(?<![A-Za-z0-9_=])[13](?:(?:[-_=][a-km-zA-HJ-NP-Z1-9]){29,34}|[a-km-zA-HJ-NP-Z1-9]{29,34})(?![A-Za-z0-9_])/;

/**
 * HS256 JWTs with a `kid` header. The first secret signs; all verify, so keys rotate without
 * breaking links in flight; removing a secret stops its tokens at once. Secrets are KeyObjects:
 * jsonwebtoken builds a key object on every call otherwise, 35× slower.
 */
export class Tokens {
  private readonly keys: Map<string, KeyObject>;
  private readonly signingKid: string;

  constructor(
    secrets: TokenSecret[],
    private readonly linkTtlDays = 180,
  ) {
    if (!secrets.length) throw new Error('at least one token secret is needed');
    if (linkTtlDays < MIN_LINK_TTL_DAYS) throw new Error(`links must stay valid at least ${MIN_LINK_TTL_DAYS} days`);
    this.keys = new Map(secrets.map((s) => [s.kid, crypto.createSecretKey(Buffer.from(s.secret, 'utf8'))]));
    this.signingKid = secrets[0]!.kid;
  }

  /** A link token (unsubscribe or preferences), valid `linkTtlDays`. */
  link(purpose: 'unsubscribe' | 'preferences', contactId: string, category?: string): string {
    return this.sign(purpose, contactId, this.linkTtlDays * DAY, category ? { cat: category } : {});
  }

  /** "Stop updates about this ticket": one ticket of one contact, valid `linkTtlDays`. */
  muteLink(contactId: string, ticketId: string): string {
    return this.sign('mute', contactId, this.linkTtlDays * DAY, { tkt: ticketId });
  }

  /** An advisory's "I have read this" or "We have applied the fix": one action on one advisory, valid `linkTtlDays`. */
  acknowledgeLink(contactId: string, advisoryId: string, action: Acknowledgment): string {
    return this.sign('acknowledge', contactId, this.linkTtlDays * DAY, { adv: advisoryId, act: action });
  }

  /** The button of a double opt-in or reconfirmation email: one request of one contact, until `expiresAt` (ms). */
  confirmLink(contactId: string, requestId: string, expiresAt: number): string {
    return this.sign('confirm', contactId, Math.max(60, Math.floor((expiresAt - Date.now()) / 1000)), { jti: requestId });
  }

  session(contactId: string, ttlSeconds: number): { token: string; tokenId: string; expiresAt: number } {
    const tokenId = crypto.randomUUID();
    const token = this.sign('session', contactId, ttlSeconds, { jti: tokenId });
    return { token, tokenId, expiresAt: Math.floor(Date.now() / 1000) + ttlSeconds };
  }

  /**
   * Signed again, issued a second earlier, while the token holds what SpamAssassin reads as a
   * Bitcoin address (about 1 token in 5,000): in an email's text part it would add a point.
   */
  private sign(purpose: TokenPurpose, contactId: string, ttlSeconds: number, extra: Record<string, string>): string {
    const now = Math.floor(Date.now() / 1000);
    for (let earlier = 0; ; earlier += 1) {
      const token = jwt.sign({ ...extra, iat: now - earlier }, this.keys.get(this.signingKid)!, {
        algorithm: 'HS256',
        keyid: this.signingKid,
        audience: purpose,
        subject: contactId,
        expiresIn: ttlSeconds,
      });
      if (!LOOKS_LIKE_BITCOIN.test(token) || earlier === 4) return token;
    }
  }

  verify(purpose: TokenPurpose, token: string): VerifyResult {
    if (typeof token !== 'string' || token.length > 2048) return { ok: false, reason: 'invalid' };
    let decoded: jwt.Jwt | null;
    try {
      decoded = jwt.decode(token, { complete: true });
    } catch {
      // jws parses a JWT-typed payload as JSON and throws on garbage (found by fuzzing).
      return { ok: false, reason: 'invalid' };
    }
    const kid = decoded?.header.kid;
    const key = kid === undefined ? undefined : this.keys.get(kid);
    if (!decoded || decoded.header.alg !== 'HS256' || !key) return { ok: false, reason: 'invalid' };
    try {
      const payload = jwt.verify(token, key, { algorithms: ['HS256'], audience: purpose }) as jwt.JwtPayload;
      if (typeof payload.sub !== 'string' || typeof payload.iat !== 'number' || typeof payload.exp !== 'number') {
        return { ok: false, reason: 'invalid' };
      }
      return {
        ok: true,
        claims: {
          contactId: payload.sub,
          issuedAt: payload.iat,
          expiresAt: payload.exp,
          ...(typeof payload.cat === 'string' ? { category: payload.cat } : {}),
          ...(typeof payload.jti === 'string' ? { tokenId: payload.jti } : {}),
          ...(typeof payload.tkt === 'string' ? { ticketId: payload.tkt } : {}),
          ...(typeof payload.adv === 'string' ? { advisoryId: payload.adv } : {}),
          ...(payload.act === 'read' || payload.act === 'applied' ? { action: payload.act as Acknowledgment } : {}),
        },
      };
    } catch (error) {
      // jsonwebtoken checks the signature before the expiry, so "expired" implies authentic.
      return { ok: false, reason: error instanceof jwt.TokenExpiredError ? 'expired' : 'invalid' };
    }
  }
}
