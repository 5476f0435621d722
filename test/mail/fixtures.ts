import type { Locale } from '../../contract/index.js';
import type { Brand, RenderContext, TemplateName } from '../../server/rendering/render.js';

export const BRAND: Brand = {
  name: 'SERVEITPRO',
  color: '#0b5cad',
  postalAddress: '1200, rue Peel, bureau 400\nMontréal (Québec)  H3B 2T6',
  websiteUrl: 'https://serveitpro.example',
  logoUrl: 'https://serveitpro.example/logo.png',
};

export const XSS = '<img src=x onerror=alert(1)>';

const ADVISORY_BODY = `## What happened

A remote code execution flaw (CVE-2026-12345) affects **FortiGate** firewalls running firmware 7.2.0 to 7.2.7.

## What to do

1. Update the firmware to 7.2.8 or later.
2. Rotate the administrator passwords.
3. Check the logs for \`ssl-vpn\` sign-ins from unknown addresses.

See the [vendor bulletin](https://vendor.example/psirt/2026-12345) for details, or write to [our team](mailto:security@serveitpro.example).

\`\`\`
diagnose sys version
\`\`\`
`;

export const SAMPLE_DATA: Record<TemplateName, Record<string, unknown>> = {
  'ticket-update': {
    ticketId: 48213,
    subject: 'Outlook keeps asking for the password on the reception PC',
    status: 'Waiting on you',
    message: 'Hi Marie,\nWe reset the credential cache and re-registered the profile.\nCould you confirm it no longer asks?',
    url: 'https://psa.serveitpro.example/tickets/48213',
  },
  'invoice-receipt': {
    invoiceNumber: 'INV-2026-00417',
    amount: '12345.67',
    currency: 'CAD',
    issuedAt: '2026-11-01',
    dueAt: '2026-12-01',
    url: 'https://billing.serveitpro.example/invoices/INV-2026-00417',
  },
  announcement: {
    title: 'Planned maintenance on Saturday night',
    body: 'We will upgrade the **backup platform** on Saturday from 22:00 to 02:00.\n\n- Backups pause during the window\n- Restores stay available\n\nQuestions? Reply to your [account manager](https://serveitpro.example/contact).',
  },
  'security-advisory': {
    title: 'FortiGate SSL-VPN remote code execution',
    severity: 'critical',
    summary: 'Attackers are exploiting a flaw in FortiGate SSL-VPN. Update the firmware today.',
    body: ADVISORY_BODY,
  },
  'service-alert': {
    title: { en: 'Email delivery delayed', fr: 'Livraison des courriels retardée' },
    affected: { en: 'Hosted Exchange (Montréal)', fr: 'Exchange hébergé (Montréal)' },
    status: 'identified',
    startedAt: '2026-11-30T14:05:00Z',
    expectedResolutionAt: '2026-11-30T16:00:00Z',
    workaround: { en: 'Use Outlook on the web meanwhile.', fr: 'Utilisez Outlook sur le Web en attendant.' },
    revision: 1,
  },
  'sign-in-code': { code: '482913', expiresInMinutes: 10 },
  'preferences-link': { url: 'https://mail.serveitpro.example/preferences?token=abc.def.ghi' },
  'data-export': { requestedAt: '2026-11-26T14:30:00Z' },
  'email-changed': { changedAt: '2026-11-30T15:05:00Z' },
  'ticket-digest': {
    date: '2026-11-30T13:00:00Z',
    tickets: [
      { ticketId: 48213, subject: 'Outlook keeps asking for the password', status: 'Waiting on you', message: 'Could you confirm it no longer asks?', url: 'https://psa.serveitpro.example/tickets/48213' },
      { ticketId: 'T-77', subject: 'VPN drops every hour', status: 'Resolved', message: 'We replaced the firewall rule.' },
    ],
  },
  'coverage-lost': { organizationName: 'Clinique Lavoie', categoryLabel: { en: 'Invoices and receipts', fr: 'Factures et reçus' } },
  'confirm-subscription': {
    url: 'https://mail.serveitpro.example/c/abc.def.ghi',
    statement: {
      en: 'Someone asked to receive “News and offers” from SERVEITPRO at this address. Confirm below to subscribe.',
      fr: 'Quelqu’un a demandé à recevoir les courriels «\u00a0Nouvelles et offres\u00a0» de SERVEITPRO à cette adresse. Confirmez ci-dessous pour vous abonner.',
    },
    expiresAt: '2026-12-07T15:05:00Z',
  },
  'reconfirm-consent': {
    url: 'https://mail.serveitpro.example/c/abc.def.ghi',
    statement: {
      en: 'Under Canada’s anti-spam law, your implied consent to receive “Security advisories” from SERVEITPRO ends on December 30, 2026.',
      fr: 'En vertu de la Loi canadienne anti-pourriel, votre consentement tacite à recevoir les courriels «\u00a0Avis de sécurité\u00a0» de SERVEITPRO prend fin le 30 décembre 2026.',
    },
    lapsesAt: '2026-12-30T15:05:00Z',
  },
};

export const SYSTEM_TEMPLATES: readonly TemplateName[] = ['sign-in-code', 'preferences-link', 'data-export', 'email-changed', 'confirm-subscription', 'reconfirm-consent', 'coverage-lost'];

const CATEGORY: Partial<Record<TemplateName, Record<Locale, string>>> = {
  'ticket-update': { en: 'Ticket updates', fr: 'Suivi des demandes' },
  'ticket-digest': { en: 'Ticket updates', fr: 'Suivi des demandes' },
  'invoice-receipt': { en: 'Invoices and receipts', fr: 'Factures et reçus' },
  announcement: { en: 'News and offers', fr: 'Nouvelles et offres' },
  'security-advisory': { en: 'Security advisories', fr: 'Avis de sécurité' },
  'service-alert': { en: 'Service alerts', fr: 'Alertes de service' },
};

export function contextFor(template: TemplateName, locale: Locale): RenderContext {
  const categoryLabel = CATEGORY[template]?.[locale];
  const token = 'eyJhbGciOiJIUzI1NiJ9.sample.signature';
  return {
    locale,
    recipientName: 'Marie Tremblay',
    ...(categoryLabel ? { categoryLabel } : {}),
    links: categoryLabel
      ? {
          unsubscribe: `https://mail.serveitpro.example/u/${token}`,
          preferences: `https://mail.serveitpro.example/p/${token}`,
          // An advisory from the webhook: its acknowledgment buttons.
          ...(template === 'security-advisory'
            ? { acknowledgeRead: `https://mail.serveitpro.example/a/${token}`, acknowledgeApplied: `https://mail.serveitpro.example/a/${token}.applied` }
            : {}),
        }
      : {},
  };
}
