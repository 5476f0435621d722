import { Lexer, Parser, getDefaults, walkTokens, type TokensList } from 'marked';
import sanitizeHtml from 'sanitize-html';
import { PlainTextRenderer } from './markdown-plain-text.js';
import { inlineStyle, STYLED_TAGS } from './markdown-styles.js';

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

/** What a Markdown body may hold; styles are written inline (see markdown-styles.ts), never taken from the body. */
function sanitizeOptions(httpsLinks: boolean): sanitizeHtml.IOptions {
  let preDepth = 0;
  return {
    allowedTags: [...STYLED_TAGS, 'br', 'strong', 'b', 'em', 'i', 'del', 's', 'thead', 'tbody', 'tr'],
    allowedAttributes: {
      ...Object.fromEntries(STYLED_TAGS.map((tag) => [tag, ['style']])),
      a: ['href', 'title', 'style'],
      ol: ['start', 'style'],
      th: ['align', 'style'],
      td: ['align', 'style'],
    },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesAppliedToAttributes: ['href'],
    allowProtocolRelative: false,
    // Our own constant styles only: nothing to parse.
    parseStyleAttributes: false,
    onOpenTag: (name) => void (name === 'pre' && preDepth++),
    onCloseTag: (name) => void (name === 'pre' && preDepth--),
    transformTags: {
      // The email's own title is the only h1; Markdown headings sit one level below it.
      h1: 'h2',
      h2: 'h3',
      h3: 'h4',
      h4: 'h5',
      h5: 'h6',
      '*': (tagName, attribs) => {
        const href = httpsLinks && tagName === 'a' ? toHttps(attribs.href) : attribs.href;
        const style = inlineStyle(tagName, { insidePre: preDepth > 0, align: attribs.align });
        return { tagName, attribs: { ...attribs, ...(href !== undefined ? { href } : {}), ...(style ? { style } : {}) } };
      },
    },
  };
}

/** Links in production go over https: `http:` is rewritten, in the HTML and the text part alike. */
function toHttps<T extends string | undefined>(href: T): T {
  return (href !== undefined && /^http:/i.test(href) ? `https:${href.slice(5)}` : href) as T;
}

function rewriteLinksToHttps(tokens: TokensList): void {
  walkTokens(tokens, (token) => {
    if (token.type !== 'link' || !/^http:/i.test(token.href)) return;
    const shown = token.text === token.href;
    token.href = toHttps(token.href);
    // An autolink shows its own address: it shows the one it leads to.
    if (shown) {
      token.text = token.href;
      token.tokens = [{ type: 'text', raw: token.href, text: token.href, escaped: false }];
    }
  });
}

const markedOptions = () => ({ ...getDefaults(), gfm: true, breaks: false });
const plainTextRenderer = new PlainTextRenderer();

export interface MarkdownOptions {
  /** Production: every `http:` link becomes `https:`. */
  httpsLinks?: boolean;
}

/** Sanitized HTML with inline styles, and readable plain text. Runs on the thread that calls it: see MarkdownRenderer. */
export function renderMarkdownHere(markdown: string, { httpsLinks = false }: MarkdownOptions = {}): RenderedMarkdown {
  const lex = () => {
    const tokens = Lexer.lex(markdown, markedOptions());
    if (httpsLinks) rewriteLinksToHttps(tokens);
    return tokens;
  };
  const html = sanitizeHtml(Parser.parse(lex(), markedOptions()), sanitizeOptions(httpsLinks));
  const text = new Parser({ ...markedOptions(), renderer: plainTextRenderer })
    .parse(lex())
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return { html, text };
}
