import { LOCALES, type Locale } from '../api/types.js';
import { checkBrand, isHttpUrl, textColorOn, type Brand } from './brand.js';
import { compileLayout } from './compile-mjml.js';
import { compileHtml, compileText, type Fill } from './handlebars-envs.js';
import { toSingleLine } from './single-line.js';
import { STRINGS, type StringKey } from './strings.js';
import { parseTemplateData, type TemplateData } from './template-data.js';
import { stringPrefix, TEMPLATE_NAMES, type TemplateName } from './template-names.js';
import { TEMPLATE_VIEWS } from './template-views.js';
import { textTemplateFromHtml } from './text-template.js';

export type { Brand } from './brand.js';
export { templateDataSchemas, invalidTemplateFields, TemplateDataError, type FieldProblem } from './template-data.js';
export { TEMPLATE_NAMES, type TemplateName } from './template-names.js';

export interface RenderContext {
  locale: Locale;
  recipientName?: string | null;
  /** The category's label in the recipient's locale; absent for system emails. */
  categoryLabel?: string;
  /** Absent unsubscribe => no unsubscribe link in the footer (required category or system email). */
  links: { unsubscribe?: string; preferences?: string };
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

export interface Renderer {
  render(template: TemplateName, data: Record<string, unknown>, ctx: RenderContext): RenderedEmail;
}

interface CompiledEmail {
  subject: Fill;
  preheader: Fill;
  html: Fill;
  text: Fill;
}

type CompiledSet = Record<Locale, Record<TemplateName, CompiledEmail>>;

async function compileEmail(template: TemplateName, locale: Locale, brand: Brand): Promise<CompiledEmail> {
  const strings = STRINGS[locale];
  const html = await compileLayout({
    ...strings,
    locale,
    template,
    'brand.color': brand.color,
    'brand.textOnColor': textColorOn(brand.color),
  });
  const key = (suffix: string) => strings[`${stringPrefix(template)}.${suffix}` as StringKey];
  return {
    subject: compileText(key('subject')),
    preheader: compileText(key('preheader')),
    html: compileHtml(html),
    text: compileText(textTemplateFromHtml(html, strings['common.label_separator'])),
  };
}

/** Blocks left empty by a false `{{#if}}` leave blank lines behind. */
function tidyText(text: string): string {
  return text
    .replace(/\n[ \t\u00a0]+(?=\n)/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function checkedLink(name: string, url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  if (!isHttpUrl(url)) throw new Error(`RenderContext.links.${name} must be an http(s) URL`);
  return url;
}

function optionalLine(value: string | null | undefined): string | undefined {
  const line = value == null ? '' : toSingleLine(value);
  return line === '' ? undefined : line;
}

/** Loads MJML once and compiles every template in every locale; rendering a message afterwards only fills placeholders. */
export async function compileTemplates(brandInput: Brand): Promise<Renderer> {
  const brand = checkBrand(brandInput);
  const compiled = {} as CompiledSet;
  for (const locale of LOCALES) {
    compiled[locale] = {} as Record<TemplateName, CompiledEmail>;
    for (const template of TEMPLATE_NAMES) {
      compiled[locale][template] = await compileEmail(template, locale, brand);
    }
  }

  function render<T extends TemplateName>(template: T, data: Record<string, unknown>, ctx: RenderContext): RenderedEmail {
    const email = compiled[ctx.locale]?.[template];
    if (!email) throw new Error(`Unknown email template ${template} or locale ${ctx.locale}`);
    const view = (TEMPLATE_VIEWS[template] as (d: TemplateData[T], l: Locale) => Record<string, unknown>)(
      parseTemplateData(template, data),
      ctx.locale,
    );
    const root: Record<string, unknown> = {
      ...view,
      brand,
      recipientName: optionalLine(ctx.recipientName),
      categoryLabel: optionalLine(ctx.categoryLabel),
      links: {
        unsubscribe: checkedLink('unsubscribe', ctx.links.unsubscribe),
        preferences: checkedLink('preferences', ctx.links.preferences),
      },
    };
    root.subjectLine = toSingleLine(email.subject(root));
    root.preheader = toSingleLine(email.preheader(root));
    return {
      subject: root.subjectLine as string,
      html: email.html(root),
      text: `${tidyText(email.text(root))}\n`,
    };
  }

  return { render };
}
