import { useEffect, useRef, useState } from 'preact/hooks';
import type { Contact, Organization, Problem } from '../../contract/index.js';
import type { PageProps } from '../page.js';
import { CONTACTS_STRINGS, type ContactsStrings } from './contacts-strings.js';
import { breakable, ContactView } from './contacts-contact.js';

interface Results {
  items: Contact[];
  nextCursor: string | null;
}

/** Where the open contact is kept, so a reload opens it again (an opaque id, nothing personal). */
const contactInAddress = () => new URLSearchParams(location.search).get('contact');

/**
 * Contacts: one box finds a person by email (with an "@") or by the words of their name, an
 * optional organization narrows it; opening one shows what they receive and why, with the
 * privacy requests the signed-in role may answer.
 */
export function Contacts({ api, locale, session }: PageProps) {
  const s = CONTACTS_STRINGS[locale];
  const heading = useRef<HTMLHeadingElement>(null);
  const [organizations, setOrganizations] = useState<Organization[]>([]);
  const [query, setQuery] = useState('');
  const [organizationId, setOrganizationId] = useState('');
  const [results, setResults] = useState<Results | null>(null);
  const [searchError, setSearchError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [openId, setOpenId] = useState<string | null>(contactInAddress);

  useEffect(() => {
    if (!openId) heading.current?.focus();
    void api.request<{ items: Organization[] }>('GET', '/api/v1/organizations').then(
      (res) => res.status === 200 && setOrganizations(res.body.items),
      () => undefined,
    );
  }, []);

  const searchPath = (cursor: string | null) => {
    const params = new URLSearchParams();
    const text = query.trim();
    if (text.includes('@')) params.set('email', text);
    else if (text) params.set('name', text);
    if (organizationId) params.set('organizationId', organizationId);
    if (cursor) params.set('cursor', cursor);
    return `/api/v1/contacts?${params.toString()}`;
  };

  const search = async (cursor: string | null) => {
    setSearchError(null);
    if (!query.trim() && !organizationId) return setSearchError(s.searchNeedsInput);
    setBusy(true);
    try {
      const res = await api.request<Results & Problem>('GET', searchPath(cursor));
      if (res.status === 200) setResults(cursor && results ? { items: [...results.items, ...res.body.items], nextCursor: res.body.nextCursor } : res.body);
      else setSearchError(searchProblem(res.status, res.body, s));
    } catch {
      setSearchError(s.loadFailed);
    } finally {
      setBusy(false);
    }
  };

  const open = (id: string) => {
    setOpenId(id);
    history.replaceState(null, '', `/console/contacts?contact=${encodeURIComponent(id)}`);
  };
  const organizationName = (id: string) => organizations.find((o) => o.id === id)?.name ?? '';
  const replace = (contact: Contact) => setResults((r) => r && { ...r, items: r.items.map((c) => (c.id === contact.id ? contact : c)) });
  const forget = (id: string) => setResults((r) => r && { ...r, items: r.items.filter((c) => c.id !== id) });

  return (
    <div class="contacts-page">
      <section class="card" aria-labelledby="contacts-heading">
        <h1 id="contacts-heading" tabIndex={-1} ref={heading}>
          {s.heading}
        </h1>
        <p class="muted">{s.intro}</p>
        <form
          role="search"
          class="contact-search"
          onSubmit={(event) => {
            event.preventDefault();
            void search(null);
          }}
        >
          <div class="field grow">
            <label for="contact-query">{s.searchLabel}</label>
            <input
              id="contact-query"
              type="search"
              value={query}
              maxLength={320}
              autocomplete="off"
              spellcheck={false}
              aria-describedby="contact-query-hint"
              aria-invalid={searchError && searchError !== s.loadFailed ? true : undefined}
              onInput={(e) => setQuery((e.target as HTMLInputElement).value)}
            />
          </div>
          <div class="field">
            <label for="contact-organization">{s.organizationLabel}</label>
            <select id="contact-organization" value={organizationId} onChange={(e) => setOrganizationId((e.target as HTMLSelectElement).value)}>
              <option value="">{s.allOrganizations}</option>
              {organizations.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" class="primary" disabled={busy}>
            {s.searchButton}
          </button>
        </form>
        <p id="contact-query-hint" class="muted">
          {s.searchHint}
        </p>
        {searchError && (
          <p role="alert" class="error">
            {searchError}
          </p>
        )}
        <div aria-live="polite">
          {busy && <p class="muted">{s.loading}</p>}
          {results && (
            <>
              <h2>{s.resultsHeading}</h2>
              <p>{s.found(results.items.length, results.nextCursor !== null)}</p>
            </>
          )}
        </div>
        {results && results.items.length > 0 && (
          <table class="stack results" role="table">
            <thead role="rowgroup">
              <tr role="row">
                <th scope="col" role="columnheader">
                  {s.colName}
                </th>
                <th scope="col" role="columnheader">
                  {s.colEmail}
                </th>
                <th scope="col" role="columnheader">
                  {s.colOrganization}
                </th>
              </tr>
            </thead>
            <tbody role="rowgroup">
              {results.items.map((c) => (
                <tr key={c.id} role="row">
                  <td role="cell" class="name">
                    <a
                      href={`/console/contacts?contact=${encodeURIComponent(c.id)}`}
                      aria-current={c.id === openId ? 'true' : undefined}
                      onClick={(event) => {
                        event.preventDefault();
                        open(c.id);
                      }}
                    >
                      {c.name || s.noName}
                    </a>
                  </td>
                  <td role="cell" data-label={s.colEmail}>
                    {breakable(c.email)}
                  </td>
                  <td role="cell" data-label={s.colOrganization}>
                    {organizationName(c.organizationId) || s.unknownOrganization}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {results?.nextCursor && (
          <button type="button" disabled={busy} onClick={() => void search(results.nextCursor)}>
            {s.moreResults}
          </button>
        )}
      </section>
      {openId && (
        <ContactView
          key={openId}
          id={openId}
          api={api}
          s={s}
          locale={locale}
          role={session.staff.role}
          organizationName={organizationName}
          onChanged={replace}
          onErased={forget}
        />
      )}
    </div>
  );
}

function searchProblem(status: number, problem: Problem | null, s: ContactsStrings): string {
  if (status !== 400) return s.loadFailed;
  const pointers = problem?.errors?.map((e) => e.pointer) ?? [];
  if (pointers.some((p) => p.endsWith('/name'))) return s.searchNoWord;
  if (pointers.some((p) => p.endsWith('/email')) || /email|address/i.test(problem?.detail ?? '')) return s.searchBadEmail;
  return problem?.detail ?? s.loadFailed;
}
