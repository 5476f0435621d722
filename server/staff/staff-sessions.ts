import crypto from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import type { Clock } from '../consent/clock.js';
import type { Role } from '../../contract/index.js';

export const IDLE_MINUTES = 30;
export const ABSOLUTE_HOURS = 12;

export interface StaffSession {
  staffId: string;
  role: Role;
  /** The value the console sends in X-CSRF-Token with every change: bound to this session. */
  csrfToken: string;
}

const sha256 = (value: string) => crypto.createHash('sha256').update(value).digest('hex');

/**
 * Console sessions: a random value in an httpOnly cookie, stored as its hash; they end after 30
 * minutes idle or 12 hours in all, at sign-out, or when revoked. The CSRF token is an HMAC of the
 * session under a key of its own, so it is checked without storing it.
 */
export class StaffSessions {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly csrfKey: Buffer,
    private readonly clock: Clock,
  ) {}

  async start(staffId: string): Promise<{ cookie: string }> {
    const cookie = crypto.randomBytes(32).toString('base64url');
    const now = this.clock.now();
    await this.db
      .insertInto('staff_sessions')
      .values({
        id_hash: sha256(cookie),
        staff_id: staffId,
        created_at: new Date(now).toISOString(),
        last_seen_at: new Date(now).toISOString(),
        expires_at: new Date(now + ABSOLUTE_HOURS * 3_600_000).toISOString(),
        revoked_at: null,
      })
      .execute();
    return { cookie };
  }

  /** The live session a cookie names, its idle clock reset; null when ended, idle too long, or unknown. */
  async resolve(cookie: string): Promise<StaffSession | null> {
    if (cookie.length > 100) return null;
    const now = this.clock.now();
    const row = await this.db
      .selectFrom('staff_sessions as s')
      .innerJoin('staff_users as u', 'u.id', 's.staff_id')
      .select(['s.id_hash', 's.staff_id', 's.last_seen_at', 's.expires_at', 'u.role'])
      .where('s.id_hash', '=', sha256(cookie))
      .where('s.revoked_at', 'is', null)
      .where('u.disabled_at', 'is', null)
      .executeTakeFirst();
    if (!row) return null;
    if (Date.parse(row.expires_at) <= now || Date.parse(row.last_seen_at) + IDLE_MINUTES * 60_000 <= now) return null;
    await this.db.updateTable('staff_sessions').set({ last_seen_at: new Date(now).toISOString() }).where('id_hash', '=', row.id_hash).execute();
    return { staffId: row.staff_id, role: row.role, csrfToken: this.csrfFor(cookie) };
  }

  /** Constant-time: the header's token is this session's. */
  csrfMatches(cookie: string, presented: string | undefined): boolean {
    if (!presented) return false;
    const expected = Buffer.from(this.csrfFor(cookie));
    const given = Buffer.from(presented);
    return given.length === expected.length && crypto.timingSafeEqual(given, expected);
  }

  async end(cookie: string): Promise<void> {
    await this.db.updateTable('staff_sessions').set({ revoked_at: new Date(this.clock.now()).toISOString() }).where('id_hash', '=', sha256(cookie)).execute();
  }

  /** Ends every session of a member (a lost device, a role change, leaving). */
  async revokeAll(staffId: string): Promise<void> {
    await this.db.updateTable('staff_sessions').set({ revoked_at: new Date(this.clock.now()).toISOString() }).where('staff_id', '=', staffId).where('revoked_at', 'is', null).execute();
  }

  /** Retention: sessions past their end, challenges and enrolment links past theirs. */
  static async expire(trx: Transaction<Database>, now: string): Promise<number> {
    const sessions = await trx.deleteFrom('staff_sessions').where((eb) => eb.or([eb('expires_at', '<', now), eb('revoked_at', 'is not', null)])).executeTakeFirst();
    const challenges = await trx.deleteFrom('staff_challenges').where('expires_at', '<', now).executeTakeFirst();
    const enrolments = await trx.deleteFrom('staff_enrolments').where('expires_at', '<', now).executeTakeFirst();
    return Number(sessions.numDeletedRows + challenges.numDeletedRows + enrolments.numDeletedRows);
  }

  private csrfFor(cookie: string): string {
    return crypto.createHmac('sha256', this.csrfKey).update(cookie).digest('base64url');
  }
}
