import { useEffect, useState } from 'preact/hooks';
import { ROLES, type Role } from '../../contract/constants.js';
import type { StaffCreated, StaffList } from '../../contract/index.js';
import type { PageProps } from '../page.js';
import { ACCESS_STRINGS } from './access-strings.js';

/** Staff members (admin): add one and get the enrolment link, change a role, disable, issue a new link. */
export function Staff({ api, locale, session }: PageProps) {
  const s = ACCESS_STRINGS[locale];
  const [members, setMembers] = useState<StaffList['items']>([]);
  const [link, setLink] = useState<{ email: string; url: string } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const load = async () => {
    const res = await api.request<StaffList>('GET', '/api/v1/staff');
    if (res.status === 200) setMembers(res.body.items);
  };
  useEffect(() => void load(), []);
  const add = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const res = await api.request<StaffCreated>('POST', '/api/v1/staff', { email: String(form.get('email')), role: String(form.get('role')) });
    if (res.status !== 201) return setNotice(s.failed);
    (event.target as HTMLFormElement).reset();
    setNotice(null);
    setLink({ email: res.body.staff.email, url: res.body.enrolmentUrl });
    await load();
  };
  const change = async (id: string, body: { role?: Role; disabled?: boolean }) => {
    const res = await api.request('PATCH', `/api/v1/staff/${id}`, body);
    setNotice(res.status === 204 ? s.saved : s.failed);
    await load();
  };
  const newLink = async (id: string, email: string) => {
    const res = await api.request<{ enrolmentUrl: string }>('POST', `/api/v1/staff/${id}/enrolment`);
    if (res.status === 201) setLink({ email, url: res.body.enrolmentUrl });
    else setNotice(s.failed);
  };
  const roleSelect = (value: Role, onChange?: (role: Role) => void, id?: string, label?: string) => (
    <select id={id} name="role" value={value} aria-label={label} onChange={onChange ? (e) => onChange((e.target as HTMLSelectElement).value as Role) : undefined}>
      {ROLES.map((r) => (
        <option key={r} value={r}>
          {s.roles[r]}
        </option>
      ))}
    </select>
  );
  return (
    <section class="card access-page">
      <h1>{s.staffHeading}</h1>
      <p>{s.staffIntro}</p>
      <form class="access-form" onSubmit={add}>
        <label for="staff-email">{s.email}</label>
        <input id="staff-email" name="email" type="email" required />
        <label for="staff-role">{s.role}</label>
        {roleSelect('support', undefined, 'staff-role')}
        <button type="submit" class="primary">
          {s.add}
        </button>
      </form>
      {link && (
        <div role="status" class="once">
          <p>{s.linkIntro(link.email)}</p>
          <code class="secret">{link.url}</code>
        </div>
      )}
      {notice && <p role="status">{notice}</p>}
      <div class="access-scroll" tabIndex={0} role="region" aria-label={s.staffHeading}>
        <table class="stack" role="table">
          <thead>
            <tr>
              <th scope="col">{s.email}</th>
              <th scope="col">{s.role}</th>
              <th scope="col">{s.signIn}</th>
              <th scope="col">
                <span class="visually-hidden">{s.disable}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {members.map((m) => (
              <tr key={m.id}>
                <td data-label={s.email}>{m.email}</td>
                <td data-label={s.role}>{m.id === session.staff.id ? s.roles[m.role] : roleSelect(m.role, (role) => change(m.id, { role }), undefined, `${s.role}: ${m.email}`)}</td>
                <td data-label={s.signIn}>
                  {m.disabledAt ? s.disabled : [s.passkeys(m.passkeys), ...(m.authenticatorApp ? [s.app] : [])].join(', ')}
                </td>
                <td class="actions">
                  {m.id !== session.staff.id && (
                    <>
                      <button type="button" onClick={() => change(m.id, { disabled: !m.disabledAt })}>
                        {m.disabledAt ? s.enable : s.disable}
                      </button>
                      {!m.disabledAt && (
                        <button type="button" onClick={() => newLink(m.id, m.email)}>
                          {s.newLink}
                        </button>
                      )}
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
