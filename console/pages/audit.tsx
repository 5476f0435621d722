import { useEffect, useState } from 'preact/hooks';
import type { AuditPage } from '../../contract/index.js';
import type { PageProps } from '../page.js';
import { AUDIT_STRINGS } from './audit-strings.js';

interface StaffListing {
  id: string;
  email: string;
}

type Filters = { keyId: string; action: string; from: string; to: string };

const dayAfter = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** The audit log (admin): filter by person, action and dates; staff are shown by address. */
export function Audit({ api, locale }: PageProps) {
  const s = AUDIT_STRINGS[locale];
  const [staff, setStaff] = useState<StaffListing[]>([]);
  const [filters, setFilters] = useState<Filters>({ keyId: '', action: '', from: '', to: '' });
  const [items, setItems] = useState<AuditPage['items'] | null>(null);
  const [cursor, setCursor] = useState<number | null>(null);
  const [failed, setFailed] = useState(false);

  const load = async (applied: Filters, after?: number) => {
    const query = new URLSearchParams({ limit: '50' });
    if (applied.keyId) query.set('keyId', applied.keyId);
    if (applied.action) query.set('action', applied.action);
    if (applied.from) query.set('from', applied.from);
    if (applied.to) query.set('to', dayAfter(applied.to));
    if (after) query.set('cursor', String(after));
    const res = await api.request<AuditPage>('GET', `/api/v1/audit-log?${query}`);
    if (res.status !== 200) return setFailed(true);
    setFailed(false);
    setItems((current) => (after && current ? [...current, ...res.body.items] : res.body.items));
    setCursor(res.body.nextCursor);
  };
  useEffect(() => {
    void api.request<{ items: StaffListing[] }>('GET', '/api/v1/staff').then((res) => res.status === 200 && setStaff(res.body.items));
    void load(filters);
  }, []);

  const who = (keyId: string | null) => {
    if (!keyId) return '—';
    const member = keyId.startsWith('staff:') ? staff.find((m) => `staff:${m.id}` === keyId) : undefined;
    return member ? member.email : keyId;
  };
  const time = new Intl.DateTimeFormat(locale === 'fr' ? 'fr-CA' : 'en-CA', { dateStyle: 'medium', timeStyle: 'medium' });
  const field = (name: keyof Filters) => ({
    value: filters[name],
    onInput: (e: Event) => setFilters({ ...filters, [name]: (e.target as HTMLInputElement).value }),
  });

  return (
    <section class="card audit-page">
      <h1>{s.heading}</h1>
      <p>{s.intro}</p>
      <form
        class="audit-filters"
        onSubmit={(e) => {
          e.preventDefault();
          void load(filters);
        }}
      >
        <label for="audit-person">{s.person}</label>
        <select id="audit-person" {...field('keyId')}>
          <option value="">{s.anyone}</option>
          {staff.map((m) => (
            <option key={m.id} value={`staff:${m.id}`}>
              {m.email}
            </option>
          ))}
          <option value="bootstrap">bootstrap</option>
        </select>
        <label for="audit-action">{s.action}</label>
        <input id="audit-action" aria-describedby="audit-action-hint" {...field('action')} />
        <span id="audit-action-hint" class="muted">
          {s.actionHint}
        </span>
        <label for="audit-from">{s.from}</label>
        <input id="audit-from" type="date" {...field('from')} />
        <label for="audit-to">{s.to}</label>
        <input id="audit-to" type="date" {...field('to')} />
        <button type="submit" class="primary">
          {s.filter}
        </button>
      </form>
      {failed && (
        <p role="alert" class="error">
          {s.failed}
        </p>
      )}
      {items && !items.length && <p role="status">{s.none}</p>}
      {items && items.length > 0 && (
        // Wide on a phone: it scrolls sideways on its own, and takes focus so a keyboard can scroll it.
        <div class="audit-scroll" tabIndex={0} role="region" aria-label={s.heading}>
          <table>
            <thead>
              <tr>
                <th scope="col">{s.when}</th>
                <th scope="col">{s.who}</th>
                <th scope="col">{s.what}</th>
                <th scope="col">{s.target}</th>
                <th scope="col">{s.outcome}</th>
                <th scope="col">{s.detail}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((entry) => (
                <tr key={entry.id}>
                  <td>{time.format(new Date(entry.at))}</td>
                  <td>{who(entry.keyId)}</td>
                  <td>
                    <code>{entry.action}</code>
                  </td>
                  <td>{entry.target ?? '—'}</td>
                  <td>{entry.outcome}</td>
                  <td lang="en">{entry.detail ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {cursor !== null && (
        <button type="button" onClick={() => load(filters, cursor)}>
          {s.more}
        </button>
      )}
    </section>
  );
}
