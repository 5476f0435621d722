import { readFile } from 'node:fs/promises';
import { resolveConstants, TEMPLATES_DIR } from './compile-mjml.js';

const LAYOUT_PATH = `${TEMPLATES_DIR}layout.mjml`;

/**
 * Runs MJML on the shared layout with one email's content included, in this process: it loads
 * ~60 MB of code (mjml, juice, cheerio, html-minifier…) that stays resident. Only the short-lived
 * MJML process (mjml-process.ts) and the render benchmark call this; the service calls compileLayout.
 */
export async function compileLayoutHere(constants: Readonly<Record<string, string>>): Promise<string> {
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
