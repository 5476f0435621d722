import crypto from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { isoAfter, nowIso } from '../store/time.js';
import type { FieldCrypto } from '../crypto/field-crypto.js';
import { emailOrThrow } from '../contacts/contacts.js';
import { conflict } from '../errors.js';
import { isUniqueViolation } from '../store/unique-violation.js';
import type { Role } from '../../contract/index.js';

/** How long an enrolment link works. */
const ENROLMENT_HOURS = 24;

export interface StaffMember {
  id: string;
  email: string;
  role: Role;
}

export interface StaffListing extends StaffMember {
  createdAt: string;
  disabledAt: string | null;
  passkeys: number;
  authenticatorApp: boolean;
}

const sha256 = (value: string) => crypto.createHash('sha256').update(value).digest('hex');

/**
 * The MSP's staff: an address (sealed, found by its blind index) and a role with the powers of an
 * API key of that role. A member signs in with a passkey, enrolled from a one-time link.
 */
export class StaffAccounts {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly crypto: FieldCrypto,
  ) {}

  /** A new member, and the token of their one-time enrolment link (shown once, stored as a hash). */
  async create(email: string, role: Role): Promise<{ member: StaffMember; enrolmentToken: string }> {
    const member = await this.join(email, role);
    return { member, enrolmentToken: await this.enrolmentLink(member.id) };
  }

  /** A new member without an enrolment link: single sign-on creates them at their first sign-in. */
  async join(email: string, role: Role): Promise<StaffMember> {
    const normalized = emailOrThrow(email, 'email');
    const id = crypto.randomUUID();
    const existing = await this.db.selectFrom('staff_users').select('id').where('email_index', '=', this.crypto.emailIndex(normalized)).executeTakeFirst();
    if (existing) throw conflict('A staff member has this address.');
    await this.db
      .insertInto('staff_users')
      .values({ id, email_index: this.crypto.emailIndex(normalized), email: this.crypto.encrypt(normalized), role, created_at: nowIso(), disabled_at: null })
      .execute()
      .catch((error: unknown) => {
        // Created by another request between the check and the insert.
        throw isUniqueViolation(error) ? conflict('A staff member has this address.') : error;
      });
    return { id, email: normalized, role };
  }

  /** A fresh one-time enrolment token for a member (a lost passkey, a new device). */
  async enrolmentLink(staffId: string): Promise<string> {
    const token = crypto.randomBytes(32).toString('base64url');
    await this.db
      .insertInto('staff_enrolments')
      .values({ token_hash: sha256(token), staff_id: staffId, expires_at: isoAfter(ENROLMENT_HOURS * 3_600_000), used_at: null })
      .execute();
    return token;
  }

  /** The member an unused, unexpired enrolment token is for; null otherwise. */
  async enrolling(token: string): Promise<StaffMember | null> {
    const row = await this.db
      .selectFrom('staff_enrolments as e')
      .innerJoin('staff_users as u', 'u.id', 'e.staff_id')
      .select(['u.id', 'u.email', 'u.role'])
      .where('e.token_hash', '=', sha256(token))
      .where('e.used_at', 'is', null)
      .where('e.expires_at', '>', nowIso())
      .where('u.disabled_at', 'is', null)
      .executeTakeFirst();
    return row ? { id: row.id, email: this.crypto.decrypt(row.email), role: row.role } : null;
  }

  /** Uses the token up; false when it was used (or expired) meanwhile. */
  async useEnrolment(token: string): Promise<boolean> {
    const result = await this.db
      .updateTable('staff_enrolments')
      .set({ used_at: nowIso() })
      .where('token_hash', '=', sha256(token))
      .where('used_at', 'is', null)
      .where('expires_at', '>', nowIso())
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** The live member with this address, if any (a sign-in by code names them by address). */
  async idByEmail(email: string): Promise<string | null> {
    let normalized: string;
    try {
      normalized = emailOrThrow(email, 'email');
    } catch {
      return null;
    }
    const row = await this.db.selectFrom('staff_users').select('id').where('email_index', '=', this.crypto.emailIndex(normalized)).where('disabled_at', 'is', null).executeTakeFirst();
    return row?.id ?? null;
  }

  /** The member with this address, disabled or not (single sign-on refuses a disabled one); null for none. */
  async byEmail(email: string): Promise<(StaffMember & { disabled: boolean }) | null> {
    const normalized = emailOrThrow(email, 'email');
    const row = await this.db.selectFrom('staff_users').select(['id', 'role', 'disabled_at']).where('email_index', '=', this.crypto.emailIndex(normalized)).executeTakeFirst();
    return row ? { id: row.id, email: normalized, role: row.role, disabled: row.disabled_at !== null } : null;
  }

  /** How a member can confirm a sign-in here: their passkeys and authenticator app. */
  async factors(id: string): Promise<{ passkeys: number; authenticatorApp: boolean }> {
    const passkeys = await this.db.selectFrom('staff_passkeys').select(sql<string>`count(*)`.as('n')).where('staff_id', '=', id).executeTakeFirst();
    const app = await this.db.selectFrom('staff_totp').select('confirmed_at').where('staff_id', '=', id).executeTakeFirst();
    return { passkeys: Number(passkeys?.n ?? 0), authenticatorApp: Boolean(app?.confirmed_at) };
  }

  /** Every member, enabled or not, with how they can sign in. */
  async list(): Promise<StaffListing[]> {
    const rows = await this.db
      .selectFrom('staff_users as u')
      .select((eb) => [
        'u.id',
        'u.email',
        'u.role',
        'u.created_at',
        'u.disabled_at',
        eb.selectFrom('staff_passkeys as p').select(sql<string>`count(*)`.as('n')).whereRef('p.staff_id', '=', 'u.id').as('passkeys'),
        eb.selectFrom('staff_totp as t').select('t.confirmed_at').whereRef('t.staff_id', '=', 'u.id').as('app'),
      ])
      .orderBy('u.created_at')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      email: this.crypto.decrypt(r.email),
      role: r.role,
      createdAt: r.created_at,
      disabledAt: r.disabled_at,
      passkeys: Number(r.passkeys ?? 0),
      authenticatorApp: r.app !== null && r.app !== undefined,
    }));
  }

  /** A new role, or disabled (or enabled again); false when there is no such member. */
  async update(id: string, change: { role?: Role | undefined; disabled?: boolean | undefined }): Promise<boolean> {
    const result = await this.db
      .updateTable('staff_users')
      .set({
        ...(change.role ? { role: change.role } : {}),
        ...(change.disabled === undefined ? {} : { disabled_at: change.disabled ? nowIso() : null }),
      })
      .where('id', '=', id)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async get(id: string): Promise<StaffMember | null> {
    const row = await this.db.selectFrom('staff_users').select(['id', 'email', 'role']).where('id', '=', id).where('disabled_at', 'is', null).executeTakeFirst();
    return row ? { id: row.id, email: this.crypto.decrypt(row.email), role: row.role } : null;
  }
}
