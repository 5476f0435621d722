import { SIGN_IN_PROBLEMS } from '../../contract/constants.js';
import type { ApiFailure } from '../shared/api-client.js';
import { failureMessageKey } from '../shared/failure-message.js';
import type { MessageKey } from '../shared/i18n.js';

/** The message for a refused code: wrong or expired, locked out, or a transport failure. */
export function signInFailureKey(failure: ApiFailure): MessageKey {
  // The server answers a dead code with 429 and the too-many-attempts type; either one means locked out.
  if (failure.kind === 'rate-limited') return 'code_locked_out';
  if (failure.kind === 'problem') {
    return failure.problem.type.endsWith(SIGN_IN_PROBLEMS.tooManyAttempts) ? 'code_locked_out' : 'code_wrong';
  }
  return failureMessageKey(failure);
}
