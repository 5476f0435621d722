import { useEffect, useRef, useState } from 'preact/hooks';
import type { Coverage, CoverageOverview, Locale, Organization, OrganizationPolicy } from '../../contract/index.js';
import type { ConsoleApi } from '../api.js';
import { formats } from './contacts-contact.js';
import type { OrganizationsStrings } from './organizations-strings.js';
import { StackTable } from '../stack-table.js';

export interface OrganizationViewProps {
  api: ConsoleApi;
  s: OrganizationsStrings;
  locale: Locale;
  /** Null when the id names no organization. */
  organization: Organization | null;
  summary: CoverageOverview['items'][number] | null;
  /** Whether the signed-in role may read coverage and policy. */
  withCoverage: boolean;
  onClose: () => void;
}

/** One organization: its settings, who receives each category it needs (and every time nobody did), and its policy. */
export function OrganizationView({ api, s, locale, organization, summary, withCoverage, onClose }: OrganizationViewProps) {
  const heading = useRef<HTMLHeadingElement>(null);
  const [coverage, setCoverage] = useState<Coverage | null>(null);
  const [policy, setPolicy] = useState<OrganizationPolicy | null>(null);
  const [failed, setFailed] = useState(false);
  const f = formats(locale);
  const label = (key: string) => s.categories[key] ?? key;

  useEffect(() => {
    heading.current?.focus();
    if (!organization || !withCoverage) return;
    const id = encodeURIComponent(organization.id);
    Promise.all([api.request<Coverage>('GET', `/api/v1/organizations/${id}/coverage`), api.request<OrganizationPolicy>('GET', `/api/v1/organizations/${id}/policy`)])
      .then(([c, p]) => {
        if (c.status !== 200 || p.status !== 200) return setFailed(true);
        setCoverage(c.body);
        setPolicy(p.body);
      })
      .catch(() => setFailed(true));
  }, []);

  if (!organization) {
    return (
      <section class="card">
        <p role="alert" class="error">
          {s.notFound}
        </p>
      </section>
    );
  }

  return (
    <section class="card organization" aria-label={s.region(organization.name)}>
      <h2 id="organization-heading" tabIndex={-1} ref={heading}>
        {organization.name}
      </h2>
      <dl class="facts">
        <div>
          <dt>{s.language}</dt>
          <dd>{s.languages[organization.locale]}</dd>
        </div>
        <div>
          <dt>{s.timeZone}</dt>
          <dd>{organization.timeZone}</dd>
        </div>
        <div>
          <dt>{s.relationshipSince}</dt>
          <dd>{organization.lastPurchaseAt ? f.day(organization.lastPurchaseAt) : s.noDate}</dd>
        </div>
        {summary && (
          <div>
            <dt>{s.contacts}</dt>
            <dd>{s.number(summary.contacts)}</dd>
          </div>
        )}
      </dl>
      {failed && (
        <p role="alert" class="error">
          {s.loadFailed}
        </p>
      )}
      {withCoverage && !failed && (!coverage || !policy) && <p role="status">{s.loading}</p>}
      {coverage && (
        <>
          <h3>{s.coverageHeading}</h3>
          <p class="muted">{s.coverageIntro}</p>
          <StackTable
            name="coverage"
            rows={coverage.categories}
            rowKey={(c) => c.category}
            rowData={(c) => ({ 'data-category': c.category })}
            columns={[
              { label: s.colCategory, cell: (c) => label(c.category) },
              { label: s.colReceivers, class: 'count', cell: (c) => s.number(c.receivers) },
              { label: s.colCovered, cell: (c) => (c.covered ? <span class="badge on">{s.yes}</span> : <span class="badge nobody">{s.no}</span>) },
            ]}
          />
          <h4>{s.lossesHeading}</h4>
          {coverage.losses.length === 0 ? (
            <p>{s.noLosses}</p>
          ) : (
            <StackTable
              name="losses"
              rows={coverage.losses}
              rowKey={(loss) => `${loss.category} ${loss.lostAt}`}
              columns={[
                { label: s.colCategory, cell: (loss) => label(loss.category) },
                { label: s.colLost, cell: (loss) => f.when(loss.lostAt) },
                { label: s.colRestored, cell: (loss) => (loss.restoredAt ? f.when(loss.restoredAt) : <strong>{s.stillOpen}</strong>) },
              ]}
            />
          )}
        </>
      )}
      {policy && <Policy s={s} policy={policy} label={label} />}
      <p>
        <button type="button" class="link" onClick={onClose}>
          {s.back}
        </button>
      </p>
    </section>
  );
}

function Policy({ s, policy, label }: { s: OrganizationsStrings; policy: OrganizationPolicy; label: (key: string) => string }) {
  const entries = Object.entries(policy);
  return (
    <>
      <h3>{s.policyHeading}</h3>
      <p class="muted">{s.policyIntro}</p>
      {entries.length === 0 ? (
        <p>{s.noPolicy}</p>
      ) : (
        <StackTable
          name="policy"
          rows={entries}
          rowKey={([key]) => key}
          rowData={([key]) => ({ 'data-category': key })}
          columns={[
            { label: s.colCategory, cell: ([key]) => label(key) },
            { label: s.colDefault, cell: ([, rule]) => (rule.default === null ? s.defaultOwn : rule.default ? s.defaultOn : s.defaultOff) },
            { label: s.colLocked, cell: ([, rule]) => (rule.locked ? s.lockedYes : s.lockedNo) },
          ]}
        />
      )}
    </>
  );
}
