export type TemplateName =
  | 'ticket-update'
  | 'invoice-receipt'
  | 'announcement'
  | 'security-advisory'
  | 'sign-in-code'
  | 'preferences-link'
  | 'data-export'
  | 'email-changed';

export const TEMPLATE_NAMES: readonly TemplateName[] = [
  'ticket-update',
  'invoice-receipt',
  'announcement',
  'security-advisory',
  'sign-in-code',
  'preferences-link',
  'data-export',
  'email-changed',
];

/** `ticket-update` → `ticket_update`, the prefix of the template's keys in the string files. */
export function stringPrefix(template: TemplateName): string {
  return template.replaceAll('-', '_');
}
