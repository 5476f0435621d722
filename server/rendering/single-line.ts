/** Collapses every line break and control character to one space, so a value can go in a mail header. */
export function toSingleLine(value: string): string {
  return value
    .replace(/[\p{Cc}\u2028\u2029]+/gu, ' ')
    .replace(/\s{2,}/g, ' ')
    .trim();
}
