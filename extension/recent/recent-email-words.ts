import type { MessageStatus, MessageSuppressedReason, MyRecentMessage } from '../../contract/index.js';
import { formatLocale, t, type MessageKey } from '../shared/i18n.js';

// Literal keys, so a missing string is a compile error and the locale convention test sees each one used.
const TEMPLATE_NAMES: Record<string, MessageKey> = {
  'ticket-update': 'recent_template_ticket_update',
  'ticket-digest': 'recent_template_ticket_digest',
  'invoice-receipt': 'recent_template_invoice_receipt',
  announcement: 'recent_template_announcement',
  'security-advisory': 'recent_template_security_advisory',
  'service-alert': 'recent_template_service_alert',
  'sign-in-code': 'recent_template_sign_in_code',
  'preferences-link': 'recent_template_preferences_link',
  'data-export': 'recent_template_data_export',
  'email-changed': 'recent_template_email_changed',
  'confirm-subscription': 'recent_template_confirm_subscription',
  'reconfirm-consent': 'recent_template_reconfirm_consent',
  'coverage-lost': 'recent_template_coverage_lost',
};

const REASONS: Record<MessageSuppressedReason, MessageKey> = {
  'not-subscribed': 'recent_reason_not_subscribed',
  'suppression-list': 'recent_reason_suppression_list',
  erased: 'recent_reason_erased',
  'below-threshold': 'recent_reason_below_threshold',
  'ticket-muted': 'recent_reason_ticket_muted',
  'daily-digest': 'recent_reason_daily_digest',
  'nothing-to-send': 'recent_reason_nothing_to_send',
};

const STATUSES: Record<Exclude<MessageStatus, 'suppressed'>, MessageKey> = {
  sent: 'recent_status_sent',
  queued: 'recent_status_queued',
  sending: 'recent_status_queued',
  failed: 'recent_status_failed',
};

/** What the email was: its subject once sent, else what kind of email it is, in words. */
export function subjectOf(message: MyRecentMessage): string {
  return message.subject ?? t(TEMPLATE_NAMES[message.template] ?? 'recent_template_other');
}

/** Its status as one plain sentence; a message suppressed before reasons were kept says only "Not sent". */
export function statusOf(message: MyRecentMessage): string {
  if (message.status !== 'suppressed') return t(STATUSES[message.status]);
  return t(message.suppressedReason ? REASONS[message.suppressedReason] : 'recent_reason_unknown');
}

/** Date and time in the browser's language, such as "Nov 26, 2026, 3:04 PM" or « 26 nov. 2026, 15 h 04 ». */
export function formatWhen(iso: string): string {
  return new Intl.DateTimeFormat(formatLocale(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}
