import type { ApiFailure } from './api-client.js';
import type { MessageKey } from './i18n.js';

/** The message for a failure that has no more specific meaning where it happened. */
export function failureMessageKey(failure: ApiFailure): MessageKey {
  switch (failure.kind) {
    case 'offline':
      return 'common_offline_body';
    case 'unreachable':
      return 'common_server_down_body';
    case 'unauthorized':
      return 'common_session_expired';
    case 'rate-limited':
      return 'common_rate_limited';
    case 'problem':
      return 'common_unexpected';
  }
}
