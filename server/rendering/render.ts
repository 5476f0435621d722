import { LOCALES, type Locale } from '../../contract/index.js';
import { checkBrand, isHttpsUrl, isHttpUrl, textColorOn, websiteLabel, type Brand } from './brand.js';
import { compileLayout } from './compile-mjml.js';
import { compileHtml, compileText, type Fill } from './handlebars-envs.js';
import { toSingleLine } from './single-line.js';
import { STRINGS, type StringKey } from './strings.js';
import { invalidTemplateFields, parseTemplateData, TemplateDataError, type FieldProblem, type TemplateData } from './template-data.js';
import { stringPrefix, TEMPLATE_NAMES, type TemplateName } from './template-names.js';
import { MARKDOWN_FIELD, TEMPLATE_VIEWS } from './template-views.js';
import { textTemplateFromHtml } from './text-template.js';
import type { RenderedMarkdown } from './markdown.js';
import { inLanguage, type InLanguages } from './languages.js';
import { MarkdownError, MarkdownRenderer } from './markdown-renderer.js';
import { insecureUrlFields } from './https-only.js';
import { PREHEADER_FILLER } from './preheader.js';

export type { Brand } from './brand.js';
export { MarkdownError } from './markdown-renderer.js';
export { templateDataSchemas, invalidTemplateFields, TemplateDataError, type FieldProblem } from './template-data.js';
export { TEMPLATE_NAMES, type TemplateName } from './template-names.js';

export interface RenderContext {
  locale: Locale;
  recipientName?: string | null;
  /** The category's label in the recipient's locale; absent for system emails. */
  categoryLabel?: string;
  /** Absent unsubscribe => no unsubscribe link in the footer (required category or system email). */
  links: {
    unsubscribe?: string;
    preferences?: string;
    /** A ticket update's "stop updates about this ticket". */
    muteTicket?: string;
    /** An advisory's "I have read this" and (high, critical) "We have applied the fix", for the contact's organization. */
    acknowledgeRead?: string;
    acknowledgeApplied?: string;
  };
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

export interface Renderer {
  /** Rejects with TemplateDataError or MarkdownError when the data cannot make this email. */
  render(template: TemplateName, data: Record<string, unknown>, ctx: RenderContext): Promise<RenderedEmail>;
  /**
   * What stops this data from making an email that arrives whole, field by field: missing or
   * invalid fields, Markdown that cannot be rendered, or an email Gmail would clip.
   */
  problems(template: TemplateName, data: unknown): Promise<FieldProblem[]>;
  /** Ends the Markdown thread. */
  close(): Promise<void>;
}

/**
 * Gmail clips an email whose HTML passes 102 KB, hiding the rest (the unsubscribe link and the
 * postal address with it): every email stays at or under this, footer and longest links included.
 */
export const MAX_EMAIL_HTML_BYTES = 100_000;

/** The field to name when an email is too large: its one long text. */
const LONG_FIELD: Partial<Record<TemplateName, string>> = { 'ticket-update': 'message', announcement: 'body', 'security-advisory': 'body', 'service-alert': 'workaround' };

/** The longest a recipient's own parts of an email get: a full-length name and links. */
function largestContext(locale: Locale): RenderContext {
  const link = `https://${'x'.repeat(100)}.example/u/${'t'.repeat(320)}`;
  return {
    locale,
    recipientName: 'N'.repeat(200),
    categoryLabel: 'C'.repeat(100),
    links: { unsubscribe: link, preferences: link.replace('/u/', '/p/'), acknowledgeRead: link.replace('/u/', '/a/'), acknowledgeApplied: link.replace('/u/', '/a/') },
  };
}

interface CompiledEmail {
  subject: Fill;
  preheader: Fill;
  html: Fill;
  text: Fill;
}

type CompiledSet = Record<Locale, Record<TemplateName, CompiledEmail>>;

export interface RenderOptions {
  /** Production: every URL in an email must be https (brand, data `url` fields, links); Markdown links are rewritten to https. */
  httpsOnly?: boolean;
}

async function compileEmail(template: TemplateName, locale: Locale, brand: Brand): Promise<CompiledEmail> {
  const strings = STRINGS[locale];
  const html = await compileLayout({
    ...strings,
    locale,
    template,
    'brand.color': brand.color,
    'brand.textOnColor': textColorOn(brand.color),
    'preheader.filler': PREHEADER_FILLER,
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

function checkedLink(name: string, url: string | undefined, httpsOnly: boolean): string | undefined {
  if (url === undefined) return undefined;
  if (!(httpsOnly ? isHttpsUrl(url) : isHttpUrl(url))) throw new Error(`RenderContext.links.${name} must be an ${httpsOnly ? 'https' : 'http(s)'} URL`);
  return url;
}

function optionalLine(value: string | null | undefined): string | undefined {
  const line = value == null ? '' : toSingleLine(value);
  return line === '' ? undefined : line;
}

/** How to reach the sender besides the postal address (CASL), one line each in every footer. */
function contactMethods(brand: Brand) {
  return [
    ...(brand.phone ? [{ phone: brand.phone }] : []),
    ...(brand.contactEmail ? [{ email: brand.contactEmail }] : []),
    ...(brand.websiteUrl ? [{ website: { href: brand.websiteUrl, label: websiteLabel(brand.websiteUrl) } }] : []),
  ];
}

/** Loads MJML once and compiles every template in every locale; rendering a message afterwards only fills placeholders. */
export async function compileTemplates(brandInput: Brand, markdown = new MarkdownRenderer(), { httpsOnly = false }: RenderOptions = {}): Promise<Renderer> {
  const brand = checkBrand(brandInput, { httpsOnly });
  const brandView = { ...brand, contactMethods: contactMethods(brand) };
  const compiled = {} as CompiledSet;
  for (const locale of LOCALES) {
    compiled[locale] = {} as Record<TemplateName, CompiledEmail>;
    for (const template of TEMPLATE_NAMES) {
      compiled[locale][template] = await compileEmail(template, locale, brand);
    }
  }

  async function render<T extends TemplateName>(template: T, data: Record<string, unknown>, ctx: RenderContext): Promise<RenderedEmail> {
    const email = compiled[ctx.locale]?.[template];
    if (!email) throw new Error(`Unknown email template ${template} or locale ${ctx.locale}`);
    const parsed = parseTemplateData(template, data);
    const insecure = httpsOnly ? insecureUrlFields(parsed) : [];
    if (insecure.length) throw new TemplateDataError(template, insecure);
    const field = MARKDOWN_FIELD[template];
    const fields = parsed as Record<string, unknown>;
    const markdownText = field ? inLanguage(fields[field] as InLanguages, ctx.locale, fields.language as Locale | undefined).text : undefined;
    const body = markdownText !== undefined ? await markdown.render(markdownText, { httpsLinks: httpsOnly }) : { html: '', text: '' };
    const view = (TEMPLATE_VIEWS[template] as (d: TemplateData[T], l: Locale, m: RenderedMarkdown) => Record<string, unknown>)(parsed, ctx.locale, body);
    const root: Record<string, unknown> = {
      ...view,
      brand: brandView,
      recipientName: optionalLine(ctx.recipientName),
      categoryLabel: optionalLine(ctx.categoryLabel),
      links: {
        unsubscribe: checkedLink('unsubscribe', ctx.links.unsubscribe, httpsOnly),
        preferences: checkedLink('preferences', ctx.links.preferences, httpsOnly),
        muteTicket: checkedLink('muteTicket', ctx.links.muteTicket, httpsOnly),
        acknowledgeRead: checkedLink('acknowledgeRead', ctx.links.acknowledgeRead, httpsOnly),
        acknowledgeApplied: checkedLink('acknowledgeApplied', ctx.links.acknowledgeApplied, httpsOnly),
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

  async function problems(template: TemplateName, data: unknown): Promise<FieldProblem[]> {
    const invalid = invalidTemplateFields(template, data);
    if (invalid.length) return invalid;
    // Only the fields the template knows: extra ones are ignored, whatever they hold.
    const insecure = httpsOnly ? insecureUrlFields(parseTemplateData(template, data)) : [];
    if (insecure.length) return insecure;
    const fields = data as Record<string, unknown>;
    for (const locale of LOCALES) {
      let html: string;
      try {
        html = (await render(template, fields, largestContext(locale))).html;
      } catch (error) {
        if (error instanceof MarkdownError) return [{ field: MARKDOWN_FIELD[template]!, message: error.message }];
        throw error;
      }
      const bytes = Buffer.byteLength(html);
      if (bytes > MAX_EMAIL_HTML_BYTES) {
        const kb = (n: number) => `${Math.ceil(n / 1000)} KB`;
        return [
          {
            field: LONG_FIELD[template] ?? 'data',
            message: `makes an email of ${kb(bytes)} of HTML; at most ${kb(MAX_EMAIL_HTML_BYTES)} fit before Gmail clips it and hides its footer (the unsubscribe link and postal address): shorten it`,
          },
        ];
      }
    }
    return [];
  }

  return { render, problems, close: () => markdown.close() };
}
