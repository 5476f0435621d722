import type { ApiFailure } from '../shared/api-client.js';
import { failureMessageKey } from '../shared/failure-message.js';
import type { MessageKey } from '../shared/i18n.js';

// The server marks a lock-out either with 429 or with a problem type naming it (see the report).
const LOCKED_OUT_TYPE = /too-many-attempts|locked/i;

/** The message for a refused code: wrong or expired, locked out, or a transport failure. */
export function signInFailureKey(failure: ApiFailure): MessageKey {
  if (failure.kind === 'rate-limited') return 'code_locked_out';
  if (failure.kind === 'problem') {
    return LOCKED_OUT_TYPE.test(failure.problem.type) ? 'code_locked_out' : 'code_wrong';
  }
  return failureMessageKey(failure);
}
