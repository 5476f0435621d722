import { Fragment } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Contact, ErasureReceipt, Evidence, Locale, Role, Severity, TemplateName } from '../../contract/index.js';
import type { ConsoleApi } from '../api.js';
import type { ContactsStrings } from './contacts-strings.js';
import { CorrectForm, EraseAction, ExportAction, ErasureReceiptView } from './contacts-privacy.js';

type Message = Evidence['messages'][number];
type HistoryRow = Evidence['history'][number];

export interface ContactViewProps {
  id: string;
  api: ConsoleApi;
  s: ContactsStrings;
  locale: Locale;
  role: Role;
  organizationName: (id: string) => string;
  onChanged: (contact: Contact) => void;
  onErased: (id: string) => void;
}

/** An address that wraps after its "@" and dots rather than anywhere. */
export function breakable(email: string) {
  return email.split(/(?<=[@.])/).map((part, i) => (
    <Fragment key={i}>
      {i > 0 && <wbr />}
      {part}
    </Fragment>
  ));
}

/** Date and time formats of the page's language; a calendar day (YYYY-MM-DD) is shown as that day, whatever the time zone. */
export function formats(locale: Locale) {
  const tag = locale === 'fr' ? 'fr-CA' : 'en-CA';
  const moment = new Intl.DateTimeFormat(tag, { dateStyle: 'medium', timeStyle: 'short' });
  const day = new Intl.DateTimeFormat(tag, { dateStyle: 'long', timeZone: 'UTC' });
  return {
    // A time stays on one line: "16 h 00", "4:00 p.m.".
    when: (iso: string) => (Number.isNaN(Date.parse(iso)) ? iso : moment.format(new Date(iso)).replace(/(\d)\s(h\s\d|[ap]\.m\.)/g, '$1\u00a0$2').replace(/(\d\u00a0h)\s/g, '$1\u00a0')),
    day: (iso: string) => (Number.isNaN(Date.parse(iso)) ? iso : day.format(new Date(iso.slice(0, 10)))),
  };
}

/** One contact: profile, every email and why it went or not, what they receive, the consent history, and the privacy requests. */
export function ContactView({ id, api, s, locale, role, organizationName, onChanged, onErased }: ContactViewProps) {
  const [contact, setContact] = useState<Contact | null>(null);
  const [evidence, setEvidence] = useState<Evidence | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [receipt, setReceipt] = useState<{ who: string; receipt: ErasureReceipt } | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  const load = async () => {
    try {
      const [c, e] = await Promise.all([
        api.request<Contact>('GET', `/api/v1/contacts/${encodeURIComponent(id)}`),
        api.request<Evidence>('GET', `/api/v1/contacts/${encodeURIComponent(id)}/evidence`),
      ]);
      if (c.status === 404) return setFailure(s.notFound);
      if (c.status !== 200 || e.status !== 200) return setFailure(s.loadFailed);
      setContact(c.body);
      setEvidence(e.body);
    } catch {
      setFailure(s.loadFailed);
    }
  };
  useEffect(() => {
    void load();
  }, [id]);
  // Opening a contact takes the reader to it.
  useEffect(() => heading.current?.focus(), [contact === null, receipt === null]);

  if (receipt) return <ErasureReceiptView s={s} who={receipt.who} receipt={receipt.receipt} />;
  if (failure) {
    return (
      <section class="card contact">
        <p role="alert" class="error">
          {failure}
        </p>
      </section>
    );
  }
  if (!contact || !evidence) {
    return (
      <section class="card contact">
        <p role="status">{s.loading}</p>
      </section>
    );
  }

  const who = contact.name || contact.email;
  return (
    <section class="card contact" aria-label={s.contactRegion(who)}>
      <h2 id="contact-heading" tabIndex={-1} ref={heading}>
        {who}
      </h2>
      <p class="muted">
        {breakable(contact.email)} · {organizationName(contact.organizationId) || s.unknownOrganization}
      </p>

      <h3>{s.profileHeading}</h3>
      <dl class="profile">
        <div>
          <dt>{s.name}</dt>
          <dd>{contact.name ?? s.none}</dd>
        </div>
        <div class="wide">
          <dt>{s.email}</dt>
          <dd>{breakable(contact.email)}</dd>
        </div>
        <div>
          <dt>{s.phone}</dt>
          <dd>{contact.phone ?? s.none}</dd>
        </div>
        <div>
          <dt>{s.jobTitle}</dt>
          <dd>{contact.jobTitle ?? s.none}</dd>
        </div>
        <div>
          <dt>{s.language}</dt>
          <dd>{s.languages[contact.locale]}</dd>
        </div>
        <div>
          <dt>{s.organization}</dt>
          <dd>{organizationName(contact.organizationId) || s.unknownOrganization}</dd>
        </div>
        <div>
          <dt>{s.orgLead}</dt>
          <dd>{contact.orgLead ? s.yes : s.no}</dd>
        </div>
      </dl>

      <Messages s={s} locale={locale} evidence={evidence} />
      <Receives s={s} locale={locale} contact={contact} evidence={evidence} />
      <History s={s} locale={locale} evidence={evidence} />

      <h3>{s.privacyHeading}</h3>
      <CorrectForm
        api={api}
        s={s}
        contact={contact}
        canChangeEmail={role === 'admin'}
        onSaved={(saved) => {
          setContact(saved);
          onChanged(saved);
        }}
      />
      <ExportAction api={api} s={s} contact={contact} />
      {role === 'admin' && (
        <EraseAction
          api={api}
          s={s}
          contact={contact}
          onErased={(done) => {
            setReceipt({ who, receipt: done });
            onErased(contact.id);
          }}
        />
      )}
    </section>
  );
}

function Messages({ s, locale, evidence }: { s: ContactsStrings; locale: Locale; evidence: Evidence }) {
  const f = formats(locale);
  const messages = [...evidence.messages].sort((a, b) => (b.sentAt ?? b.queuedAt).localeCompare(a.sentAt ?? a.queuedAt));
  const notSent = messages.filter((m) => m.status === 'suppressed' || m.status === 'failed').length;
  const basisOf = (basis: string | null) => (basis && basis in s.bases ? s.bases[basis as keyof ContactsStrings['bases']] : basis);
  return (
    <>
      <h3>{s.messagesHeading}</h3>
      <p class="muted">{s.messagesIntro(evidence.retention.messageLogDays)}</p>
      {messages.length === 0 ? (
        <p>{s.noMessages}</p>
      ) : (
        <>
          {notSent > 0 && <p class="notice">{s.notSentCount(notSent)}</p>}
          <table class="stack messages" role="table">
            <thead role="rowgroup">
              <tr role="row">
                <th scope="col" role="columnheader">
                  {s.colDate}
                </th>
                <th scope="col" role="columnheader">
                  {s.colMessage}
                </th>
                <th scope="col" role="columnheader">
                  {s.colStatus}
                </th>
                <th scope="col" role="columnheader">
                  {s.colDetails}
                </th>
              </tr>
            </thead>
            <tbody role="rowgroup">
              {messages.map((m) => {
                const reason = m.status === 'suppressed' ? reasonInWords(m, evidence, s, locale) : null;
                return (
                  <tr key={m.id} role="row" data-status={m.status}>
                    <td role="cell" class="when" data-label={s.colDate}>
                      {f.when(m.sentAt ?? m.queuedAt)}
                    </td>
                    <td role="cell" data-label={s.colMessage}>
                      {s.templates[m.template as TemplateName] ?? m.template}
                    </td>
                    <td role="cell" data-label={s.colStatus}>
                      <span class={`badge ${m.status}`}>{s.status[m.status]}</span>
                    </td>
                    <td role="cell" data-label={s.colDetails}>
                      {reason && <span lang={reason.lang}>{reason.text}</span>}
                      {m.status === 'sent' && m.basis && <span>{s.sentOnBasis(basisOf(m.basis) ?? '')}</span>}
                      {m.unsubscribed && <span class="block">{s.unsubscribedAfter(f.when(m.unsubscribed.at), s.sources[m.unsubscribed.source])}</span>}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}
    </>
  );
}

/**
 * Why a message was not sent, in the page's language. The server words its reasons in English;
 * the known ones are said here with what the evidence adds (when and how a category was turned
 * off); anything else is shown as the server wrote it, marked as English.
 */
export function reasonInWords(m: Message, evidence: Evidence, s: ContactsStrings, locale: Locale): { text: string; lang?: string } | null {
  const raw = m.suppressedBecause;
  if (!raw) return null;
  const f = formats(locale);
  const label = (key: string | null) => evidence.categories.find((c) => c.key === key)?.label[locale] ?? key ?? '';
  let match: RegExpExecArray | null;
  if (raw === 'The contact is not subscribed to this category.') {
    const off = turnedOffBefore(evidence.history, m);
    return { text: s.reasonOff(label(m.category), off ? f.when(off.at) : null, off ? s.sources[off.source] : null) };
  }
  if ((match = /^Implied consent lapsed on (\d{4}-\d{2}-\d{2})/.exec(raw))) return { text: s.reasonLapsed(f.day(match[1]!)) };
  if (raw === 'The address is on the suppression list.') return { text: s.reasonSuppressionList };
  if ((match = /^The contact receives only advisories of severity (\w+) and above\.$/.exec(raw))) {
    const severity = match[1]! as Severity;
    return { text: s.reasonThreshold(s.severities[severity] ?? severity) };
  }
  if (raw === 'The contact muted updates about this ticket.') return { text: s.reasonMuted };
  if ((match = /^Collected for the contact's daily digest \(due (.+)\)\.$/.exec(raw))) return { text: s.reasonDigest(f.when(match[1]!)) };
  if (raw === 'The contact was erased.') return { text: s.reasonErased };
  if (raw.startsWith('The sign-in code was used')) return { text: s.reasonSignInCode };
  if (raw.startsWith('The request was confirmed or expired')) return { text: s.reasonRequest };
  return { text: raw, lang: 'en' };
}

/** The change that left the message's category off: the last turn-off before it was queued, else the first one after (it was withheld at send time). */
function turnedOffBefore(history: HistoryRow[], m: Message): HistoryRow | null {
  const rows = history.filter((h) => h.category === m.category);
  const before = rows.filter((h) => h.at <= m.queuedAt);
  const stateBefore = before.at(-1);
  if (stateBefore && !stateBefore.subscribed) return [...before].reverse().find((h) => !h.subscribed && h.previous === true) ?? null;
  return rows.find((h) => h.at > m.queuedAt && !h.subscribed) ?? null;
}

function Receives({ s, locale, contact, evidence }: { s: ContactsStrings; locale: Locale; contact: Contact; evidence: Evidence }) {
  const f = formats(locale);
  return (
    <>
      <h3>{s.preferencesHeading}</h3>
      <table class="stack receives" role="table">
        <thead role="rowgroup">
          <tr role="row">
            <th scope="col" role="columnheader">
              {s.colCategory}
            </th>
            <th scope="col" role="columnheader">
              {s.colReceives}
            </th>
            <th scope="col" role="columnheader">
              {s.colBasis}
            </th>
            <th scope="col" role="columnheader">
              {s.colUntil}
            </th>
          </tr>
        </thead>
        <tbody role="rowgroup">
          {evidence.categories.map((c) => (
            <tr key={c.key} role="row" data-category={c.key}>
              <td role="cell" data-label={s.colCategory}>
                {c.label[locale]}
              </td>
              <td role="cell" data-label={s.colReceives}>
                <span class={`badge ${c.subscribed ? 'on' : 'off'}`}>{c.subscribed ? s.yes : s.no}</span>
                {contact.lockedCategories.includes(c.key) && <span class="block muted">{s.lockedBy}</span>}
              </td>
              <td role="cell" data-label={s.colBasis}>
                {s.bases[c.basis]}
                {c.basisSince && <span class="block muted">{s.sinceDate(f.day(c.basisSince))}</span>}
              </td>
              <td role="cell" data-label={s.colUntil}>
                {c.lapsedAt ? s.lapsedOn(f.day(c.lapsedAt)) : !c.subscribed ? s.none : c.expiresAt ? s.lapsesOn(f.day(c.expiresAt)) : s.noLapse}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <dl class="profile">
        <div>
          <dt>{s.advisoryThreshold}</dt>
          <dd>{s.thresholds[contact.advisoryThreshold]}</dd>
        </div>
        <div>
          <dt>{s.ticketDelivery}</dt>
          <dd>{s.deliveries[contact.ticketDelivery]}</dd>
        </div>
      </dl>
    </>
  );
}

function History({ s, locale, evidence }: { s: ContactsStrings; locale: Locale; evidence: Evidence }) {
  const f = formats(locale);
  const label = (key: string) => evidence.categories.find((c) => c.key === key)?.label[locale] ?? key;
  return (
    <>
      <h3>{s.historyHeading}</h3>
      <p class="muted">{s.historyIntro}</p>
      {evidence.history.length === 0 ? (
        <p>{s.noHistory}</p>
      ) : (
        <table class="stack history" role="table">
          <thead role="rowgroup">
            <tr role="row">
              <th scope="col" role="columnheader">
                {s.colWhen}
              </th>
              <th scope="col" role="columnheader">
                {s.colCategory}
              </th>
              <th scope="col" role="columnheader">
                {s.colChange}
              </th>
              <th scope="col" role="columnheader">
                {s.colSource}
              </th>
              <th scope="col" role="columnheader">
                {s.colWording}
              </th>
            </tr>
          </thead>
          <tbody role="rowgroup">
            {evidence.history.map((h, i) => {
              const wording = h.wordingVersion ? evidence.wordings[h.wordingVersion] : undefined;
              const shownIn: Locale = h.wordingLocale ?? locale;
              return (
                <tr key={i} role="row">
                  <td role="cell" class="when" data-label={s.colWhen}>
                    {f.when(h.at)}
                  </td>
                  <td role="cell" data-label={s.colCategory}>
                    {label(h.category)}
                  </td>
                  <td role="cell" data-label={s.colChange}>
                    {h.subscribed ? s.turnedOn : s.turnedOff}
                    {h.basis && <span class="block muted">{s.bases[h.basis]}</span>}
                  </td>
                  <td role="cell" data-label={s.colSource}>
                    {s.sources[h.source]}
                  </td>
                  <td role="cell" data-label={s.colWording}>
                    {h.wordingVersion && wording ? (
                      <details class="wording">
                        <summary>{s.wordingSummary(h.wordingVersion, s.languages[shownIn])}</summary>
                        <blockquote lang={shownIn === 'fr' ? 'fr-CA' : 'en-CA'}>{wording.texts[shownIn]}</blockquote>
                        <p class="muted">{s.wordingNote}</p>
                      </details>
                    ) : (
                      (h.wordingVersion ?? s.none)
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
}
