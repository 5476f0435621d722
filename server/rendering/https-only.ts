import type { FieldProblem } from './template-data.js';

/**
 * The `url` fields of template data (at any depth: a digest's `tickets.0.url`) that are not
 * https: in production every link in an email must be, so a link read on a café's network cannot
 * be changed on its way.
 */
export function insecureUrlFields(data: unknown, path: string[] = []): FieldProblem[] {
  if (Array.isArray(data)) return data.flatMap((item, i) => insecureUrlFields(item, [...path, String(i)]));
  if (typeof data !== 'object' || data === null) return [];
  return Object.entries(data).flatMap(([key, value]) => {
    if (key === 'url' && typeof value === 'string') {
      return /^https:/i.test(value) ? [] : [{ field: [...path, key].join('.'), message: 'must be an https URL in production' }];
    }
    return insecureUrlFields(value, [...path, key]);
  });
}
