/** The one timestamp format stored: ISO-8601 UTC with milliseconds, fixed width. */
export const nowIso = (): string => new Date().toISOString();

export const isoAfter = (ms: number, from = Date.now()): string => new Date(from + ms).toISOString();
