import crypto from 'node:crypto';
import type { ComponentChildren } from 'preact';
import { render } from 'preact-render-to-string';
import type { CategoryInfo, ConsentBasis, ConsentSource, Evidence, Locale, OrganizationEvidence } from '../../contract/index.js';
import type { ConsentWordings } from '../consent/consent-wordings.js';
import { formatDate } from '../rendering/format.js';

// The evidence pack as a page a compliance officer prints or attaches: one request, no script,
// its style inline (and allowed by hash, nothing else).

const STYLE = `
body { font: 13px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #111827; margin: 24px; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 24px 0 8px; } h3 { font-size: 14px; margin: 20px 0 6px; }
table { border-collapse: collapse; width: 100%; margin-bottom: 8px; }
th, td { border: 1px solid #9ca3af; padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #f3f4f6; }
.muted { color: #4b5563; } .wording { font-style: italic; } dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; }
dt { font-weight: 600; } dd { margin: 0; } section.contact { break-before: page; }
@media print { body { margin: 0; } h2 { break-after: avoid; } tr { break-inside: avoid; } }
`;

export const EVIDENCE_PAGE_CSP = `default-src 'none'; style-src 'sha256-${crypto.createHash('sha256').update(STYLE).digest('base64')}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

const BASIS: Record<Locale, Record<ConsentBasis, string>> = {
  en: {
    express: 'Express consent (CASL s. 10(1); GDPR art. 6(1)(a), 7)',
    'implied-relationship': 'Implied consent: existing business relationship, a purchase or contract within 2 years (CASL s. 10(9)(a), 10(10)(a)–(c))',
    'implied-inquiry': 'Implied consent: an inquiry within 6 months (CASL s. 10(9)(a), 10(10)(d))',
    exempt: 'Exempt: a transactional message (CASL s. 6(6))',
    b2b: 'Exempt: business to business (Electronic Commerce Protection Regulations, s. 3(a)(ii))',
  },
  fr: {
    express: 'Consentement exprès (LCAP art. 10(1); RGPD art. 6(1)a), 7)',
    'implied-relationship': 'Consentement tacite : relation d’affaires en cours, un achat ou un contrat depuis moins de 2 ans (LCAP art. 10(9)a), 10(10)a)–c))',
    'implied-inquiry': 'Consentement tacite : une demande de renseignements depuis moins de 6 mois (LCAP art. 10(9)a), 10(10)d))',
    exempt: 'Exempté : message transactionnel (LCAP art. 6(6))',
    b2b: 'Exempté : entre entreprises (Règlement sur la protection du commerce électronique, art. 3a)(ii))',
  },
};

const SOURCE: Record<Locale, Record<ConsentSource, string>> = {
  en: {
    default: 'Default when the contact was added',
    'one-click': 'One-click unsubscribe from the mail client (RFC 8058)',
    'unsubscribe-page': 'Unsubscribe page, from an email’s link',
    'preference-page': 'Preference page, from an email’s link',
    extension: 'Browser extension, signed in by a code emailed to the address',
    admin: 'MSP staff, through the admin API',
    import: 'Import (CSV)',
    expiry: 'Lapsed: implied consent ran out',
    reconfirmation: 'Button of a reconfirmation email',
    'double-opt-in': 'Button of a double opt-in email',
    'organization-policy': 'The contact’s organization (a default or a lock for its staff)',
    complaint: 'The person reported one of our emails as spam; every category they may leave was turned off',
  },
  fr: {
    default: 'Valeur par défaut à l’ajout de la personne',
    'one-click': 'Désabonnement en un clic depuis le logiciel de courriel (RFC 8058)',
    'unsubscribe-page': 'Page de désabonnement, depuis le lien d’un courriel',
    'preference-page': 'Page des préférences, depuis le lien d’un courriel',
    extension: 'Extension du navigateur, connexion par un code envoyé à l’adresse',
    admin: 'Personnel du fournisseur, par l’API d’administration',
    import: 'Importation (CSV)',
    expiry: 'Échu : le consentement tacite a pris fin',
    reconfirmation: 'Bouton d’un courriel de reconfirmation',
    'double-opt-in': 'Bouton d’un courriel de double confirmation',
    'organization-policy': 'L’organisation de la personne (un choix par défaut ou un verrou pour son personnel)',
    complaint: 'La personne a signalé un de nos courriels comme pourriel ; toutes les catégories qu’elle peut quitter ont été désactivées',
  },
};

const en = {
  title: 'Proof of consent',
  colon: ': ',
  generated: 'Generated',
  contact: 'Contact',
  email: 'Email',
  name: 'Name',
  organization: 'Organization',
  lastPurchase: 'Last purchase or contract',
  erased: 'Erased at the person’s request on',
  now: 'Consent now',
  category: 'Category',
  state: 'State',
  on: 'subscribed',
  off: 'not subscribed',
  basis: 'Basis',
  since: 'Since',
  lapses: 'Lapses on',
  never: 'never',
  renewed: 'Last renewed',
  purchase: 'by a purchase (invoice sent)',
  inquiry: 'by an inquiry (ticket update)',
  lapsed: 'lapsed on',
  changes: 'Every change, oldest first',
  when: 'When',
  change: 'Change',
  source: 'Source',
  wording: 'What the person saw',
  origin: 'From',
  requests: 'Confirmations asked by email',
  kind: 'Kind',
  asked: 'Asked',
  requestedVia: 'From',
  confirmed: 'Confirmed',
  notConfirmed: 'not confirmed',
  doubleOptIn: 'double opt-in',
  reconfirmation: 'reconfirmation',
  messages: 'Messages in the retention window',
  sent: 'Sent',
  queued: 'Queued',
  template: 'Email',
  reliedOn: 'Basis relied on',
  carried: 'Sender identified, postal address, unsubscribe',
  unsubscribe: { 'one-click-and-footer': 'one-click (List-Unsubscribe) and footer link', 'preferences-link': 'footer link to preferences', none: 'none (notice to another address)' },
  optOut: 'Opt-out took effect',
  validFor: (days: number) => `, valid ${days} days after sending`,
  notSent: 'Not sent',
  none: 'None.',
  retention: (messages: number, history: number) => `Messages are kept ${messages} days, consent history ${history} days.`,
  erasedBody: 'Personal data was erased; what stays is what the law requires as proof.',
  via: { 'subscribe-form': 'the subscribe form', extension: 'the browser extension', admin: 'MSP staff (admin API)', expiry: 'the lapse coming' } as Record<string, string>,
  status: { queued: 'queued', sending: 'sending', sent: 'sent', failed: 'failed', suppressed: 'suppressed' } as Record<string, string>,
};
type Strings = typeof en;
const fr: Strings = {
  title: 'Preuve de consentement',
  colon: '\u00a0: ',
  generated: 'Produit le',
  contact: 'Personne',
  email: 'Courriel',
  name: 'Nom',
  organization: 'Organisation',
  lastPurchase: 'Dernier achat ou contrat',
  erased: 'Effacée à sa demande le',
  now: 'Consentement actuel',
  category: 'Catégorie',
  state: 'État',
  on: 'abonnée',
  off: 'non abonnée',
  basis: 'Fondement',
  since: 'Depuis',
  lapses: 'Prend fin le',
  never: 'jamais',
  renewed: 'Dernier renouvellement',
  purchase: 'par un achat (facture envoyée)',
  inquiry: 'par une demande (suivi de demande)',
  lapsed: 'échu le',
  changes: 'Chaque changement, du plus ancien au plus récent',
  when: 'Quand',
  change: 'Changement',
  source: 'Source',
  wording: 'Ce que la personne a vu',
  origin: 'Provenance',
  requests: 'Confirmations demandées par courriel',
  kind: 'Type',
  asked: 'Demandée',
  requestedVia: 'Depuis',
  confirmed: 'Confirmée',
  notConfirmed: 'non confirmée',
  doubleOptIn: 'double confirmation',
  reconfirmation: 'reconfirmation',
  messages: 'Courriels de la période de conservation',
  sent: 'Envoyé',
  queued: 'En file',
  template: 'Courriel',
  reliedOn: 'Fondement invoqué',
  carried: 'Expéditeur, adresse postale, désabonnement',
  unsubscribe: { 'one-click-and-footer': 'en un clic (List-Unsubscribe) et lien au bas', 'preferences-link': 'lien au bas vers les préférences', none: 'aucun (avis à une autre adresse)' },
  optOut: 'Désabonnement en vigueur',
  validFor: (days) => `, valide ${days} jours après l’envoi`,
  notSent: 'Non envoyé',
  none: 'Aucun.',
  retention: (messages, history) => `Les courriels sont conservés ${messages} jours, l’historique du consentement ${history} jours.`,
  erasedBody: 'Les renseignements personnels ont été effacés; il reste ce que la loi exige comme preuve.',
  via: { 'subscribe-form': 'le formulaire d’abonnement', extension: 'l’extension du navigateur', admin: 'le personnel du fournisseur (API)', expiry: 'l’échéance prochaine' },
  status: { queued: 'en file', sending: 'en cours d’envoi', sent: 'envoyé', failed: 'échec', suppressed: 'retenu' },
};
const STRINGS: Record<Locale, Strings> = { en, fr };

export interface EvidencePageDeps {
  brandName: string;
  wordings: ConsentWordings;
  category: (key: string) => CategoryInfo | undefined;
}

const when = (iso: string | null, locale: Locale) => (iso ? `${formatDate(iso, locale)} (${iso.replace('T', ' ').slice(0, 19)} UTC)` : '—');

function ContactSection({ pack, locale, deps, heading }: { pack: Evidence; locale: Locale; deps: EvidencePageDeps; heading: 'h1' | 'h2' }) {
  const Section = heading === 'h1' ? 'h2' : 'h3';
  const t = STRINGS[locale];
  const label = (key: string | null) => (key ? (deps.category(key)?.label[locale] ?? key) : '—');
  const Heading = heading;
  const shownText = (row: Evidence['history'][number]) => {
    if (!row.wordingVersion || !row.wordingLocale || !deps.wordings.get(row.wordingVersion)) return null;
    const request = pack.requests.find((r) => r.confirmedAt === row.at);
    const text = deps.wordings.text(row.wordingVersion, row.wordingLocale, {
      brand: deps.brandName,
      categories: [label(row.category)],
      ...(request?.lapsesAt ? { date: formatDate(request.lapsesAt, row.wordingLocale) } : {}),
    });
    return `${row.wordingVersion} (${row.wordingLocale}): “${text}”`;
  };
  return (
    <section class={heading === 'h2' ? 'contact' : undefined}>
      <Heading>
        {t.contact}
        {t.colon}
        {pack.contact.name ?? pack.contact.email ?? pack.contact.id}
      </Heading>
      <dl>
        <dt>ID</dt>
        <dd>{pack.contact.id}</dd>
        {pack.contact.email && (
          <>
            <dt>{t.email}</dt>
            <dd>{pack.contact.email}</dd>
          </>
        )}
        {pack.organization && (
          <>
            <dt>{t.organization}</dt>
            <dd>{pack.organization.name}</dd>
            <dt>{t.lastPurchase}</dt>
            <dd>{when(pack.organization.lastPurchaseAt, locale)}</dd>
          </>
        )}
        {pack.contact.erasedAt && (
          <>
            <dt>{t.erased}</dt>
            <dd>
              {when(pack.contact.erasedAt, locale)}. {t.erasedBody}
            </dd>
          </>
        )}
      </dl>

      <Section>{t.now}</Section>
      {pack.categories.length ? (
        <table>
          <thead>
            <tr>
              <th>{t.category}</th>
              <th>{t.state}</th>
              <th>{t.basis}</th>
              <th>{t.since}</th>
              <th>{t.lapses}</th>
              <th>{t.renewed}</th>
            </tr>
          </thead>
          <tbody>
            {pack.categories.map((c) => (
              <tr key={c.key}>
                <td>{c.label[locale]}</td>
                <td>{c.subscribed ? t.on : c.lapsedAt ? `${t.off}, ${t.lapsed} ${when(c.lapsedAt, locale)}` : t.off}</td>
                <td>{BASIS[locale][c.basis]}</td>
                <td>{when(c.basisSince, locale)}</td>
                <td>{c.subscribed ? (c.expiresAt ? when(c.expiresAt, locale) : t.never) : '—'}</td>
                <td>{c.renewedAt ? `${when(c.renewedAt, locale)}, ${c.renewedBy === 'purchase' ? t.purchase : t.inquiry}` : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="muted">{t.none}</p>
      )}

      <Section>{t.changes}</Section>
      <table>
        <thead>
          <tr>
            <th>{t.when}</th>
            <th>{t.category}</th>
            <th>{t.change}</th>
            <th>{t.source}</th>
            <th>{t.basis}</th>
            <th>{t.wording}</th>
            <th>{t.origin}</th>
          </tr>
        </thead>
        <tbody>
          {pack.history.map((row, i) => (
            <tr key={i}>
              <td>{when(row.at, locale)}</td>
              <td>{label(row.category)}</td>
              <td>{`${row.previous === null ? '—' : row.previous ? t.on : t.off} → ${row.subscribed ? t.on : t.off}`}</td>
              <td>{SOURCE[locale][row.source]}</td>
              <td>{row.basis ? BASIS[locale][row.basis] : '—'}</td>
              <td class="wording">{shownText(row) ?? '—'}</td>
              <td class="muted">{[row.ip, row.userAgent].filter(Boolean).join(' · ') || '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <Section>{t.requests}</Section>
      {pack.requests.length ? (
        <table>
          <thead>
            <tr>
              <th>{t.kind}</th>
              <th>{t.category}</th>
              <th>{t.asked}</th>
              <th>{t.requestedVia}</th>
              <th>{t.wording}</th>
              <th>{t.confirmed}</th>
            </tr>
          </thead>
          <tbody>
            {pack.requests.map((r) => (
              <tr key={r.id}>
                <td>{r.kind === 'double-opt-in' ? t.doubleOptIn : t.reconfirmation}</td>
                <td>{r.categories.map(label).join(', ')}</td>
                <td>{when(r.requestedAt, locale)}</td>
                <td>{t.via[r.requestedVia] ?? r.requestedVia}</td>
                <td>{r.wordingVersion}</td>
                <td>{r.confirmedAt ? when(r.confirmedAt, locale) : t.notConfirmed}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="muted">{t.none}</p>
      )}

      <Section>{t.messages}</Section>
      {pack.messages.length ? (
        <table>
          <thead>
            <tr>
              <th>{t.sent}</th>
              <th>{t.category}</th>
              <th>{t.template}</th>
              <th>{t.reliedOn}</th>
              <th>{t.carried}</th>
              <th>{t.optOut}</th>
            </tr>
          </thead>
          <tbody>
            {pack.messages.map((m) => (
              <tr key={m.id}>
                <td>{m.sentAt ? when(m.sentAt, locale) : `${t.notSent} (${t.status[m.status] ?? m.status}${m.suppressedBecause ? `: ${m.suppressedBecause}` : ''}); ${t.queued} ${when(m.queuedAt, locale)}`}</td>
                <td>{label(m.category)}</td>
                <td>{m.template}</td>
                <td>{m.basis ? BASIS[locale][m.basis] : '—'}</td>
                <td>
                  {m.carried
                    ? `${m.carried.from}; ${m.carried.postalAddress}; ${t.unsubscribe[m.carried.unsubscribe]}${m.carried.linksValidDays ? t.validFor(m.carried.linksValidDays) : ''}`
                    : '—'}
                </td>
                <td>{m.unsubscribed ? `${when(m.unsubscribed.at, locale)} (${SOURCE[locale][m.unsubscribed.source]})` : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="muted">{t.none}</p>
      )}
    </section>
  );
}

function Page({ locale, title, generatedAt, retention, children }: { locale: Locale; title: string; generatedAt: string; retention: Evidence['retention'] | undefined; children: ComponentChildren }) {
  const t = STRINGS[locale];
  return (
    <html lang={locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="robots" content="noindex, nofollow" />
        <title>{title}</title>
        <style dangerouslySetInnerHTML={{ __html: STYLE }} />
      </head>
      <body>
        <header>
          <p class="muted">
            {t.title} · {t.generated} {when(generatedAt, locale)}
          </p>
        </header>
        <main>{children}</main>
        {retention && (
          <footer>
            <p class="muted">{t.retention(retention.messageLogDays, retention.consentHistoryDays)}</p>
          </footer>
        )}
      </body>
    </html>
  );
}

/** One contact's pack as a printable page. */
export function renderContactEvidence(pack: Evidence, locale: Locale, deps: EvidencePageDeps): string {
  const title = `${STRINGS[locale].title} · ${pack.contact.name ?? pack.contact.email ?? pack.contact.id}`;
  return `<!doctype html>${render(
    <Page locale={locale} title={title} generatedAt={pack.generatedAt} retention={pack.retention}>
      <ContactSection pack={pack} locale={locale} deps={deps} heading="h1" />
    </Page>,
  )}`;
}

/** An organization's packs as one printable page, each contact on its own page when printed. */
export function renderOrganizationEvidence(pack: OrganizationEvidence, locale: Locale, deps: EvidencePageDeps): string {
  const t = STRINGS[locale];
  const title = `${t.title} · ${pack.organization.name}`;
  return `<!doctype html>${render(
    <Page locale={locale} title={title} generatedAt={pack.generatedAt} retention={pack.contacts[0]?.retention}>
      <h1>
        {t.organization}
        {t.colon}
        {pack.organization.name}
      </h1>
      <dl>
        <dt>ID</dt>
        <dd>{pack.organization.id}</dd>
        <dt>{t.lastPurchase}</dt>
        <dd>{when(pack.organization.lastPurchaseAt, locale)}</dd>
      </dl>
      {pack.contacts.map((contact) => (
        <ContactSection key={contact.contact.id} pack={contact} locale={locale} deps={deps} heading="h2" />
      ))}
    </Page>,
  )}`;
}
