// The Advisories page's follow-up: one advisory's delivery as it goes, per organization, and the recent ones.
import { useEffect, useRef, useState } from 'preact/hooks';
import { FIX_SEVERITIES, LOCALES, type Locale } from '../../contract/constants.js';
import type { DeliveryCounts, FanOutList, FanOutReport } from '../../contract/index.js';
import type { ConsoleApi } from '../api.js';
import type { AdvisoriesStrings } from './advisories-strings.js';

const POLL_MS = 2_000;
/** Polls with nothing waiting and no change before a delivery whose audience shrank meanwhile counts as finished. */
const STABLE_POLLS = 3;

/** The advisory being followed: after a send, its revision and how many messages its audience makes. */
export interface Tracking {
  id: string;
  revision?: number;
  expected?: number;
  /** A new value follows it again from the start. */
  round: number;
}

const tagOf = (locale: Locale) => (locale === 'fr' ? 'fr-CA' : 'en-CA');
const sum = (c: DeliveryCounts) => c.queued + c.sending + c.sent + c.failed + c.suppressed;
const settledOf = (c: DeliveryCounts) => c.sent + c.failed + c.suppressed;

/** The counts to follow: the revision just sent (its audience is queued in batches), else everything. */
function countsOf(report: FanOutReport, tracking: Tracking): DeliveryCounts {
  const revision = tracking.revision === undefined ? undefined : report.revisions.find((r) => r.revision === tracking.revision && r.purpose !== 'reminder');
  return revision?.counts ?? report.totals;
}

/** A title in the page's language, else the other one (marked with its language). */
function titleIn(title: { en?: string | undefined; fr?: string | undefined }, locale: Locale): { text: string; lang: Locale } {
  const other = LOCALES.find((l) => l !== locale)!;
  return title[locale] ? { text: title[locale]!, lang: locale } : { text: title[other] ?? '', lang: other };
}

interface ProgressProps {
  api: ConsoleApi;
  t: AdvisoriesStrings;
  locale: Locale;
  tracking: Tracking;
  onFinished: () => void;
}

/** Every 2 seconds until nothing is queued or sending: overall progress, then each organization. */
export function Progress({ api, t, locale, tracking, onFinished }: ProgressProps) {
  const [report, setReport] = useState<FanOutReport | null>(null);
  const [failed, setFailed] = useState(false);
  const [missing, setMissing] = useState(false);
  const [finished, setFinished] = useState(false);
  const finishedRef = useRef(onFinished);
  finishedRef.current = onFinished;

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stable = 0;
    let last = -1;
    setReport(null);
    setFailed(false);
    setMissing(false);
    setFinished(false);
    // One request at a time: the next is planned only once this one has answered.
    const load = async () => {
      const res = await api.request<FanOutReport>('GET', `/api/v1/advisories/${encodeURIComponent(tracking.id)}`).catch(() => null);
      if (stopped) return;
      if (res?.status === 404) return setMissing(true);
      if (res?.status === 200) {
        setReport(res.body);
        setFailed(false);
        const counts = countsOf(res.body, tracking);
        const idle = counts.queued + counts.sending === 0;
        stable = idle && sum(counts) === last ? stable + 1 : 0;
        last = sum(counts);
        if (idle && (settledOf(counts) >= (tracking.expected ?? 0) || stable >= STABLE_POLLS)) {
          setFinished(true);
          finishedRef.current();
          return;
        }
      } else setFailed(true);
      timer = setTimeout(load, POLL_MS);
    };
    void load();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [tracking.id, tracking.round]);

  const tag = tagOf(locale);
  const date = new Intl.DateTimeFormat(tag, { dateStyle: 'medium', timeStyle: 'short' });
  const when = (iso: string) => date.format(new Date(iso));
  const number = new Intl.NumberFormat(tag);
  const percent = new Intl.NumberFormat(tag, { style: 'percent', maximumFractionDigits: 0 });

  const counts = report ? countsOf(report, tracking) : null;
  const total = counts ? Math.max(sum(counts), tracking.expected ?? 0) : 0;
  const settled = counts ? settledOf(counts) : 0;
  // Never 100 % before it is: rounded down, and full only once finished.
  const ratio = finished ? 1 : total ? Math.min(0.99, Math.floor((settled / total) * 100) / 100) : 0;
  const title = report ? titleIn(report.title, locale) : null;
  const asksApplied = report?.severity ? FIX_SEVERITIES.includes(report.severity) : false;

  return (
    <section class="card adv-card adv-progress" aria-labelledby="adv-progress-heading">
      <h2 id="adv-progress-heading" tabIndex={-1}>
        {t.progressHeading(tracking.id)}
      </h2>
      {title && (
        <p class="adv-progress-title" lang={title.lang}>
          {title.text}
        </p>
      )}
      {missing && (
        <p role="alert" class="error">
          {t.progressNotFound}
        </p>
      )}
      {failed && (
        <p role="alert" class="error">
          {t.progressFailed}
        </p>
      )}
      {counts && (
        <>
          <progress id="adv-progress-bar" max={100} value={Math.round(ratio * 100)} aria-labelledby="adv-progress-label" data-percent={Math.round(ratio * 100)} />
          <div aria-live="polite" aria-atomic="true" class="adv-progress-status">
            <p id="adv-progress-label">
              <strong>{t.progressLabel}</strong> {t.progressStatus(percent.format(ratio), settled, total)}
            </p>
            <p>{t.progressCounts(counts.sent, counts.failed, counts.suppressed, counts.queued + counts.sending)}</p>
            {finished && <p class="adv-done">{t.progressFinished}</p>}
          </div>
        </>
      )}
      {report && (
        <>
          <h3>{t.organizationsTable}</h3>
          {report.organizations.length ? (
            <table class="adv-table">
              <thead>
                <tr>
                  <th scope="col">{t.column.organization}</th>
                  <th scope="col" class="count">
                    {t.column.waiting}
                  </th>
                  <th scope="col" class="count">
                    {t.column.sent}
                  </th>
                  <th scope="col" class="count">
                    {t.column.failed}
                  </th>
                  <th scope="col" class="count">
                    {t.column.suppressed}
                  </th>
                  <th scope="col">{t.column.read}</th>
                  <th scope="col">{t.column.applied}</th>
                  <th scope="col">{t.column.reminder}</th>
                </tr>
              </thead>
              <tbody>
                {report.organizations.map((o) => (
                  <tr key={o.organizationId ?? ''} data-organization={o.organizationId ?? ''}>
                    <th scope="row">{o.name ?? t.erasedOrganization}</th>
                    <td class="count" data-label={t.column.waiting}>
                      {number.format(o.counts.queued + o.counts.sending)}
                    </td>
                    <td class="count" data-label={t.column.sent}>
                      {number.format(o.counts.sent)}
                    </td>
                    <td class="count" data-label={t.column.failed}>
                      {number.format(o.counts.failed)}
                    </td>
                    <td class="count" data-label={t.column.suppressed}>
                      {number.format(o.counts.suppressed)}
                    </td>
                    <td data-label={t.column.read}>{o.read ? t.acknowledged(o.read.name, when(o.read.at)) : t.notYet}</td>
                    <td data-label={t.column.applied}>{!asksApplied ? t.notAsked : o.applied ? t.acknowledged(o.applied.name, when(o.applied.at)) : t.notYet}</td>
                    <td data-label={t.column.reminder}>{o.escalation ? t.reminded(when(o.escalation.at), o.escalation.reminded) : t.noReminder}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p class="muted">{t.noOrganizations}</p>
          )}
          <p>
            <a href={`/api/v1/advisories/${encodeURIComponent(tracking.id)}/report.csv`} download>
              {t.downloadCsv}
            </a>
          </p>
        </>
      )}
    </section>
  );
}

interface RecentProps {
  t: AdvisoriesStrings;
  locale: Locale;
  items: FanOutList['items'] | null;
  failed: boolean;
  onOpen: (id: string) => void;
}

/** The latest advisories, each with a button to follow its delivery. */
export function RecentAdvisories({ t, locale, items, failed, onOpen }: RecentProps) {
  const tag = tagOf(locale);
  const date = new Intl.DateTimeFormat(tag, { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <section class="card adv-card" aria-labelledby="adv-recent-heading">
      <h2 id="adv-recent-heading">{t.recentHeading}</h2>
      {failed && (
        <p role="alert" class="error">
          {t.recentFailed}
        </p>
      )}
      {items && !items.length && <p class="muted">{t.recentEmpty}</p>}
      {items && items.length > 0 && (
        <table class="adv-table">
          <thead>
            <tr>
              <th scope="col">{t.recentColumn.id}</th>
              <th scope="col">{t.recentColumn.title}</th>
              <th scope="col">{t.recentColumn.severity}</th>
              <th scope="col">{t.recentColumn.created}</th>
              <th scope="col">{t.recentColumn.delivered}</th>
              <th scope="col">{t.recentColumn.acknowledged}</th>
              <th scope="col">
                <span class="adv-visually-hidden">{t.showProgress}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => {
              const title = titleIn(item.title, locale);
              return (
                <tr key={item.id} data-advisory={item.id}>
                  <th scope="row" class="adv-id">
                    {item.id}
                  </th>
                  <td data-label={t.recentColumn.title} lang={title.lang}>
                    {title.text}
                  </td>
                  <td data-label={t.recentColumn.severity}>{item.severity ? t.severity[item.severity] : ''}</td>
                  <td data-label={t.recentColumn.created}>{date.format(new Date(item.createdAt))}</td>
                  <td data-label={t.recentColumn.delivered} class="adv-nowrap">{t.delivered(item.totals.sent, sum(item.totals))}</td>
                  <td data-label={t.recentColumn.acknowledged}>{t.readBy(item.read, item.organizations)}</td>
                  <td class="adv-action">
                    <button type="button" class="adv-secondary" onClick={() => onOpen(item.id)}>
                      {t.showProgress}
                      <span class="adv-visually-hidden"> {item.id}</span>
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
