import { useCallback, useEffect, useState } from 'preact/hooks';
import type { CategoryInfo, MyOrganization } from '../../contract/index.js';
import type { ApiClient } from '../shared/api-client.js';
import { failureMessageKey } from '../shared/failure-message.js';
import { t, uiLocale, type MessageKey } from '../shared/i18n.js';
import { PolicyRules } from './policy-rules.js';
import { StaffTable } from './staff-table.js';
import { usePolicySaver } from './use-policy-saver.js';

interface Props {
  api: ApiClient;
  token: string;
  categories: CategoryInfo[];
  onUnauthorized: () => void;
}

type Loaded = { name: 'loading' } | { name: 'failed'; reason: MessageKey } | { name: 'ready'; organization: MyOrganization };

/** For an organization lead: the categories they may require of all staff or set for staff who never chose, and who receives what. */
export function OrganizationSection({ api, token, categories, onUnauthorized }: Props) {
  const [loaded, setLoaded] = useState<Loaded>({ name: 'loading' });

  const load = useCallback(async () => {
    setLoaded({ name: 'loading' });
    const result = await api.getMyOrganization(token);
    if (result.ok) return setLoaded({ name: 'ready', organization: result.value });
    if (result.error.kind === 'unauthorized') return onUnauthorized();
    setLoaded({ name: 'failed', reason: failureMessageKey(result.error) });
  }, [api, token, onUnauthorized]);

  useEffect(() => {
    void load();
  }, [load]);

  if (loaded.name === 'loading') return <p class="muted">{t('common_loading')}</p>;
  if (loaded.name === 'failed') {
    return (
      <div class="row">
        <p class="error" role="alert">
          {`${t('options_org_load_failed')} ${t(loaded.reason)}`}
        </p>
        <button type="button" class="button secondary" onClick={load}>
          {t('common_retry')}
        </button>
      </div>
    );
  }
  return <OrganizationPolicy api={api} token={token} categories={categories} initial={loaded.organization} onUnauthorized={onUnauthorized} />;
}

function OrganizationPolicy({ initial, categories, ...saver }: Props & { initial: MyOrganization }) {
  const { organization, status, setRule } = usePolicySaver({ ...saver, initial });
  const locale = uiLocale();
  // Express consent is each person's own (CASL): the server never lets an organization require it
  // nor turn it on by default, and it is off for whoever never chose, so those categories are left out.
  const lockable = categories.filter((c) => c.key in organization.policy && c.basis !== 'express');
  return (
    <>
      <p class="muted">{t('options_org_intro', organization.organization.name)}</p>
      <PolicyRules rules={lockable.map((c) => ({ key: c.key, label: c.label[locale], ...organization.policy[c.key]! }))} status={status} onChange={setRule} />
      <StaffTable staff={organization.staff} categories={categories} locale={locale} />
    </>
  );
}
