import type { Locale } from '../../contract/index.js';
import { formatDate, formatDateTime, formatMinutes, formatMoney } from './format.js';
import { inLanguage, type InLanguages } from './languages.js';
import type { RenderedMarkdown } from './markdown.js';
import { SEVERITY_STYLES } from './severity.js';
import { STRINGS } from './strings.js';
import type { TemplateData } from './template-data.js';
import type { TemplateName } from './template-names.js';

/** The field of each template that holds Markdown, rendered (off the event loop) before its view runs. */
export const MARKDOWN_FIELD: Partial<Record<TemplateName, 'body'>> = { announcement: 'body', 'security-advisory': 'body' };

/**
 * Each text of an advisory or alert in the reader's language where it was written, else the
 * other's with a one-line note in the reader's; `contentLang` marks the text for screen readers.
 */
function inLanguages(data: { language?: Locale | undefined }, locale: Locale, texts: Record<string, InLanguages>) {
  const picked = Object.entries(texts).map(([name, value]) => [name, inLanguage(value, locale, data.language)] as const);
  const other = picked.some(([, p]) => p.lang !== locale);
  return {
    ...Object.fromEntries(picked.map(([name, p]) => [name, p.text])),
    contentLang: other ? (locale === 'en' ? 'fr' : 'en') : locale,
    languageNote: other ? STRINGS[locale]['fan_out.other_language_note'] : undefined,
  };
}

/** Turns validated template data into what the template shows: formatted per locale, with its Markdown already rendered. */
type View<T extends TemplateName> = (data: TemplateData[T], locale: Locale, markdown: RenderedMarkdown) => Record<string, unknown>;

export const TEMPLATE_VIEWS: { [T in TemplateName]: View<T> } = {
  'ticket-update': (data) => ({ ...data, ticketId: String(data.ticketId) }),

  'invoice-receipt': (data, locale) => ({
    invoiceNumber: String(data.invoiceNumber),
    amount: formatMoney(data.amount, data.currency, locale),
    issuedAt: formatDate(data.issuedAt, locale),
    dueAt: data.dueAt === undefined ? undefined : formatDate(data.dueAt, locale),
    url: data.url,
  }),

  announcement: (data, _locale, body) => ({ title: data.title, bodyHtml: body.html, bodyText: body.text }),

  'security-advisory': (data, locale, body) => {
    const strings = STRINGS[locale];
    const texts = inLanguages(data, locale, { title: data.title, summary: data.summary, body: data.body });
    return {
      ...texts,
      update: (data.revision ?? 1) > 1 && !data.reminder,
      reminder: data.reminder === true,
      bodyHtml: body.html,
      bodyText: body.text,
      severity: {
        ...SEVERITY_STYLES[data.severity],
        label: strings[`security_advisory.severity_${data.severity}`],
        banner: strings[`security_advisory.banner_${data.severity}`],
      },
    };
  },

  'service-alert': (data, locale) => {
    const texts = inLanguages(data, locale, { title: data.title, affected: data.affected, ...(data.workaround ? { workaround: data.workaround } : {}) });
    return {
      ...texts,
      update: (data.revision ?? 1) > 1,
      resolved: data.status === 'resolved',
      statusLabel: STRINGS[locale][`service_alert.status_${data.status}`],
      startedAt: formatDateTime(data.startedAt, locale),
      expectedResolutionAt: data.expectedResolutionAt === undefined ? undefined : formatDateTime(data.expectedResolutionAt, locale),
    };
  },

  'sign-in-code': (data, locale) => ({ code: data.code, expiresIn: formatMinutes(data.expiresInMinutes, locale) }),

  'preferences-link': (data) => ({ url: data.url }),

  'data-export': (data, locale) => ({ requestedAt: formatDate(data.requestedAt, locale) }),

  'email-changed': (data, locale) => ({ changedAt: formatDate(data.changedAt, locale), notice: true }),

  'ticket-digest': (data, locale) => ({
    date: formatDate(data.date, locale),
    count: data.tickets.length,
    tickets: data.tickets.map((t) => ({ ...t, ticketId: String(t.ticketId) })),
  }),

  'coverage-lost': (data, locale) => ({ organizationName: data.organizationName, lostCategory: data.categoryLabel[locale], notice: true }),

  'confirm-subscription': (data, locale) => ({ url: data.url, statement: data.statement[locale], expiresAt: formatDate(data.expiresAt, locale) }),

  'reconfirm-consent': (data, locale) => ({ url: data.url, statement: data.statement[locale], lapsesAt: formatDate(data.lapsesAt, locale), notice: true }),
};
