/**
 * The look of a Markdown body, written on each element: Gmail's webmail for other accounts and
 * Outlook drop `<style>` blocks, and the body is filled in per message, after MJML inlined the
 * layout's own styles. Dark mode overrides these from the layout (templates/partials/styles.mjml).
 */
const MONOSPACE = 'font-family:SFMono-Regular,Consolas,Liberation Mono,Menlo,monospace;font-size:14px;';
const HEADING = 'color:#111827;line-height:1.3;margin:20px 0 8px 0;';
const CELL = 'border:1px solid #e5e7eb;padding:6px 8px;';

const STYLES = {
  p: 'margin:0 0 12px 0;',
  a: 'color:#1d4ed8;',
  h2: `${HEADING}font-size:20px;`,
  h3: `${HEADING}font-size:18px;`,
  h4: `${HEADING}font-size:16px;`,
  h5: `${HEADING}font-size:16px;`,
  h6: `${HEADING}font-size:16px;`,
  ul: 'margin:0 0 12px 0;padding-left:24px;',
  ol: 'margin:0 0 12px 0;padding-left:24px;',
  li: 'margin:0 0 4px 0;',
  table: 'border-collapse:collapse;margin:0 0 12px 0;',
  th: CELL,
  td: CELL,
  code: `${MONOSPACE}background-color:#f3f4f6;border-radius:4px;padding:1px 4px;`,
  pre: 'background-color:#f3f4f6;border-radius:6px;padding:12px;white-space:pre-wrap;margin:0 0 12px 0;',
  blockquote: 'margin:0 0 12px 0;padding:4px 16px;border-left:4px solid #d1d5db;color:#374151;',
  hr: 'border:0;border-top:1px solid #e5e7eb;margin:16px 0;',
} as const;

type StyledTag = keyof typeof STYLES;

export const STYLED_TAGS = Object.keys(STYLES) as StyledTag[];

const ALIGNMENTS = new Set(['left', 'center', 'right']);

/** The inline style of one sanitized element; code inside `pre` is a block, not a chip. */
export function inlineStyle(tag: string, where: { insidePre: boolean; align?: string | undefined }): string | undefined {
  if (!(tag in STYLES)) return undefined;
  if (tag === 'code' && where.insidePre) return MONOSPACE;
  if (tag === 'th' || tag === 'td') {
    const align = where.align && ALIGNMENTS.has(where.align) ? where.align : 'left';
    return `${CELL}text-align:${align};`;
  }
  return STYLES[tag as StyledTag];
}
