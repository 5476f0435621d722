import { useCallback } from 'preact/hooks';
import { LoadedSection } from './loaded-section.js';
import type { CategoryInfo, MyOrganization } from '../../contract/index.js';
import type { ApiClient } from '../shared/api-client.js';
import { t, uiLocale } from '../shared/i18n.js';
import { PolicyRules } from './policy-rules.js';
import { StaffTable } from './staff-table.js';
import { usePolicySaver } from './use-policy-saver.js';

interface Props {
  api: ApiClient;
  token: string;
  categories: CategoryInfo[];
  onUnauthorized: () => void;
}

/** For an organization lead: the categories they may require of all staff or set for staff who never chose, and who receives what. */
export function OrganizationSection({ api, token, categories, onUnauthorized }: Props) {
  const fetch = useCallback(() => api.getMyOrganization(token), [api, token]);
  return (
    <LoadedSection fetch={fetch} failedKey={'options_org_load_failed'} onUnauthorized={onUnauthorized}>
      {(organization) => <OrganizationPolicy api={api} token={token} categories={categories} initial={organization} onUnauthorized={onUnauthorized} />}
    </LoadedSection>
  );
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
