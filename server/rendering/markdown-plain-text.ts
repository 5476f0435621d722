import { Renderer, type Tokens } from 'marked';
import sanitizeHtml from 'sanitize-html';

const SAFE_LINK = /^(?:https?:|mailto:)/i;

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, name: string) => {
    if (name[0] !== '#') return NAMED_ENTITIES[name.toLowerCase()] ?? entity;
    const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
  });
}

// Raw HTML inside Markdown keeps its text but loses its tags; script and style lose their content too.
function stripTags(html: string): string {
  return decodeEntities(sanitizeHtml(html, { allowedTags: [], allowedAttributes: {} }));
}

function indent(text: string, prefix: string, firstPrefix = prefix): string {
  return text
    .split('\n')
    .map((line, i) => (line === '' ? line : (i === 0 ? firstPrefix : prefix) + line))
    .join('\n');
}

/** Renders Markdown tokens as readable plain text for the text/plain part (what a reader of the source would expect). */
export class PlainTextRenderer extends Renderer {
  override space(): string {
    return '';
  }
  override code({ text }: Tokens.Code): string {
    return `${indent(text, '    ')}\n\n`;
  }
  override blockquote({ tokens }: Tokens.Blockquote): string {
    return `${indent(this.parser.parse(tokens).trim(), '> ')}\n\n`;
  }
  override html({ text }: Tokens.HTML | Tokens.Tag): string {
    return stripTags(text);
  }
  override def(): string {
    return '';
  }
  override heading({ tokens }: Tokens.Heading): string {
    return `${this.parser.parseInline(tokens)}\n\n`;
  }
  override hr(): string {
    return '----------\n\n';
  }
  override list(token: Tokens.List): string {
    const start = typeof token.start === 'number' ? token.start : 1;
    const items = token.items.map((item, i) => {
      const bullet = token.ordered ? `${start + i}. ` : '- ';
      const content = this.listitem(item).trim();
      return indent(content, ' '.repeat(bullet.length), bullet);
    });
    return `${items.join('\n')}\n\n`;
  }
  override listitem(item: Tokens.ListItem): string {
    const checkbox = item.task ? (item.checked ? '[x] ' : '[ ] ') : '';
    const blocks = item.tokens.map((token) => this.parser.parse([token]).trim()).filter(Boolean);
    return checkbox + blocks.join('\n');
  }
  override checkbox(): string {
    return '';
  }
  override paragraph({ tokens }: Tokens.Paragraph): string {
    return `${this.parser.parseInline(tokens)}\n\n`;
  }
  override table(token: Tokens.Table): string {
    const row = (cells: Tokens.TableCell[]) => cells.map((cell) => this.parser.parseInline(cell.tokens)).join(' | ');
    return `${[row(token.header), ...token.rows.map(row)].join('\n')}\n\n`;
  }
  override strong({ tokens }: Tokens.Strong): string {
    return this.parser.parseInline(tokens);
  }
  override em({ tokens }: Tokens.Em): string {
    return this.parser.parseInline(tokens);
  }
  override codespan({ text }: Tokens.Codespan): string {
    return text;
  }
  override br(): string {
    return '\n';
  }
  override del({ tokens }: Tokens.Del): string {
    return this.parser.parseInline(tokens);
  }
  override link({ href, tokens }: Tokens.Link): string {
    const text = this.parser.parseInline(tokens);
    if (!SAFE_LINK.test(href)) return text;
    const target = href.replace(/^mailto:/i, '');
    // Same shape as the links of the rest of the text part: "text <target>".
    return text === target || text === href ? target : `${text} <${target}>`;
  }
  override image({ text }: Tokens.Image): string {
    return text;
  }
  override text(token: Tokens.Text | Tokens.Escape): string {
    return 'tokens' in token && token.tokens ? this.parser.parseInline(token.tokens) : decodeEntities(token.text);
  }
}
