import type { Kysely, Transaction } from 'kysely';
import type { Dialect } from '../store/db.js';
import type { Database } from '../store/schema.js';
import { isoAfter, nowIso } from '../store/time.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/**
 * Wrong sign-in codes per address, across codes (a new code does not start the count again):
 * the first four cost nothing, the fifth locks the address a minute, each further one doubles the
 * wait, and the tenth in 24 hours locks it until those 24 hours are over. At most ten guesses a
 * day, 3,650 a year, each with one chance in a million: about 0.4 % a year of guessing a code.
 */
export const SIGN_IN_FAILURES = { free: 4, firstWaitMinutes: 1, dailyCap: 10 } as const;

/**
 * Whether a try may go on; if so, until when a wrong code would lock the address (null: no wait)
 * and, should this one be wrong, how many more it may try before a wrong one makes it wait.
 */
export type TryGate = { open: true; lockedIfWrong: string | null; triesLeft: number } | { open: false; retryAfterSeconds: number };

/** When the address may try again after its `failures`-th wrong code in the window that began at `windowStart`. */
export function lockedUntil(failures: number, windowStart: string): string | null {
  if (failures <= SIGN_IN_FAILURES.free) return null;
  if (failures >= SIGN_IN_FAILURES.dailyCap) return isoAfter(DAY, Date.parse(windowStart));
  return isoAfter(SIGN_IN_FAILURES.firstWaitMinutes * MINUTE * 2 ** (failures - SIGN_IN_FAILURES.free - 1));
}

/**
 * The count lives in the store, keyed by the address's blind index whether or not a contact has
 * it: a known and an unknown address get the same answers, and every server counts the same.
 */
export class SignInFailures {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  /**
   * Counts a try before its code is compared, so parallel guesses cannot slip past the limit; a
   * right code then clears the count (`cleared`). A locked address is refused without counting.
   */
  async admit(addressKey: string): Promise<TryGate> {
    return this.db.transaction().execute(async (trx) => {
      const now = nowIso();
      await trx
        .insertInto('sign_in_failures')
        .values({ address_key: addressKey, failures: 0, window_start: now, locked_until: null })
        .onConflict((oc) => oc.column('address_key').doNothing())
        .execute();
      let read = trx.selectFrom('sign_in_failures').selectAll().where('address_key', '=', addressKey);
      if (this.dialect === 'postgres') read = read.forUpdate();
      const row = (await read.executeTakeFirst())!;
      if (row.locked_until && row.locked_until > now) return { open: false, retryAfterSeconds: secondsUntil(row.locked_until) };
      const windowOver = row.window_start <= isoAfter(-DAY);
      const failures = (windowOver ? 0 : Number(row.failures)) + 1;
      const windowStart = windowOver ? now : row.window_start;
      const lockedIfWrong = lockedUntil(failures, windowStart);
      await trx
        .updateTable('sign_in_failures')
        .set({ failures, window_start: windowStart, locked_until: lockedIfWrong })
        .where('address_key', '=', addressKey)
        .execute();
      return { open: true, lockedIfWrong, triesLeft: Math.max(0, SIGN_IN_FAILURES.free + 1 - failures) };
    });
  }

  /** Retention: counts whose 24-hour window is over and which lock nothing any more. */
  static async expire(trx: Transaction<Database>, now: string, dayAgo: string): Promise<number> {
    const deleted = await trx
      .deleteFrom('sign_in_failures')
      .where('window_start', '<', dayAgo)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
      .executeTakeFirst();
    return Number(deleted.numDeletedRows);
  }

  async cleared(addressKey: string): Promise<void> {
    await this.db.deleteFrom('sign_in_failures').where('address_key', '=', addressKey).execute();
  }
}

export const secondsUntil = (iso: string) => Math.max(1, Math.ceil((Date.parse(iso) - Date.now()) / 1000));
