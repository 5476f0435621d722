import { Lexer, Parser, getDefaults } from 'marked';
import sanitizeHtml from 'sanitize-html';
import { PlainTextRenderer } from './markdown-plain-text.js';

export interface RenderedMarkdown {
  html: string;
  text: string;
}

/**
 * What a Markdown body may be. marked's cost grows with the square of some inputs (`_a` repeated)
 * and it exhausts memory on deep nesting, so bodies are checked cheaply before anything parses
 * them, and parsed in a thread of their own within a time budget (markdown-renderer.ts).
 */
export const MARKDOWN_LIMITS = {
  /** Plain prose this long renders to about 60 KB of HTML: with the layout, still under Gmail's clipping. */
  maxCharacters: 50_000,
  /** Lists and quotes nested deeper than any real advisory; marked needs seconds and gigabytes near 500. */
  maxNesting: 16,
  /** A body that takes longer than this to render is refused. */
  budgetMs: 2_000,
} as const;

/** Why a body may not be rendered at all, found without parsing it; null when it may. */
export function markdownShapeProblem(markdown: string): string | null {
  if (markdown.length > MARKDOWN_LIMITS.maxCharacters) return `must be at most ${MARKDOWN_LIMITS.maxCharacters} characters`;
  const depth = maxNesting(markdown);
  if (depth > MARKDOWN_LIMITS.maxNesting) return `nests lists or quotes ${depth} levels deep; at most ${MARKDOWN_LIMITS.maxNesting} are allowed`;
  return null;
}

/** The deepest line: its indentation (two columns a level) plus the quote and list markers that open it. */
function maxNesting(markdown: string): number {
  let deepest = 0;
  for (const line of markdown.split('\n')) {
    const indent = /^[ \t]*/.exec(line)![0].replace(/\t/g, '    ').length;
    const markers = /^[ \t]*((?:(?:>|[-*+]|\d{1,9}[.)])[ \t]*)*)/.exec(line)![1]!.match(/>|[-*+]|\d{1,9}[.)]/g)?.length ?? 0;
    deepest = Math.max(deepest, Math.floor(indent / 2) + markers);
  }
  return deepest;
}

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'p', 'br', 'hr', 'strong', 'b', 'em', 'i', 'del', 's', 'code', 'pre', 'blockquote',
    'ul', 'ol', 'li', 'h2', 'h3', 'h4', 'h5', 'h6', 'a',
    'table', 'thead', 'tbody', 'tr', 'th', 'td',
  ],
  allowedAttributes: { a: ['href', 'title'], ol: ['start'], th: ['align'], td: ['align'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  // The email's own title is the only h1; Markdown headings sit one level below it.
  transformTags: { h1: 'h2', h2: 'h3', h3: 'h4', h4: 'h5', h5: 'h6' },
};

const markedOptions = () => ({ ...getDefaults(), gfm: true, breaks: false });
const plainTextRenderer = new PlainTextRenderer();

/** Sanitized HTML and readable plain text. Runs on the thread that calls it: see MarkdownRenderer. */
export function renderMarkdownHere(markdown: string): RenderedMarkdown {
  const html = sanitizeHtml(Parser.parse(Lexer.lex(markdown, markedOptions()), markedOptions()), SANITIZE);
  const text = new Parser({ ...markedOptions(), renderer: plainTextRenderer })
    .parse(Lexer.lex(markdown, markedOptions()))
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return { html, text };
}
