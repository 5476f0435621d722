import { SIGN_IN_PROBLEMS } from '../../contract/constants.js';
import type { ApiFailure } from '../shared/api-client.js';
import { failureMessageKey } from '../shared/failure-message.js';
import type { MessageKey } from '../shared/i18n.js';

/**
 * Why a code was refused, told as it is: wrong (and, from the second wrong code on, how many tries
 * are left before sign-in pauses), paused until a time, or a failure of the transport.
 */
export type SignInRefusal =
  | { kind: 'wrong'; triesLeft: number | null }
  | { kind: 'paused'; until: number | null }
  | { kind: 'other'; key: MessageKey };

/** The server counts wrong codes from the first; the warning starts at the second (three tries left). */
const WARN_FROM_TRIES_LEFT = 3;

export function signInRefusal(failure: ApiFailure, now: number): SignInRefusal {
  // The server answers a paused address with 429 and the too-many-attempts type; either one means paused.
  if (failure.kind === 'rate-limited') return { kind: 'paused', until: failure.retryAfterSeconds === null ? null : now + failure.retryAfterSeconds * 1000 };
  if (failure.kind !== 'problem') return { kind: 'other', key: failureMessageKey(failure) };
  if (failure.problem.type.endsWith(SIGN_IN_PROBLEMS.tooManyAttempts)) return { kind: 'paused', until: null };
  return { kind: 'wrong', triesLeft: failure.problem.triesLeft ?? null };
}

/** The message for a wrong code: plain at first, then how many tries are left. */
export function wrongCodeMessage(triesLeft: number | null): { key: MessageKey; count?: string } {
  if (triesLeft === null || triesLeft > WARN_FROM_TRIES_LEFT) return { key: 'code_wrong' };
  if (triesLeft <= 1) return { key: 'code_wrong_last_try' };
  return { key: 'code_wrong_tries_left', count: String(triesLeft) };
}
