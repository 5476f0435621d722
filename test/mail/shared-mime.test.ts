import fs from 'node:fs';
import { simpleParser, type ParsedMail } from 'mailparser';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CategoryInfo, Locale } from '../../contract/index.js';
import { createComposer, linkBuilder, type ComposeInput } from '../../server/delivery/compose.js';
import { DEFAULT_CATEGORIES_FILE } from '../../server/consent/categories.js';
import { compileTemplates, type Renderer } from '../../server/rendering/render.js';
import { Tokens } from '../../server/tokens/tokens.js';
import { BRAND, SAMPLE_DATA } from './fixtures.js';

const CATEGORIES = JSON.parse(fs.readFileSync(DEFAULT_CATEGORIES_FILE, 'utf8')) as CategoryInfo[];
const category = (key: string, required = false): CategoryInfo => ({ ...CATEGORIES.find((c) => c.key === key)!, required });

const renderer = await compileTemplates(BRAND, undefined, { httpsOnly: true });
let renders = 0;
const counting: Renderer = { ...renderer, render: (...args) => (renders++, renderer.render(...args)) };
const composer = createComposer({
  renderer: counting,
  links: linkBuilder('https://mail.serveitpro.example', new Tokens([{ kid: 'k1', secret: 'a-secret-of-at-least-thirty-two-characters' }])),
  from: 'SERVEITPRO <no-reply@serveitpro.example>',
  feedbackSenderId: 'serveitpro',
  returnPath: {
    envelopeFrom: (id) => `bounces+${id.replace(/-/g, '')}@bounces.serveitpro.example`,
    headers: (id) => ({ 'X-PM-Metadata-message_ref': { prepared: true, value: `ref-${id}` } }),
  },
});

const stream = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
async function bytes(mail: Mail.Options): Promise<string> {
  return ((await stream.sendMail(mail)).message as Buffer).toString('latin1');
}

const NAMES = ['Marie Tremblay', 'Zoë Côté-Lévesque', 'Ann "Q" O\'Brien <b>&amp;</b> = 50%', null, '  ', 'Ève '.repeat(30).trim()];

function input(n: number, template: 'security-advisory' | 'service-alert', locale: Locale, name: string | null, cat: CategoryInfo): ComposeInput {
  return {
    messageId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    template,
    data: { ...SAMPLE_DATA[template] },
    category: cat,
    recipient: { contactId: `contact-${n}`, email: `person.${n}@client.example`, name, locale },
    ...(template === 'security-advisory' ? { acknowledge: { advisoryId: 'ADV-1', applied: n % 2 === 0 } } : {}),
  };
}

function comparable(mail: ParsedMail) {
  const header = (name: string) => mail.headers.get(name);
  return {
    subject: mail.subject,
    from: mail.from?.value,
    to: (Array.isArray(mail.to) ? mail.to : [mail.to]).flatMap((t) => t?.value),
    messageId: mail.messageId,
    html: mail.html,
    text: mail.text,
    // Every header line as sent, apart from the date and the multipart boundary.
    headers: mail.headerLines
      .filter((h) => h.key !== 'date')
      // Field names are case-insensitive (RFC 5322); nodemailer recases those it is given.
      .map((h) => `${h.key}:${h.line.slice(h.line.indexOf(':') + 1)}`.replace(/\r\n[ \t]/g, ' ').replace(/boundary="[^"]+"/, 'boundary'))
      .sort(),
    contentType: (header('content-type') as { value: string }).value,
    parts: mail.attachments.length,
  };
}

describe('a fan-out composed once', () => {
  // Links signed in different seconds differ in their issue time: both ways sign at one instant.
  beforeAll(() => vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-11-30T12:00:00Z') }));
  afterAll(() => vi.useRealTimers());

  const cases = (['security-advisory', 'service-alert'] as const).flatMap((template) =>
    (['en', 'fr'] as const).flatMap((locale) => [false, true].map((locked) => ({ template, locale, locked }))),
  );

  it.each(cases)('when $template ($locale, locked $locked) is made both ways for every kind of name, then the parsed messages are equal', async ({ template, locale, locked }) => {
    const cat = category(template === 'security-advisory' ? 'security-advisories' : 'service-alerts', locked);
    for (const [i, name] of NAMES.entries()) {
      const one = input(i, template, locale, name, cat);
      const whole = await composer.compose(one);
      const shared = await composer.composeFanOut({ ...one, fanOutId: `fan-${template}` });
      expect(shared.mail.raw, 'the shared path was taken').toBeInstanceOf(Buffer);
      expect(shared.mail.html).toBeUndefined();
      expect(shared.subject).toBe(whole.subject);
      expect(shared.mail.envelope).toEqual({ from: `bounces+${one.messageId.replace(/-/g, '')}@bounces.serveitpro.example`, to: one.recipient.email });
      const [a, b] = await Promise.all([simpleParser(await bytes(whole.mail)), simpleParser(await bytes(shared.mail))]);
      expect(comparable(b)).toEqual(comparable(a));
      // The recipient's own values are there, not a stand-in's.
      expect(b.html).toContain('https://mail.serveitpro.example/p/');
      expect(String(b.html) + b.text).not.toMatch(/slot[0-9a-f]{12}\dx/);
      const unsubscribe = b.headerLines.find((h) => h.key === 'list-unsubscribe')?.line;
      if (!locked) expect(unsubscribe).toMatch(/^List-Unsubscribe: <https:\/\/mail\.serveitpro\.example\/u\/[\w.-]+>$/);
      else expect(unsubscribe).toBeUndefined();
    }
  });

  it('when the shared bytes are read as they travel, then every line is within 76 characters and the body is quoted-printable', async () => {
    const shared = await composer.composeFanOut({ ...input(7, 'security-advisory', 'fr', 'Zoë Côté-Lévesque', category('security-advisories')), fanOutId: 'fan-lines' });
    const raw = (shared.mail.raw as Buffer).toString('latin1');
    const body = raw.slice(raw.indexOf('\r\n\r\n'));
    expect(body.split('\r\n').every((line) => line.length <= 76)).toBe(true);
    expect(raw).not.toMatch(/(^|[^\r])\n/);
    expect(raw.match(/Content-Transfer-Encoding: quoted-printable/g)).toHaveLength(2);
    expect(raw).toMatch(/^Date: .+\r\nMessage-ID: <00000000-0000-4000-8000-000000000007@serveitpro\.example>\r\nTo: =\?UTF-8\?Q\?/);
  });

  it('when 50 recipients of one fan-out share a locale and variant, then the email is rendered once for all of them', async () => {
    const before = renders;
    for (let i = 0; i < 50; i++) await composer.composeFanOut({ ...input(100 + i, 'service-alert', 'en', `Contact ${i}`, category('service-alerts')), fanOutId: 'fan-once' });
    expect(renders - before).toBe(1);
  });

  it('when an address is not plain ASCII, then the message is composed whole, as before', async () => {
    const one = input(9, 'service-alert', 'fr', 'Zoë', category('service-alerts'));
    const shared = await composer.composeFanOut({ ...one, recipient: { ...one.recipient, email: 'zoë@client.example' }, fanOutId: 'fan-utf8' });
    expect(shared.mail.raw).toBeUndefined();
    expect(shared.mail.html).toContain('Zoë');
  });
});
