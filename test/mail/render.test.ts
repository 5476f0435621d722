import { Window } from 'happy-dom';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Locale } from '../../contract/index.js';
import { LOCALES } from '../../contract/index.js';
import { compileTemplates, TEMPLATE_NAMES, type Renderer, type TemplateName } from '../../server/rendering/render.js';
import { BRAND, contextFor, SAMPLE_DATA, SYSTEM_TEMPLATES, XSS } from './fixtures.js';

let renderer: Renderer;
beforeAll(async () => {
  renderer = await compileTemplates(BRAND);
});

const NBSP = '\u00a0';

function render(template: TemplateName, locale: Locale, data: Record<string, unknown> = {}, name?: string | null) {
  const ctx = contextFor(template, locale);
  if (name !== undefined) ctx.recipientName = name;
  return renderer.render(template, { ...SAMPLE_DATA[template], ...data }, ctx);
}

function parseHtml(html: string): Document {
  const window = new Window();
  return new window.DOMParser().parseFromString(html, 'text/html') as unknown as Document;
}

const EXPECTED: Record<TemplateName, Record<Locale, { subject: string; html: string[]; text: string[] }>> = {
  'ticket-update': {
    en: {
      subject: '[Ticket 48213] Outlook keeps asking for the password on the reception PC',
      html: ['Waiting on you', 'View ticket 48213', 'href="https://psa.serveitpro.example/tickets/48213"'],
      text: ['Status: Waiting on you', 'Hi Marie,\nWe reset the credential cache', 'View ticket 48213 <https://psa.serveitpro.example/tickets/48213>'],
    },
    fr: {
      subject: '[Demande 48213] Outlook keeps asking for the password on the reception PC',
      html: ['Statut', 'Voir la demande 48213', 'Dernier message'],
      text: [`Statut${NBSP}: Waiting on you`, 'Voir la demande 48213 <https://psa.serveitpro.example/tickets/48213>'],
    },
  },
  'invoice-receipt': {
    en: {
      subject: 'Invoice INV-2026-00417: $12,345.67',
      html: ['$12,345.67', 'November 1, 2026', 'December 1, 2026', 'View invoice INV-2026-00417'],
      text: ['Amount: $12,345.67', 'Issued on: November 1, 2026', 'Due on: December 1, 2026'],
    },
    fr: {
      subject: `Facture INV-2026-00417${NBSP}: 12${NBSP}345,67${NBSP}$`,
      html: [`12${NBSP}345,67${NBSP}$`, '1er novembre 2026', '1er décembre 2026', 'Consulter la facture INV-2026-00417'],
      text: [`Montant${NBSP}: 12${NBSP}345,67${NBSP}$`, `Date d’émission${NBSP}: 1er novembre 2026`],
    },
  },
  announcement: {
    en: {
      subject: 'Planned maintenance on Saturday night',
      html: ['<strong>backup platform</strong>', '<li style="margin:0 0 4px 0;">Backups pause during the window</li>', 'Announcement'],
      text: ['We will upgrade the backup platform on Saturday', '- Backups pause during the window', 'account manager <https://serveitpro.example/contact>'],
    },
    fr: {
      subject: 'Planned maintenance on Saturday night',
      html: ['Annonce', '<strong>backup platform</strong>'],
      text: ['Bonjour Marie Tremblay,', '- Restores stay available'],
    },
  },
  'security-advisory': {
    en: {
      subject: '[Critical] FortiGate SSL-VPN remote code execution',
      html: ['Critical severity: act now', 'background-color: #b42318', '<h3 style="color:#111827;line-height:1.3;margin:20px 0 8px 0;font-size:18px;">What happened</h3>', 'I have read this', 'We have applied the fix'],
      text: ['Critical severity: act now', '1. Update the firmware to 7.2.8 or later.', 'vendor bulletin <https://vendor.example/psirt/2026-12345>', 'our team <security@serveitpro.example>'],
    },
    fr: {
      subject: '[Critique] FortiGate SSL-VPN remote code execution',
      html: [`Gravité critique${NBSP}: agissez maintenant`, 'Avis de sécurité', 'J’ai lu cet avis', 'Nous avons appliqué le correctif'],
      text: [`Gravité critique${NBSP}: agissez maintenant`, 'Attackers are exploiting a flaw'],
    },
  },
  'service-alert': {
    en: {
      subject: '[Cause identified] Email delivery delayed',
      html: ['Service alert', 'Hosted Exchange (Montréal)', 'November 30, 2026 at 9:05 a.m. EST', 'Use Outlook on the web meanwhile.'],
      text: ['Status: Cause identified', 'Affected: Hosted Exchange (Montréal)', 'Expected resolution: November 30, 2026 at 11:00 a.m. EST'],
    },
    fr: {
      subject: '[Cause trouvée] Livraison des courriels retardée',
      html: ['Alerte de service', 'Exchange hébergé (Montréal)', '30 novembre 2026 à 09 h 05 HNE'],
      text: [`Statut${NBSP}: Cause trouvée`, `Service touché${NBSP}: Exchange hébergé (Montréal)`, 'Utilisez Outlook sur le Web en attendant.'],
    },
  },
  'sign-in-code': {
    en: {
      subject: 'Your sign-in code for SERVEITPRO',
      html: ['482913', 'expires in 10 minutes'],
      text: ['482913', 'This code expires in 10 minutes'],
    },
    fr: {
      subject: 'Votre code de connexion à SERVEITPRO',
      html: ['482913', `expire dans 10${NBSP}minutes`],
      text: ['482913', `Ce code expire dans 10${NBSP}minutes`],
    },
  },
  'preferences-link': {
    en: {
      subject: 'Manage your email preferences at SERVEITPRO',
      html: ['Manage my email preferences', 'href="https://mail.serveitpro.example/preferences?token=abc.def.ghi"'],
      text: ['Manage my email preferences <https://mail.serveitpro.example/preferences?token=abc.def.ghi>'],
    },
    fr: {
      subject: 'Gérer vos préférences de courriel chez SERVEITPRO',
      html: ['Gérer mes préférences de courriel'],
      text: ['Gérer mes préférences de courriel <https://mail.serveitpro.example/preferences?token=abc.def.ghi>'],
    },
  },
  'data-export': {
    en: {
      subject: 'Your data from SERVEITPRO',
      html: ['my-data.json', 'On November 26, 2026, you asked for a copy', 'the history of your consent choices', 'the list of emails we sent you', 'keep it somewhere safe'],
      text: ['my-data.json', 'It is attached to this email.', 'the email preferences you chose', 'If you did not ask for this, ignore this email or contact us.'],
    },
    fr: {
      subject: 'Vos données chez SERVEITPRO',
      html: ['my-data.json', 'Le 26 novembre 2026, vous avez demandé une copie', 'l’historique de vos choix de consentement', 'la liste des courriels que nous vous avons envoyés'],
      text: ['Elle est jointe à ce courriel.', `conservez-le en lieu sûr`, 'ignorez ce courriel ou communiquez avec nous.'],
    },
  },
  'email-changed': {
    en: {
      subject: 'Your email address at SERVEITPRO was changed',
      html: ['On November 30, 2026, the email address', 'has been signed out', 'contact SERVEITPRO right away', 'because it concerns your address'],
      text: ['will no longer receive ticket updates', 'If you did not ask for this change'],
    },
    fr: {
      subject: 'Votre adresse courriel chez SERVEITPRO a été modifiée',
      html: ['Le 30 novembre 2026, l’adresse courriel', `sans tarder${NBSP}: quelqu’un`, 'parce qu’il concerne votre adresse'],
      text: ['ne recevra plus le suivi des demandes', 'ont été fermées'],
    },
  },
  'ticket-digest': {
    en: {
      subject: 'Your ticket updates for November 30, 2026',
      html: ['Outlook keeps asking for the password', 'VPN drops every hour', 'Waiting on you', 'View this ticket'],
      text: ['Here is the latest state of each ticket that changed.', 'We replaced the firewall rule.'],
    },
    fr: {
      subject: 'Le suivi de vos demandes du 30 novembre 2026',
      html: ['Résumé quotidien', 'Outlook keeps asking for the password', 'Voir cette demande'],
      text: ['Voici le dernier état de chaque demande mise à jour.', 'We replaced the firewall rule.'],
    },
  },
  'coverage-lost': {
    en: {
      subject: 'Nobody at Clinique Lavoie receives Invoices and receipts any more',
      html: ['The last person at Clinique Lavoie who received “Invoices and receipts” from SERVEITPRO has unsubscribed.', 'make this category required'],
      text: ['That was their choice, and it has taken effect.', 'relies on someone at your organization'],
    },
    fr: {
      subject: `Plus personne chez Clinique Lavoie ne reçoit les courriels «${NBSP}Factures et reçus${NBSP}»`,
      html: [`La dernière personne chez Clinique Lavoie qui recevait les courriels «${NBSP}Factures et reçus${NBSP}» de SERVEITPRO s’est désabonnée.`],
      text: ['C’était son choix, et il a pris effet.', 'rendre cette catégorie obligatoire pour votre personnel'],
    },
  },
  'confirm-subscription': {
    en: {
      subject: 'Confirm your subscription to SERVEITPRO',
      html: ['Someone asked to receive “News and offers” from SERVEITPRO', 'Yes, subscribe me', 'The button works until December 7, 2026.'],
      text: ['Confirm below to subscribe.', 'Yes, subscribe me <https://mail.serveitpro.example/c/abc.def.ghi>'],
    },
    fr: {
      subject: 'Confirmez votre abonnement aux courriels de SERVEITPRO',
      html: [`les courriels «${NBSP}Nouvelles et offres${NBSP}» de SERVEITPRO`, 'Oui, abonnez-moi', 'Le bouton fonctionne jusqu’au 7 décembre 2026.'],
      text: ['Confirmez ci-dessous pour vous abonner.', 'Oui, abonnez-moi <https://mail.serveitpro.example/c/abc.def.ghi>'],
    },
  },
  'reconfirm-consent': {
    en: {
      subject: 'Do you still want emails from SERVEITPRO?',
      html: ['your implied consent to receive “Security advisories” from SERVEITPRO ends on December 30, 2026.', 'Yes, keep sending them'],
      text: ['Do you still want these emails?', 'Yes, keep sending them <https://mail.serveitpro.example/c/abc.def.ghi>'],
    },
    fr: {
      subject: 'Voulez-vous toujours recevoir les courriels de SERVEITPRO?',
      html: ['prend fin le 30 décembre 2026.', 'Oui, continuez de me les envoyer'],
      text: ['Voulez-vous toujours recevoir ces courriels?', 'Oui, continuez de me les envoyer <https://mail.serveitpro.example/c/abc.def.ghi>'],
    },
  },
};

describe('when each template is rendered in each locale', () => {
  for (const template of TEMPLATE_NAMES) {
    for (const locale of LOCALES) {
      it(`then ${template} (${locale}) has its subject, HTML and text`, async () => {
        const email = await render(template, locale);
        const expected = EXPECTED[template][locale];
        expect(email.subject).toBe(expected.subject);
        const hrefs = [...parseHtml(email.html).querySelectorAll('a')].map((a) => `href="${a.getAttribute('href')}"`);
        for (const s of expected.html) {
          if (s.startsWith('href=')) expect(hrefs).toContain(s);
          else expect(email.html).toContain(s);
        }
        for (const s of expected.text) expect(email.text).toContain(s);
        expect(email.html).toMatch(new RegExp(`<html lang="${locale}"`));
        expect(parseHtml(email.html).title).toBe(email.subject);
        expect(email.text).not.toMatch(/\{\{|\}\}|\[\[|<\/?(?:p|div|a|strong|table|td)\b/);
        expect(email.html).not.toMatch(/\{\{|\[\[/);
      });
    }
  }
});

describe('when user data holds markup', () => {
  it('then subject, title and name arrive as escaped text in HTML and as plain text in the text part', async () => {
    for (const locale of LOCALES) {
      const emails = [
        await render('ticket-update', locale, { subject: XSS, status: XSS, message: XSS }, XSS),
        await render('announcement', locale, { title: XSS }, XSS),
        await render('security-advisory', locale, { title: XSS, summary: XSS }, XSS),
        await render('invoice-receipt', locale, { invoiceNumber: XSS }, XSS),
      ];
      for (const email of emails) {
        const doc = parseHtml(email.html);
        const images = [...doc.querySelectorAll('img')].map((img) => img.getAttribute('src'));
        expect(images).toEqual([BRAND.logoUrl]);
        expect(doc.querySelector('[onerror]')).toBeNull();
        expect(email.html).toContain('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
        expect(doc.body.textContent).toContain(XSS);
        expect(email.text).toContain(XSS);
        expect(email.subject).toContain(XSS);
      }
    }
  });
});

describe('when Markdown holds dangerous markup', () => {
  const body = [
    '# Heading',
    '<script>alert("owned")</script>',
    '<img src=x onerror=alert(1)>',
    '[click me](javascript:alert(1)) and [ok](https://ok.example/) and <a href="https://ok.example/2" onclick="steal()">two</a>',
    '<p style="position:fixed">styled</p><iframe src="https://evil.example"></iframe>',
    '<style>body{display:none}</style>',
    '- item with `code`',
  ].join('\n\n');

  for (const template of ['announcement', 'security-advisory'] as const) {
    it(`then ${template} renders it and keeps only safe markup`, async () => {
      const email = await render(template, 'en', { body });
      const doc = parseHtml(email.html);
      const article = doc.querySelector('[role=article]')!;
      expect(article.querySelector('script, iframe, [onerror], [onclick]')).toBeNull();
      expect(article.querySelectorAll('img')).toHaveLength(1); // the logo
      expect(email.html).not.toContain('javascript:');
      expect(email.html).not.toContain('position:fixed');
      expect(email.html).not.toContain('display:none}');
      expect(email.html).toContain('<h2 style="color:#111827;line-height:1.3;margin:20px 0 8px 0;font-size:20px;">Heading</h2>');
      expect(email.html).toContain('<a href="https://ok.example/" style="color:#1d4ed8;">ok</a>');
      expect(parseHtml(email.html).querySelector('.markdown li')?.innerHTML).toMatch(/^item with <code style="[^"]+">code<\/code>$/);
      expect(email.text).toContain('Heading');
      expect(email.text).toContain('ok <https://ok.example/>');
      expect(email.text).toContain('- item with code');
      expect(email.text).not.toMatch(/<\/?(?:script|img|p|a|h1|h2|li|ul|code|style|iframe)\b/);
      expect(email.text).not.toContain('owned');
      expect(email.text).not.toContain('javascript:');
    });
  }
});

describe('when a subject field holds line breaks', () => {
  const injected = 'Hello\r\nBcc: victim@example.com\nX-Evil: 1\u2028\u0085';
  const cases: [TemplateName, Record<string, unknown>][] = [
    ['ticket-update', { subject: injected, ticketId: injected }],
    ['invoice-receipt', { invoiceNumber: injected }],
    ['announcement', { title: injected }],
    ['security-advisory', { title: injected }],
  ];
  for (const [template, data] of cases) {
    it(`then the ${template} subject stays on one line`, async () => {
      for (const locale of LOCALES) {
        const { subject } = await render(template, locale, data);
        expect(subject).not.toMatch(/[\r\n\u2028\u2029\u0085]/);
        expect(subject).toContain('Hello Bcc: victim@example.com X-Evil: 1');
      }
    });
  }
});

describe('the footer', () => {
  it('when an unsubscribe link is given, then it appears in HTML and text', async () => {
    for (const locale of LOCALES) {
      const email = await render('announcement', locale);
      const url = contextFor('announcement', locale).links.unsubscribe!;
      const link = [...parseHtml(email.html).querySelectorAll('a')].find((a) => a.getAttribute('href') === url);
      expect(link?.textContent).toBe(locale === 'en' ? 'Unsubscribe from “News and offers”' : `Se désabonner de la catégorie «${NBSP}Nouvelles et offres${NBSP}»`);
      expect(email.text).toContain(`<${url}>`);
    }
  });

  it('when no unsubscribe link is given (required category), then there is none, and the preferences link stays', async () => {
    for (const locale of LOCALES) {
      const ctx = contextFor('security-advisory', locale);
      delete ctx.links.unsubscribe;
      const email = await renderer.render('security-advisory', SAMPLE_DATA['security-advisory'], ctx);
      expect(email.html).not.toMatch(/Unsubscribe|désabonner|\/u\//);
      expect(email.text).not.toMatch(/Unsubscribe|désabonner|\/u\//);
      expect(email.html).toContain(ctx.links.preferences);
    }
  });

  it('then every email carries the sender name, postal address and why it was sent', async () => {
    for (const template of TEMPLATE_NAMES) {
      for (const locale of LOCALES) {
        const email = await render(template, locale);
        for (const part of [email.html, email.text]) {
          expect(part).toContain('1200, rue Peel, bureau 400');
          expect(part).toContain('Montréal (Québec)  H3B 2T6');
          expect(part).toContain('SERVEITPRO');
        }
        const why =
          template === 'email-changed' || template === 'reconfirm-consent' || template === 'coverage-lost'
            ? { en: 'because it concerns your address', fr: 'parce qu’il concerne votre adresse' }
            : SYSTEM_TEMPLATES.includes(template)
              ? { en: 'because it was requested for your address', fr: 'parce qu’il a été demandé pour votre adresse' }
              : { en: 'because your address is subscribed to “', fr: `parce que la catégorie «${NBSP}` };
        expect(email.text).toContain(why[locale]);
        if (SYSTEM_TEMPLATES.includes(template)) expect(email.text).not.toMatch(/Unsubscribe|désabonner/);
      }
    }
  });

  it('when the recipient has no name, then the greeting has none', async () => {
    expect((await render('announcement', 'en', {}, null)).text).toContain('Hello,\n');
    expect((await render('announcement', 'fr', {}, '  ')).text).toContain('Bonjour,\n');
  });
});

describe('the data-export email', () => {
  it('then it links to nothing: the file is attached, and it carries no unsubscribe', async () => {
    for (const locale of LOCALES) {
      const email = await render('data-export', locale);
      const hrefs = [...parseHtml(email.html).querySelectorAll('a')].map((a) => a.getAttribute('href'));
      expect(hrefs).toEqual([BRAND.websiteUrl]);
      expect(email.text).not.toMatch(/Unsubscribe|désabonner|https?:\/\/mail\./);
    }
  });

  it('when requestedAt is a date-time, then it is shown as a date in Eastern time, and a first of the month in French as 1er', async () => {
    expect((await render('data-export', 'en', { requestedAt: '2026-12-01T03:00:00Z' })).text).toContain('On November 30, 2026,');
    expect((await render('data-export', 'fr', { requestedAt: '2026-11-01' })).text).toContain('Le 1er novembre 2026,');
  });
});

describe('when the brand has no logo', () => {
  it('then its name stands in the header and no image is requested', async () => {
    const plain = await compileTemplates({ ...BRAND, logoUrl: undefined, websiteUrl: undefined });
    const email = await plain.render('sign-in-code', SAMPLE_DATA['sign-in-code'], contextFor('sign-in-code', 'en'));
    expect(parseHtml(email.html).querySelectorAll('img')).toHaveLength(0);
    expect(email.text.startsWith('SERVEITPRO')).toBe(true);
  });
});
