import type { RefObject } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Locale, Problem, SuppressionRecent, SuppressionStatus } from '../../contract/index.js';
import type { ConsoleApi } from '../api.js';
import type { PageProps } from '../page.js';
import { breakable, formats } from './contacts-contact.js';
import { SUPPRESSIONS_STRINGS, type SuppressionsStrings } from './suppressions-strings.js';
import { RemoveSuppression } from './suppressions-remove.js';

/**
 * The suppression list: look an exact address up (it travels in a POST body, never in the page's
 * address), see why and since when it is suppressed, remove it with a reason; the latest
 * additions below, without addresses.
 */
export function Suppressions({ api, locale }: PageProps) {
  const s = SUPPRESSIONS_STRINGS[locale];
  const heading = useRef<HTMLHeadingElement>(null);
  const resultHeading = useRef<HTMLHeadingElement>(null);
  const [address, setAddress] = useState('');
  const [result, setResult] = useState<SuppressionStatus | null>(null);
  const [searchError, setSearchError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  const [recent, setRecent] = useState<SuppressionRecent | null>(null);

  const loadRecent = () =>
    api.request<SuppressionRecent>('GET', '/api/v1/suppressions/recent?limit=20').then(
      (res) => res.status === 200 && setRecent(res.body),
      () => undefined,
    );
  useEffect(() => {
    heading.current?.focus();
    void loadRecent();
  }, []);

  const lookUp = async (email: string): Promise<SuppressionStatus | string> => {
    try {
      const res = await api.request<SuppressionStatus & Problem>('POST', '/api/v1/suppressions/search', { email });
      if (res.status === 200) return res.body;
      return res.status === 400 ? s.badAddress : s.loadFailed;
    } catch {
      return s.loadFailed;
    }
  };

  const search = async () => {
    setSearchError(null);
    setAnnouncement('');
    if (!address.trim()) return setSearchError(s.needsAddress);
    setBusy(true);
    const found = await lookUp(address);
    setBusy(false);
    if (typeof found === 'string') {
      setResult(null);
      return setSearchError(found);
    }
    setResult(found);
  };

  const removed = async (email: string) => {
    setAnnouncement(s.removed(email));
    const now = await lookUp(email);
    if (typeof now !== 'string') setResult(now);
    void loadRecent();
    resultHeading.current?.focus();
  };

  return (
    <div class="suppressions-page">
      <section class="card" aria-labelledby="suppressions-heading">
        <h1 id="suppressions-heading" tabIndex={-1} ref={heading}>
          {s.heading}
        </h1>
        <p class="muted">{s.intro}</p>
        <form
          role="search"
          class="address-search"
          onSubmit={(event) => {
            event.preventDefault();
            void search();
          }}
        >
          <div class="field grow">
            <label for="suppression-address">{s.addressLabel}</label>
            <input
              id="suppression-address"
              type="text"
              inputMode="email"
              value={address}
              maxLength={320}
              autocomplete="off"
              spellcheck={false}
              aria-describedby="suppression-address-hint"
              aria-invalid={searchError && searchError !== s.loadFailed ? true : undefined}
              onInput={(e) => setAddress((e.target as HTMLInputElement).value)}
            />
          </div>
          <button type="submit" class="primary" disabled={busy}>
            {s.searchButton}
          </button>
        </form>
        <p id="suppression-address-hint" class="muted">
          {s.addressHint}
        </p>
        {searchError && (
          <p role="alert" class="error">
            {searchError}
          </p>
        )}
        <div role="status" class="announcement">
          {busy && <p class="muted">{s.searching}</p>}
          {announcement && <p class="ok">{announcement}</p>}
        </div>
        <div aria-live="polite">{result && <Result s={s} locale={locale} result={result} headingRef={resultHeading} api={api} onRemoved={removed} />}</div>
      </section>
      <Recent s={s} locale={locale} recent={recent} />
    </div>
  );
}

function Result({
  s,
  locale,
  result,
  headingRef,
  api,
  onRemoved,
}: {
  s: SuppressionsStrings;
  locale: Locale;
  result: SuppressionStatus;
  headingRef: RefObject<HTMLHeadingElement | null>;
  api: ConsoleApi;
  onRemoved: (email: string) => void;
}) {
  const f = formats(locale);
  return (
    <div class="result" data-suppressed={String(result.suppressed)}>
      <h2 id="suppression-result-heading" tabIndex={-1} ref={headingRef}>
        {s.resultHeading}
      </h2>
      <p class={result.suppressed ? 'verdict suppressed' : 'verdict clear'}>{result.suppressed ? s.statusSuppressed : s.statusClear}</p>
      <dl class="facts">
        <div>
          <dt>{s.address}</dt>
          <dd>{breakable(result.email)}</dd>
        </div>
        {result.suppressed && result.kind && (
          <div>
            <dt>{s.reason}</dt>
            <dd>
              {s.reasons[result.kind]}
              {result.kind === 'other' && (
                <>
                  {' '}
                  <span lang="en">{result.reason}</span>
                </>
              )}
            </dd>
          </div>
        )}
        {result.suppressed && result.since && (
          <div>
            <dt>{s.since}</dt>
            <dd>{f.when(result.since)}</dd>
          </div>
        )}
        {result.suppressed && result.until && (
          <div>
            <dt>{s.until}</dt>
            <dd>{f.when(result.until)}</dd>
          </div>
        )}
      </dl>
      {result.kind === 'erasure' && <p class="notice">{s.erasureStays}</p>}
      {result.removable && <RemoveSuppression key={result.email} api={api} s={s} email={result.email} onRemoved={onRemoved} />}
    </div>
  );
}

function Recent({ s, locale, recent }: { s: SuppressionsStrings; locale: Locale; recent: SuppressionRecent | null }) {
  const f = formats(locale);
  const reasonOf = (kind: SuppressionRecent['items'][number]['kind'], reason: string) => (kind === 'other' ? <span lang="en">{reason}</span> : s.kinds[kind]);
  return (
    <section class="card" aria-labelledby="recent-heading">
      <h2 id="recent-heading">{s.listHeading}</h2>
      {!recent ? (
        <p>{s.loading}</p>
      ) : recent.total === 0 ? (
        <p>{s.empty}</p>
      ) : (
        <>
          <p>{s.total(recent.total)}</p>
          <h3>{s.byReasonHeading}</h3>
          <table class="by-reason">
            <thead>
              <tr>
                <th scope="col">{s.colReason}</th>
                <th scope="col" class="count">
                  {s.colCount}
                </th>
              </tr>
            </thead>
            <tbody>
              {recent.byReason.map((r) => (
                <tr key={r.reason}>
                  <td>{reasonOf(r.kind, r.reason)}</td>
                  <td class="count">{s.count(r.count)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>{s.recentHeading}</h3>
          <p class="muted">{s.recentIntro}</p>
          <table class="recent">
            <thead>
              <tr>
                <th scope="col">{s.colDate}</th>
                <th scope="col">{s.colReason}</th>
              </tr>
            </thead>
            <tbody>
              {recent.items.map((r, i) => (
                <tr key={i}>
                  <td class="when">{f.when(r.since)}</td>
                  <td>{reasonOf(r.kind, r.reason)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
