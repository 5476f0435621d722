import { useEffect, useRef, useState } from 'preact/hooks';
import { MESSAGE_STATUSES } from '../../contract/constants.js';
import type { QueueStats, WebhookEndpointList } from '../../contract/index.js';
import type { PageProps } from '../page.js';
import { WEBHOOKS_STRINGS } from './webhooks-strings.js';

const REFRESH_MS = 10_000;

/** The queue at a glance, refreshed every 10 seconds without reloading. */
export function Dashboard({ api, t, locale, session }: PageProps) {
  const [stats, setStats] = useState<QueueStats | null>(null);
  const [failed, setFailed] = useState(false);
  const [webhooksFailing, setWebhooksFailing] = useState(0);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  useEffect(() => {
    let stopped = false;
    const load = async () => {
      const res = await api.request<QueueStats>('GET', '/api/v1/queue-stats').catch(() => null);
      if (stopped) return;
      if (res?.status === 200) {
        setStats(res.body);
        setFailed(false);
      } else setFailed(true);
    };
    void load();
    const timer = setInterval(load, REFRESH_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, []);
  // An admin is told here when an outgoing webhook fails or was disabled for failing.
  useEffect(() => {
    if (session.staff.role !== 'admin') return;
    void api
      .request<WebhookEndpointList>('GET', '/api/v1/webhook-endpoints')
      .then((res) => res.status === 200 && setWebhooksFailing(res.body.items.filter((e) => e.state !== 'enabled' && e.failingSince !== null).length))
      .catch(() => {});
  }, []);
  const number = new Intl.NumberFormat(locale === 'fr' ? 'fr-CA' : 'en-CA');
  const time = (iso: string) => new Intl.DateTimeFormat(locale === 'fr' ? 'fr-CA' : 'en-CA', { timeStyle: 'medium' }).format(new Date(iso));
  return (
    <section class="card">
      <h1 tabIndex={-1} ref={heading}>
        {t.dashboardHeading}
      </h1>
      {failed && (
        <p role="alert" class="error">
          {t.loadFailed}
        </p>
      )}
      {webhooksFailing > 0 && (
        <p role="status" class="notice">
          <strong>{WEBHOOKS_STRINGS[locale].attention(webhooksFailing)}</strong> <a href="/console/webhooks">{WEBHOOKS_STRINGS[locale].review}</a>
        </p>
      )}
      {stats && (
        <>
          <dl class="figures" aria-live="polite">
            {MESSAGE_STATUSES.map((status) => (
              <div key={status}>
                <dt>{t.status[status]}</dt>
                <dd data-status={status}>{number.format(stats.byStatus[status])}</dd>
              </div>
            ))}
            <div>
              <dt>{t.sentLastHour}</dt>
              <dd>{number.format(stats.sentLastHour)}</dd>
            </div>
            <div>
              <dt>{t.sentLastDay}</dt>
              <dd>{number.format(stats.sentLastDay)}</dd>
            </div>
            <div>
              <dt>{t.suppressionsAdded}</dt>
              <dd>{number.format(stats.suppressionsAddedLastDay)}</dd>
            </div>
            <div>
              <dt>{t.bouncesLastDay}</dt>
              <dd data-figure="bounces">{number.format(stats.bouncesLastDay)}</dd>
            </div>
            <div>
              <dt>{t.complaintsLastDay}</dt>
              <dd data-figure="complaints">{number.format(stats.complaintsLastDay)}</dd>
            </div>
          </dl>
          <h2>{t.failuresHeading}</h2>
          {stats.failures.length ? (
            <table>
              <tbody>
                {stats.failures.map((f) => (
                  <tr key={f.reason}>
                    <td>{f.reason}</td>
                    <td class="count">{number.format(f.count)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p>{t.noFailures}</p>
          )}
          <p class="muted">{t.updatedAt(time(stats.generatedAt))}</p>
        </>
      )}
    </section>
  );
}
