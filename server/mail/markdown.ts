import { Lexer, Parser, getDefaults } from 'marked';
import sanitizeHtml from 'sanitize-html';
import { PlainTextRenderer } from './markdown-plain-text.js';

export interface RenderedMarkdown {
  html: string;
  text: string;
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

function renderUncached(markdown: string): RenderedMarkdown {
  const html = sanitizeHtml(Parser.parse(Lexer.lex(markdown, markedOptions()), markedOptions()), SANITIZE);
  const text = new Parser({ ...markedOptions(), renderer: plainTextRenderer })
    .parse(Lexer.lex(markdown, markedOptions()))
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return { html, text };
}

// A fan-out (one advisory to every contact) renders the same body thousands of times: parse it once.
const CACHE_SIZE = 64;
const cache = new Map<string, RenderedMarkdown>();

export function renderMarkdown(markdown: string): RenderedMarkdown {
  const hit = cache.get(markdown);
  if (hit) return hit;
  const rendered = renderUncached(markdown);
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(markdown, rendered);
  return rendered;
}
