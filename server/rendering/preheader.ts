/**
 * What follows the preheader inside its hidden block: clients fill their preview line with the
 * start of the body, and these keep the header and greeting out of it. A zero-width non-joiner and
 * a no-break space, repeated, render as nothing and are not collapsed like ordinary spaces.
 */
export const PREHEADER_FILLER = '\u200c\u00a0'.repeat(90);
