import { compile, type FormatCallback } from 'html-to-text';

type Converter = (html: string) => string;

function converter(labelSeparator: string): Converter {
  const rowLabel: FormatCallback = (elem, walk, builder) => {
    walk(elem.children, builder);
    builder.addInline(labelSeparator);
  };
  return compile({
    // Only the visible email: not the hidden preheader, which opens it.
    baseElements: { selectors: ['div[role=article]'] },
    wordwrap: false,
    formatters: { rowLabel },
    selectors: [
      { selector: 'img', format: 'skip' },
      { selector: 'div.preheader', format: 'skip' },
      { selector: 'a', options: { linkBrackets: ['<', '>'], hideLinkHrefIfSameAsText: true } },
      { selector: 'h1', options: { uppercase: false } },
      { selector: 'h2', options: { uppercase: false } },
      { selector: 'table', format: 'block' },
      { selector: 'div', format: 'block', options: { leadingLineBreaks: 2, trailingLineBreaks: 2 } },
      { selector: 'tr.fact', format: 'block', options: { leadingLineBreaks: 1, trailingLineBreaks: 1 } },
      { selector: 'th', format: 'rowLabel' },
      { selector: 'td', format: 'inline' },
    ],
  });
}

const converters = new Map<string, Converter>();

/**
 * Derives the text/plain template from the compiled HTML template, once at startup. Placeholders survive
 * as text; the sanitized Markdown HTML is swapped for its plain-text rendering.
 */
export function textTemplateFromHtml(html: string, labelSeparator: string): string {
  let toText = converters.get(labelSeparator);
  if (!toText) {
    toText = converter(labelSeparator);
    converters.set(labelSeparator, toText);
  }
  return toText(html)
    .replaceAll('{{{bodyHtml}}}', '{{{bodyText}}}')
    .replace(/^[ \t\u00a0]+$/gm, '')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
