import type { Kysely, Transaction } from 'kysely';
import type { Session } from '../../contract/index.js';
import type { Database } from '../store/schema.js';
import { nowIso } from '../store/time.js';
import type { Tokens } from '../tokens/tokens.js';

export const SESSION_TTL_DAYS = 30;

export interface ActiveSession {
  id: string;
  contactId: string;
}

/**
 * Extension sessions: a signed token (purpose `session`) plus a row named by its jti, so a
 * session can be revoked before it expires and a token is only as good as its row.
 */
export class Sessions {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly tokens: Tokens,
    private readonly ttlSeconds = SESSION_TTL_DAYS * 86_400,
  ) {}

  async open(contactId: string): Promise<Session> {
    const { token, tokenId, expiresAt } = this.tokens.session(contactId, this.ttlSeconds);
    const now = nowIso();
    const expiresIso = new Date(expiresAt * 1000).toISOString();
    await this.db.transaction().execute(async (trx) => {
      // The contact's dead sessions go as a new one starts: the table stays small without a sweeper.
      await trx.deleteFrom('sessions').where('contact_id', '=', contactId).where('expires_at', '<=', now).execute();
      await trx
        .insertInto('sessions')
        .values({ id: tokenId, contact_id: contactId, created_at: now, expires_at: expiresIso, revoked_at: null })
        .execute();
    });
    return { token, expiresAt: expiresIso };
  }

  /** The live session a token stands for, or null (bad, expired, revoked, another purpose's token). */
  async resolve(token: string): Promise<ActiveSession | null> {
    const verified = this.tokens.verify('session', token);
    if (!verified.ok || !verified.claims.tokenId) return null;
    const row = await this.db
      .selectFrom('sessions')
      .select(['id', 'contact_id'])
      .where('id', '=', verified.claims.tokenId)
      .where('contact_id', '=', verified.claims.contactId)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', nowIso())
      .executeTakeFirst();
    return row ? { id: row.id, contactId: row.contact_id } : null;
  }

  async revoke(id: string): Promise<void> {
    await this.db.updateTable('sessions').set({ revoked_at: nowIso() }).where('id', '=', id).where('revoked_at', 'is', null).execute();
  }

  /** Retention: sessions expired or signed out. */
  static async expire(trx: Transaction<Database>, now: string): Promise<number> {
    const deleted = await trx
      .deleteFrom('sessions')
      .where((eb) => eb.or([eb('expires_at', '<', now), eb('revoked_at', 'is not', null)]))
      .executeTakeFirst();
    return Number(deleted.numDeletedRows);
  }

  /** Every live session of the contact ends; returns how many. */
  async revokeAll(contactId: string, db: Kysely<Database> | Transaction<Database> = this.db): Promise<number> {
    const result = await db
      .updateTable('sessions')
      .set({ revoked_at: nowIso() })
      .where('contact_id', '=', contactId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}
