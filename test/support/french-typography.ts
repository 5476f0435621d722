// Quebec French (OQLF), one convention for everything a person reads — link pages, extension, emails:
// a no-break space (U+00A0) before ":" and "»" and after "«", none before "?", "!" or ";", the
// typographic apostrophe only, wording that addresses everyone, and the MSP a "fournisseur de
// services informatiques".

/** What is wrong with one French string, in words; empty when nothing is. */
export function frenchProblems(text: string): string[] {
  const problems: string[] = [];
  // A URL's "://" is not punctuation.
  const prose = text.replace(/[a-z]+:\/\//gi, '');
  if (/[^\u00a0]:|^:/.test(prose)) problems.push('a colon without a no-break space before it');
  if (/«[^\u00a0]|[^\u00a0]»/.test(prose)) problems.push('guillemets without no-break spaces inside');
  if (/[\s\u00a0\u202f][?!;]/.test(prose)) problems.push('a space before "?", "!" or ";"');
  if (prose.includes('\u202f')) problems.push('a narrow no-break space');
  if (prose.includes("'")) problems.push('a straight apostrophe');
  if (/\b(désabonné|abonné|connecté|inscrit)s?\b/i.test(prose)) problems.push('a masculine-only form addressed to the reader');
  if (/\bprestataire/i.test(prose)) problems.push('"prestataire" for the fournisseur de services informatiques');
  return problems;
}
