import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Window } from 'happy-dom';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCALES, type CategoryInfo, type Locale } from '../../contract/index.js';
import type { Config } from '../../server/config/config.js';
import { Categories } from '../../server/consent/categories.js';
import { createComposer, type LinkBuilder } from '../../server/delivery/compose.js';
import { createMailer } from '../../server/delivery/transport.js';
import { PREHEADER_FILLER } from '../../server/rendering/preheader.js';
import { compileTemplates, TEMPLATE_NAMES, TemplateDataError, type Renderer, type TemplateName } from '../../server/rendering/render.js';
import { STRINGS } from '../../server/rendering/strings.js';
import { dkimTxtRecord, verifyDkim } from '../support/independent-checks.js';
import { productionEnv, startServer, type TestServer } from '../support/server.js';
import { BRAND, contextFor, SAMPLE_DATA, SYSTEM_TEMPLATES } from './fixtures.js';

const NBSP = '\u00a0';
const CONTACT_BRAND = { ...BRAND, phone: '+1 514 555-0100', contactEmail: 'info@serveitpro.example' };

let renderer: Renderer;
let production: Renderer;
beforeAll(async () => {
  renderer = await compileTemplates(CONTACT_BRAND);
  production = await compileTemplates(CONTACT_BRAND, undefined, { httpsOnly: true });
});
afterAll(async () => {
  await renderer?.close();
  await production?.close();
});

function parseHtml(html: string): Document {
  return new new Window().DOMParser().parseFromString(html, 'text/html') as unknown as Document;
}

const render = (template: TemplateName, locale: Locale, data: Record<string, unknown> = {}) =>
  renderer.render(template, { ...SAMPLE_DATA[template], ...data }, contextFor(template, locale));

const everyEmail = TEMPLATE_NAMES.flatMap((template) => LOCALES.map((locale) => [template, locale] as const));

describe('the preheader', () => {
  it.each(everyEmail)('when %s (%s) is rendered, then its preheader comes first, hidden without a colour of its own, from Outlook too, followed by filler, and out of the text part', async (template, locale) => {
    const email = await render(template, locale);
    const doc = parseHtml(email.html);
    const preheader = doc.querySelector('[role=article]')!.firstElementChild!;
    expect(preheader.className).toBe('preheader');
    const style = preheader.getAttribute('style')!;
    expect(style).not.toMatch(/(^|;)\s*color\s*:/);
    expect(style).toMatch(/mso-hide:\s*all/);
    expect(style).toMatch(/display:\s*none/);
    expect(preheader.textContent!.length).toBeGreaterThan(PREHEADER_FILLER.length);
    expect(preheader.textContent!.endsWith(PREHEADER_FILLER)).toBe(true);
    expect(preheader.textContent!.replace(PREHEADER_FILLER, '').trim()).not.toBe('');
    // MJML's own preheader (white on the light page) is gone: nothing else is hidden.
    expect(doc.querySelectorAll('[style*="display:none"]')).toHaveLength(1);
    expect(email.html).not.toMatch(/color:\s*#fff(?:fff)?\b[^"]*max-height:\s*0/);
    expect(email.text).not.toContain('\u200c');
  });
});

describe('the way to reach the sender besides the postal address (CASL)', () => {
  const expected = {
    en: ['Phone: +1 514 555-0100', 'Email: info@serveitpro.example', 'Website: serveitpro.example <https://serveitpro.example>'],
    fr: [`Téléphone${NBSP}: +1 514 555-0100`, `Courriel${NBSP}: info@serveitpro.example`, `Site Web${NBSP}: serveitpro.example <https://serveitpro.example>`],
  };

  it.each(everyEmail)('when the brand has a phone, an email address and a website, then the %s (%s) footer shows each, in HTML and text', async (template, locale) => {
    const email = await render(template, locale);
    const footer = parseHtml(email.html).querySelector('.footer')!;
    for (const line of expected[locale]) expect(email.text).toContain(line);
    expect(footer.textContent).toContain(expected[locale][0]);
    expect(footer.querySelector('a[href="mailto:info@serveitpro.example"]')?.textContent).toBe('info@serveitpro.example');
    expect(footer.querySelector('a[href="https://serveitpro.example"]')?.textContent).toBe('serveitpro.example');
  });

  it('when the brand has only a phone, then the footer shows the phone alone, with no empty line for the others', async () => {
    const phoneOnly = await compileTemplates({ ...BRAND, websiteUrl: undefined, phone: '514 555-0100 poste 204' });
    try {
      for (const locale of LOCALES) {
        const email = await phoneOnly.render('sign-in-code', SAMPLE_DATA['sign-in-code'], contextFor('sign-in-code', locale));
        expect(email.text.trimEnd().split('\n').at(-1)).toBe(`${STRINGS[locale]['footer.phone']}${STRINGS[locale]['common.label_separator']}514 555-0100 poste 204`);
        expect(email.html).not.toMatch(/<br \/><\/p>/);
      }
    } finally {
      await phoneOnly.close();
    }
  });

  it('when a phone or contact email is malformed, then the templates refuse the brand', async () => {
    await expect(compileTemplates({ ...BRAND, phone: '<script>' })).rejects.toThrow(/phone must be a telephone number/);
    await expect(compileTemplates({ ...BRAND, contactEmail: 'info at serveitpro' })).rejects.toThrow(/contactEmail must be an email address/);
  });
});

describe('dark mode', () => {
  it.each(everyEmail)('when %s (%s) is rendered, then it declares both colour schemes and carries dark styles for the page, the text, the links and the brand', async (template, locale) => {
    const email = await render(template, locale);
    const doc = parseHtml(email.html);
    expect(doc.querySelector('meta[name="color-scheme"]')?.getAttribute('content')).toBe('light dark');
    expect(doc.querySelector('meta[name="supported-color-schemes"]')?.getAttribute('content')).toBe('light dark');
    const css = [...doc.querySelectorAll('style')].map((s) => s.textContent).join('\n');
    expect(css).toMatch(/:root\s*\{\s*color-scheme:\s*light dark;/);
    const dark = css.slice(css.indexOf('@media (prefers-color-scheme: dark)'));
    expect(dark).not.toBe(css);
    for (const rule of [/body\.email-body[^{]*\{[^}]*background-color:\s*#111827 !important/, /\.text > div[^{]*\{[^}]*color:\s*#e5e7eb !important/, /\ba\s*\{\s*color:\s*#93c5fd !important/]) {
      expect(dark).toMatch(rule);
    }
    // The brand's button keeps its colour and its readable text; the logo sits on a light ground.
    expect(dark).toMatch(/\.button a\s*\{\s*color:\s*#ffffff !important/);
    expect(dark).toMatch(/\.logo img\s*\{\s*background-color:\s*#ffffff !important/);
  });
});

describe('Markdown styles, inline', () => {
  const body = [
    '| Host | Status |',
    '|:--|--:|',
    '| fw-01 | patched |',
    '',
    'Run `diagnose sys version` first.',
    '',
    '```',
    'execute update-now',
    '```',
    '',
    '> Do it tonight.',
    '',
    '<code style="color:red">raw</code>',
  ].join('\n');

  it('when a body holds a table, inline code, a code block and a quote, then each carries its style on itself, where Gmail for other accounts and Outlook still see it', async () => {
    for (const locale of LOCALES) {
      const email = await render('announcement', locale, { body });
      const markdown = parseHtml(email.html).querySelector('.markdown')!;
      const style = (selector: string) => markdown.querySelector(selector)?.getAttribute('style') ?? '';
      expect(style('table')).toContain('border-collapse:collapse');
      expect(style('th')).toMatch(/border:1px solid #e5e7eb;.*text-align:left/);
      expect(style('td:last-child')).toMatch(/border:1px solid #e5e7eb;.*text-align:right/);
      expect(style('p > code')).toMatch(/font-family:SFMono-Regular.*background-color:#f3f4f6/);
      expect(style('pre')).toMatch(/background-color:#f3f4f6;.*white-space:pre-wrap/);
      // Code in a block is the block's text, not a chip of its own.
      expect(style('pre > code')).toContain('font-family:SFMono-Regular');
      expect(style('pre > code')).not.toContain('background-color');
      expect(style('blockquote')).toContain('border-left:4px solid #d1d5db');
      // A body's own styles never get through: ours replace them.
      expect(email.html).not.toContain('color:red');
      expect([...markdown.querySelectorAll('code')].map((c) => c.textContent)).toContain('raw');
    }
  });
});

describe('List-Id', () => {
  const links: LinkBuilder = {
    unsubscribeUrl: (contactId, category) => `https://mail.serveitpro.example/u/${contactId}.${category}`,
    preferencesUrl: (contactId) => `https://mail.serveitpro.example/p/${contactId}`,
    confirmUrl: () => 'https://mail.serveitpro.example/c/x',
    muteTicketUrl: () => 'https://mail.serveitpro.example/t/x',
    acknowledgeUrl: (_contactId, advisoryId, action) => `https://mail.serveitpro.example/a/${advisoryId}.${action}`,
  };
  const category: CategoryInfo = {
    ...Categories.fromFile().get('invoices')!,
    key: 'avis-speciaux',
    label: { en: 'Billing "urgent" \\ notes', fr: 'Avis « spéciaux » "urgents" \\ été, une étiquette assez longue pour plier' },
  };

  // RFC 5322 / RFC 2047 / RFC 2919: [phrase] "<" dot-atom ">", the phrase made of atoms, quoted strings or encoded-words.
  const atext = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]";
  const quoted = '"(?:[\\x21\\x23-\\x5b\\x5d-\\x7e ]|\\\\[\\x20-\\x7e])*"';
  const encodedWord = '=\\?UTF-8\\?[BQ]\\?[A-Za-z0-9!*+\\-/=_]+\\?=';
  const word = `(?:${encodedWord}|${atext}+|${quoted})`;
  const LIST_ID = new RegExp(`^(?:${word}(?: ${word})* )?<${atext}+(?:\\.${atext}+)*>$`);

  /** The phrase as a reader gets it back: encoded-words decoded (and joined), quoted strings unescaped. */
  function decodePhrase(phrase: string): string {
    const words = phrase.match(new RegExp(word, 'g')) ?? [];
    return words
      .map((w) => (w.startsWith('=?') ? { encoded: true, text: Buffer.from(w.split('?')[3]!, 'base64').toString('utf8') } : { encoded: false, text: w.startsWith('"') ? w.slice(1, -1).replace(/\\(.)/g, '$1') : w }))
      .reduce((text, w, i, all) => text + (i > 0 && !(w.encoded && all[i - 1]!.encoded) ? ' ' : '') + w.text, '');
  }

  it('when a category label holds accents, quotes and a backslash, then List-Id is its key under the sender domain, with the label as a valid phrase that reads back as the label', async () => {
    const composer = createComposer({ renderer, links, from: 'SERVEITPRO <no-reply@serveitpro.example>', feedbackSenderId: 'serveitpro' });
    const transport = (await import('nodemailer')).default.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
    for (const locale of LOCALES) {
      const { mail } = await composer.compose({
        messageId: crypto.randomUUID(),
        template: 'invoice-receipt',
        data: SAMPLE_DATA['invoice-receipt'],
        category,
        recipient: { contactId: 'c-1', email: 'marie@clinique.example', name: 'Marie Tremblay', locale },
      });
      const raw = ((await transport.sendMail(mail)).message as Buffer).toString('utf8');
      const line = (await simpleParser(raw)).headerLines.find((h) => h.key === 'list-id')!.line;
      expect(line).toMatch(/^[\x20-\x7e\r\n\t]+$/);
      expect(line.split('\r\n').every((l) => l.length <= 78 || /^\S+: \S+$|^ \S+$/.test(l))).toBe(true);
      const value = line.slice(line.indexOf(':') + 1).replace(/\r\n[ \t]/g, ' ').trim();
      expect(value, value).toMatch(LIST_ID);
      expect(value.endsWith(' <avis-speciaux.serveitpro.example>')).toBe(true);
      expect(decodePhrase(value.slice(0, value.lastIndexOf(' <')))).toBe(category.label[locale]);
      expect((await simpleParser(raw)).headers.get('list')).toMatchObject({ id: { id: 'avis-speciaux.serveitpro.example' } });
    }
  });
});

describe('Auto-Submitted and Feedback-ID', () => {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const dkim = { domainName: 'serveitpro.example', keySelector: 'sel1', privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
  const categories = Categories.fromFile();
  const CATEGORY_OF: Partial<Record<TemplateName, string>> = {
    'ticket-update': 'ticket-updates',
    'ticket-digest': 'ticket-updates',
    'invoice-receipt': 'invoices',
    announcement: 'marketing',
    'security-advisory': 'security-advisories',
    'service-alert': 'service-alerts',
  };
  const advisoryId = crypto.randomUUID();
  const sent = new Map<TemplateName, string>();

  beforeAll(async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'consent-headers-'));
    // The real transport, as configured with DKIM, writing what it would send (the dev mailbox).
    const mailer = createMailer({ smtpUrl: null, dataDir, dkim, sendConcurrency: 1 } as Partial<Config> as Config);
    const links: LinkBuilder = {
      unsubscribeUrl: () => 'https://mail.serveitpro.example/u/token',
      preferencesUrl: () => 'https://mail.serveitpro.example/p/token',
      confirmUrl: () => 'https://mail.serveitpro.example/c/token',
      muteTicketUrl: () => 'https://mail.serveitpro.example/t/token',
      acknowledgeUrl: () => 'https://mail.serveitpro.example/a/token',
    };
    const composer = createComposer({ renderer, links, from: 'SERVEITPRO <no-reply@serveitpro.example>', feedbackSenderId: 'serveitpro' });
    for (const template of TEMPLATE_NAMES) {
      const key = CATEGORY_OF[template];
      const { mail } = await composer.compose({
        messageId: crypto.randomUUID(),
        template,
        data: SAMPLE_DATA[template],
        category: key ? categories.get(key) : undefined,
        recipient: { contactId: 'c-42', email: 'marie@clinique.example', name: 'Marie Tremblay', locale: 'fr' },
        ...(template === 'security-advisory' ? { acknowledge: { advisoryId, applied: true } } : {}),
      });
      const { response } = await mailer.send(mail);
      sent.set(template, fs.readFileSync(path.join(dataDir, 'mail', response.replace(/^250 kept as /, '')), 'utf8'));
    }
    mailer.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const headerOf = async (template: TemplateName, name: string) => (await simpleParser(sent.get(template)!)).headerLines.find((h) => h.key === name.toLowerCase())?.line.replace(/^[^:]+:\s*/, '');

  it('when a system email is sent, then it carries Auto-Submitted: auto-generated; category mail does not', async () => {
    for (const template of TEMPLATE_NAMES) {
      const expected = SYSTEM_TEMPLATES.includes(template) ? 'auto-generated' : undefined;
      expect(await headerOf(template, 'Auto-Submitted'), template).toBe(expected);
    }
    for (const template of ['sign-in-code', 'preferences-link', 'data-export'] as const) expect(await headerOf(template, 'Auto-Submitted')).toBe('auto-generated');
  });

  it('when any email is sent, then it carries one Feedback-ID of four ASCII fields (category or template, advisory, mail type, sender) naming no person, and DKIM signs it', async () => {
    for (const template of TEMPLATE_NAMES) {
      const raw = sent.get(template)!;
      const feedbackIds = (await simpleParser(raw)).headerLines.filter((h) => h.key === 'feedback-id');
      expect(feedbackIds, template).toHaveLength(1);
      const value = (await headerOf(template, 'Feedback-ID'))!;
      expect(value).toMatch(/^[A-Za-z0-9._-]+:[A-Za-z0-9._-]*:(?:category|system):[A-Za-z0-9._-]{5,15}$/);
      const key = CATEGORY_OF[template];
      expect(value).toBe(key ? `${key}:${template === 'security-advisory' ? advisoryId : ''}:category:serveitpro` : `${template}::system:serveitpro`);
      for (const personal of ['c-42', 'marie', 'Tremblay', 'clinique']) expect(value).not.toContain(personal);
      const verdict = await verifyDkim(raw, { selector: 'sel1', domain: 'serveitpro.example', txtRecord: dkimTxtRecord(publicKey) });
      expect(verdict.valid, template).toBe(true);
      expect(verdict.signedHeaders).toContain('feedback-id');
    }
  });
});

describe('https only in production', () => {
  const body = 'See [the bulletin](http://vendor.example/psirt), http://vendor.example/raw and www.vendor.example, or <a href="HTTP://vendor.example/html">this</a>; [mail us](mailto:security@serveitpro.example).';

  it('when in production, then http Markdown links become https in the HTML and the text part; elsewhere they are left alone', async () => {
    for (const locale of LOCALES) {
      const email = await production.render('announcement', { ...SAMPLE_DATA.announcement, body }, contextFor('announcement', locale));
      const hrefs = [...parseHtml(email.html).querySelectorAll('.markdown a')].map((a) => a.getAttribute('href'));
      expect(hrefs).toEqual(['https://vendor.example/psirt', 'https://vendor.example/raw', 'https://www.vendor.example', 'https://vendor.example/html', 'mailto:security@serveitpro.example']);
      expect(email.html).not.toMatch(/href="http:/i);
      expect(email.text).toContain('the bulletin <https://vendor.example/psirt>');
      expect(email.text).toContain('https://vendor.example/raw');
      expect(email.text).not.toMatch(/\bhttp:/i);
    }
    const development = await render('announcement', 'en', { body });
    expect(development.html).toContain('href="http://vendor.example/psirt"');
  });

  it('when in production a template url is http, then the renderer names the field and will not render it', async () => {
    const insecure = { ...SAMPLE_DATA['ticket-update'], url: 'http://psa.serveitpro.example/tickets/48213' };
    expect(await production.problems('ticket-update', insecure)).toEqual([{ field: 'url', message: 'must be an https URL in production' }]);
    expect(await renderer.problems('ticket-update', insecure)).toEqual([]);
    const digest = { ...SAMPLE_DATA['ticket-digest'], tickets: [{ ticketId: 1, subject: 'S', status: 'Open', message: 'M', url: 'http://psa.example/1' }] };
    expect(await production.problems('ticket-digest', digest)).toEqual([{ field: 'tickets.0.url', message: 'must be an https URL in production' }]);
    // A field the template ignores is not looked at.
    expect(await production.problems('announcement', { ...SAMPLE_DATA.announcement, extra: { url: 'http://x.example' } })).toEqual([]);
    await expect(production.render('ticket-update', insecure, contextFor('ticket-update', 'en'))).rejects.toBeInstanceOf(TemplateDataError);
    await expect(production.render('announcement', SAMPLE_DATA.announcement, { ...contextFor('announcement', 'en'), links: { unsubscribe: 'http://mail.example/u/x' } })).rejects.toThrow(/must be an https URL/);
  });

  it('when in production the brand logo or website is http, then the templates refuse the brand', async () => {
    await expect(compileTemplates({ ...BRAND, logoUrl: 'http://serveitpro.example/logo.png' }, undefined, { httpsOnly: true })).rejects.toThrow(/logoUrl must be an https URL/);
    await expect(compileTemplates({ ...BRAND, websiteUrl: 'http://serveitpro.example' }, undefined, { httpsOnly: true })).rejects.toThrow(/websiteUrl must be an https URL/);
  });

  describe('the messages API in production', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startServer('sqlite', {
        worker: false,
        env: productionEnv({ BRAND_PHONE: '+1 514 555-0100' }),
      });
    });
    afterAll(async () => {
      await server?.close();
    });

    it('when a message is queued with an http url, then 400 naming the field; https is queued', async () => {
      const org = (await server.api.post('/api/v1/organizations', { name: 'Clinique Lavoie' })).body.id;
      const contact = (await server.api.post('/api/v1/contacts', { organizationId: org, email: 'lea@clinique.example' })).body;
      const send = (url: string) =>
        server.api.post('/api/v1/messages', { category: 'ticket-updates', template: 'ticket-update', to: { contactId: contact.id }, data: { ...SAMPLE_DATA['ticket-update'], url } });
      const refused = await send('http://psa.serveitpro.example/tickets/48213');
      expect(refused.status).toBe(400);
      expect(refused.body.errors).toEqual([{ pointer: '#/data/url', detail: 'url must be an https URL in production' }]);
      expect((await send('https://psa.serveitpro.example/tickets/48213')).status).toBe(202);
    });
  });
});

describe('the French footer', () => {
  it.each(Categories.fromFile().list.map((c) => [c.label.fr, c.key] as const))('when the category is «\u00a0%s\u00a0» (%s), then why and how to leave read as correct, neutral French with its typography', async (label) => {
    const ctx = { ...contextFor('announcement', 'fr'), categoryLabel: label };
    const email = await renderer.render('announcement', SAMPLE_DATA.announcement, ctx);
    expect(email.text).toContain(`Vous recevez ce courriel parce que la catégorie «${NBSP}${label}${NBSP}» de SERVEITPRO est activée pour votre adresse.`);
    const unsubscribe = [...parseHtml(email.html).querySelectorAll('.footer a')].find((a) => a.getAttribute('href') === ctx.links.unsubscribe);
    expect(unsubscribe?.textContent).toBe(`Se désabonner de la catégorie «${NBSP}${label}${NBSP}»`);
    // Nothing agrees with the reader's gender or with the label's number and gender.
    const footer = parseHtml(email.html).querySelector('.footer')!.textContent!;
    expect(footer).not.toMatch(/abonné|inscrit|\(e\)|à «|de «/);
    expect(footer).not.toMatch(/ [:;!?»]|« /);
  });
});
