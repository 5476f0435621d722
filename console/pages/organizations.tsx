import { useEffect, useRef, useState } from 'preact/hooks';
import type { CoverageOverview, Organization, Role } from '../../contract/index.js';
import type { PageProps } from '../page.js';
import { ORGANIZATIONS_STRINGS, type OrganizationsStrings } from './organizations-strings.js';
import { OrganizationView } from './organizations-organization.js';

type CoverageRow = CoverageOverview['items'][number];

/** The roles the coverage and policy routes allow (`GET /api/v1/coverage`, `/organizations/:id/coverage`, `/policy`); a sender sees the list alone. */
export const seesCoverage = (role: Role) => role === 'admin' || role === 'support';

/** Where the open organization is kept, so a reload opens it again (an opaque id). */
const organizationInAddress = () => new URLSearchParams(location.search).get('organization');

/** Organizations: every client, with who receives what it needs at a glance; one opens to its coverage over time and its policy. */
export function Organizations({ api, locale, session }: PageProps) {
  const s = ORGANIZATIONS_STRINGS[locale];
  const withCoverage = seesCoverage(session.staff.role);
  const heading = useRef<HTMLHeadingElement>(null);
  const [organizations, setOrganizations] = useState<Organization[] | null>(null);
  const [coverage, setCoverage] = useState<Map<string, CoverageRow>>(new Map());
  const [failed, setFailed] = useState(false);
  const [filter, setFilter] = useState('');
  const [openId, setOpenId] = useState<string | null>(organizationInAddress);

  useEffect(() => {
    if (!openId) heading.current?.focus();
    const load = async () => {
      const [list, overview] = await Promise.all([
        api.request<{ items: Organization[] }>('GET', '/api/v1/organizations'),
        withCoverage ? api.request<CoverageOverview>('GET', '/api/v1/coverage') : null,
      ]);
      if (list.status !== 200 || (overview && overview.status !== 200)) return setFailed(true);
      setOrganizations(list.body.items);
      if (overview) setCoverage(new Map(overview.body.items.map((row) => [row.organizationId, row])));
    };
    load().catch(() => setFailed(true));
  }, []);

  const open = (id: string | null) => {
    setOpenId(id);
    history.replaceState(null, '', id ? `/console/organizations?organization=${encodeURIComponent(id)}` : '/console/organizations');
    if (!id) heading.current?.focus();
  };
  const opened = organizations?.find((o) => o.id === openId);

  return (
    <div class="organizations-page">
      <section class="card" aria-labelledby="organizations-heading">
        <h1 id="organizations-heading" tabIndex={-1} ref={heading}>
          {s.heading}
        </h1>
        <p class="muted">{s.intro}</p>
        {failed && (
          <p role="alert" class="error">
            {s.loadFailed}
          </p>
        )}
        {!organizations && !failed && <p role="status">{s.loading}</p>}
        {organizations && <List s={s} organizations={organizations} coverage={withCoverage ? coverage : null} filter={filter} onFilter={setFilter} openId={openId} onOpen={open} />}
      </section>
      {openId && organizations && (
        <OrganizationView key={openId} api={api} s={s} locale={locale} organization={opened ?? null} summary={coverage.get(openId) ?? null} withCoverage={withCoverage} onClose={() => open(null)} />
      )}
    </div>
  );
}

function List({
  s,
  organizations,
  coverage,
  filter,
  onFilter,
  openId,
  onOpen,
}: {
  s: OrganizationsStrings;
  organizations: Organization[];
  coverage: Map<string, CoverageRow> | null;
  filter: string;
  onFilter: (text: string) => void;
  openId: string | null;
  onOpen: (id: string) => void;
}) {
  if (organizations.length === 0) return <p>{s.none}</p>;
  const needle = filter.trim().toLocaleLowerCase();
  const shown = needle ? organizations.filter((o) => o.name.toLocaleLowerCase().includes(needle)) : organizations;
  const categories = coverage ? ([...coverage.values()][0]?.categories.map((c) => c.category) ?? []) : [];
  const uncovered = coverage ? [...coverage.values()].filter((row) => row.categories.some((c) => !c.covered)).length : 0;
  const label = (key: string) => s.categories[key] ?? key;
  return (
    <>
      <div class="field filter">
        <label for="organization-filter">{s.filterLabel}</label>
        <input id="organization-filter" type="search" value={filter} autocomplete="off" onInput={(e) => onFilter((e.target as HTMLInputElement).value)} />
      </div>
      <div aria-live="polite">
        <p>{s.count(shown.length, organizations.length)}</p>
      </div>
      {coverage && <p class={uncovered ? 'notice' : 'muted'}>{uncovered ? s.uncovered(uncovered) : s.allCovered}</p>}
      {shown.length === 0 ? (
        <p>{s.noMatch}</p>
      ) : (
        <>
          {coverage && <p class="muted">{s.receiversNote}</p>}
          <table class="stack organizations" role="table">
            <thead role="rowgroup">
              <tr role="row">
                <th scope="col" role="columnheader">
                  {s.colName}
                </th>
                <th scope="col" role="columnheader">
                  {s.colLanguage}
                </th>
                <th scope="col" role="columnheader">
                  {s.colTimeZone}
                </th>
                {coverage && (
                  <th scope="col" role="columnheader" class="count">
                    {s.colContacts}
                  </th>
                )}
                {categories.map((key) => (
                  <th key={key} scope="col" role="columnheader" class="count">
                    {label(key)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody role="rowgroup">
              {shown.map((o) => {
                const row = coverage?.get(o.id);
                return (
                  <tr key={o.id} role="row" data-covered={row ? String(row.categories.every((c) => c.covered)) : undefined}>
                    <td role="cell" class="name">
                      <a
                        href={`/console/organizations?organization=${encodeURIComponent(o.id)}`}
                        aria-current={o.id === openId ? 'true' : undefined}
                        onClick={(event) => {
                          event.preventDefault();
                          onOpen(o.id);
                        }}
                      >
                        {o.name}
                      </a>
                    </td>
                    <td role="cell" data-label={s.colLanguage}>
                      {s.languages[o.locale]}
                    </td>
                    <td role="cell" data-label={s.colTimeZone}>
                      {o.timeZone}
                    </td>
                    {coverage && (
                      <td role="cell" class="count" data-label={s.colContacts}>
                        {s.number(row?.contacts ?? 0)}
                      </td>
                    )}
                    {categories.map((key) => {
                      const receivers = row?.categories.find((c) => c.category === key)?.receivers ?? 0;
                      return (
                        <td key={key} role="cell" class="count" data-label={label(key)} data-category={key}>
                          {receivers > 0 ? s.number(receivers) : <span class="badge nobody">{s.nobody}</span>}
                        </td>
                      );
                    })}
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
