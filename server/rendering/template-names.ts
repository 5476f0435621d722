import type { TemplateName } from '../../contract/index.js';

export { TEMPLATE_NAMES, type TemplateName } from '../../contract/index.js';

/** `ticket-update` → `ticket_update`, the prefix of the template's keys in the string files. */
export function stringPrefix(template: TemplateName): string {
  return template.replaceAll('-', '_');
}
