import Handlebars from 'handlebars';

/** Escapes the value and keeps its line breaks visible in HTML. */
function multilineHtml(value: unknown): Handlebars.SafeString {
  const escaped = Handlebars.escapeExpression(String(value ?? ''));
  return new Handlebars.SafeString(escaped.replace(/\r\n|\r|\n/g, '<br />'));
}

function multilineText(value: unknown): string {
  return String(value ?? '').replace(/\r\n|\r/g, '\n');
}

export const htmlHandlebars = Handlebars.create();
htmlHandlebars.registerHelper('multiline', multilineHtml);

export const textHandlebars = Handlebars.create();
textHandlebars.registerHelper('multiline', multilineText);

// Plain text has nothing to escape: every value is inserted as the reader should see it.
const TEXT_OPTIONS: CompileOptions = { noEscape: true };

export type Fill = (root: object) => string;

export function compileHtml(source: string): Fill {
  return htmlHandlebars.compile(source);
}

export function compileText(source: string): Fill {
  return textHandlebars.compile(source, TEXT_OPTIONS);
}
