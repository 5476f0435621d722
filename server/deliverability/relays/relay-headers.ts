import type { RelayWebhooksConfig } from '../../config/relays.js';
import type { PreparedHeader } from '../../delivery/compose.js';
import { postmarkHeaders } from './postmark.js';
import { sendGridHeaders } from './sendgrid.js';
import { sesHeaders } from './ses-sns.js';

/**
 * The headers that make each configured relay give a message's signed reference back in its
 * events. The reference is opaque (a message id and a MAC): nothing personal rides along. Each is
 * sent as it is: nodemailer would MIME-encode a value holding a double quote (`=?UTF-8?Q?…`), and
 * SendGrid reads X-SMTPAPI as plain JSON; each value is one line of ASCII made here.
 */
export function relayHeaders(relays: RelayWebhooksConfig, reference: string): Record<string, PreparedHeader> {
  const headers = {
    ...(relays.sendGrid ? sendGridHeaders(reference) : {}),
    ...(relays.postmark ? postmarkHeaders(reference) : {}),
    ...(relays.ses ? sesHeaders(reference) : {}),
  };
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, { prepared: true, value }]));
}
