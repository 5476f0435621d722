import { useEffect, useState } from 'preact/hooks';
import { ROLES } from '../../contract/constants.js';
import type { ApiKeyList } from '../../contract/index.js';
import type { PageProps } from '../page.js';
import { ACCESS_STRINGS } from './access-strings.js';

/** API keys (admin): create one (shown once), see every key's role and state, revoke. */
export function ApiKeys({ api, locale }: PageProps) {
  const s = ACCESS_STRINGS[locale];
  const [keys, setKeys] = useState<ApiKeyList['items']>([]);
  const [shown, setShown] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  const date = new Intl.DateTimeFormat(locale === 'fr' ? 'fr-CA' : 'en-CA', { dateStyle: 'medium' });
  const load = async () => {
    const res = await api.request<ApiKeyList>('GET', '/api/v1/api-keys');
    if (res.status === 200) setKeys(res.body.items);
  };
  useEffect(() => void load(), []);
  const create = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const res = await api.request<{ key: string }>('POST', '/api/v1/api-keys', { name: String(form.get('name')), role: String(form.get('role')) });
    setFailed(res.status !== 201);
    if (res.status !== 201) return;
    (event.target as HTMLFormElement).reset();
    setShown(res.body.key);
    await load();
  };
  const revoke = async (id: string) => {
    const res = await api.request('DELETE', `/api/v1/api-keys/${id}`);
    setFailed(res.status !== 204);
    await load();
  };
  return (
    <section class="card access-page">
      <h1>{s.keysHeading}</h1>
      <p>{s.keysIntro}</p>
      <form class="access-form" onSubmit={create}>
        <label for="key-name">{s.name}</label>
        <input id="key-name" name="name" required maxLength={100} />
        <label for="key-role">{s.role}</label>
        <select id="key-role" name="role">
          {ROLES.map((r) => (
            <option key={r} value={r} selected={r === 'sender'}>
              {s.roles[r]}
            </option>
          ))}
        </select>
        <button type="submit" class="primary">
          {s.create}
        </button>
      </form>
      {shown && (
        <div role="status" class="once">
          <p>{s.keyOnce}</p>
          <code class="secret">{shown}</code>
        </div>
      )}
      {failed && (
        <p role="alert" class="error">
          {s.failed}
        </p>
      )}
      <div class="access-scroll" tabIndex={0} role="region" aria-label={s.keysHeading}>
        <table class="stack" role="table">
          <thead>
            <tr>
              <th scope="col">{s.name}</th>
              <th scope="col">{s.role}</th>
              <th scope="col">{s.created}</th>
              <th scope="col">{s.status}</th>
              <th scope="col">
                <span class="visually-hidden">{s.revoke}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => (
              <tr key={k.id}>
                <td data-label={s.name}>{k.name}</td>
                <td data-label={s.role}>{s.roles[k.role]}</td>
                <td data-label={s.created}>{date.format(new Date(k.createdAt))}</td>
                <td data-label={s.status}>{k.revokedAt ? s.revoked(date.format(new Date(k.revokedAt))) : s.live}</td>
                <td class="actions">
                  {!k.revokedAt && (
                    <button type="button" onClick={() => revoke(k.id)} aria-label={`${s.revoke}: ${k.name}`}>
                      {s.revoke}
                    </button>
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
