import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export const TEMPLATES_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));
const LAYOUT_PATH = `${TEMPLATES_DIR}layout.mjml`;

/** `[[key]]`: a value fixed for one locale and brand, resolved before MJML sees the source. */
const CONSTANT = /\[\[\s*([\w.-]+)\s*\]\]/g;

function escapeForMarkup(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

export function resolveConstants(source: string, constants: Readonly<Record<string, string>>): string {
  return source.replace(CONSTANT, (_marker, key: string) => {
    const value = constants[key];
    if (value === undefined) throw new Error(`Email templates: no value for [[${key}]]`);
    return escapeForMarkup(value);
  });
}

/**
 * Runs MJML on the shared layout with one email's content included. Slow (~ms, and loads ~60 MB of code):
 * call it at startup only. The result is HTML that still holds the per-message `{{placeholders}}`.
 */
export async function compileLayout(constants: Readonly<Record<string, string>>): Promise<string> {
  const { default: mjml2html } = await import('mjml');
  const source = await readFile(LAYOUT_PATH, 'utf8');
  const result = await mjml2html(source, {
    filePath: LAYOUT_PATH,
    ignoreIncludes: false,
    // Lets emails/*.mjml include ../partials/*.mjml, and nothing outside templates/.
    includePath: TEMPLATES_DIR,
    validationLevel: 'strict',
    keepComments: false,
    fonts: {},
    // Applied to the layout and to every included partial, so partials hold placeholders too.
    preprocessors: [(xml: string) => resolveConstants(xml, constants)],
  });
  return result.html;
}
