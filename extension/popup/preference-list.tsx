import { ADVISORY_CATEGORY, ADVISORY_THRESHOLDS, TICKET_DELIVERIES, TICKETS_CATEGORY } from '../../contract/constants.js';
import type { AdvisoryThreshold, CategoryInfo, Me, TicketDelivery } from '../../contract/index.js';
import type { ApiClient } from '../shared/api-client.js';
import { t, uiLocale, type MessageKey } from '../shared/i18n.js';
import { useFocusOnMount } from '../shared/use-focus-on-mount.js';
import { CategorySettingSelect } from './category-setting-select.js';
import { PreferenceSwitch } from './preference-switch.js';
import { SaveStatus } from './save-status.js';
import { useCategorySettingSaver } from './use-category-setting-saver.js';
import { usePreferenceSaver } from './use-preference-saver.js';

const THRESHOLD_LABELS: Record<AdvisoryThreshold, MessageKey> = {
  all: 'prefs_threshold_all',
  high: 'prefs_threshold_high',
  critical: 'prefs_threshold_critical',
};

const DELIVERY_LABELS: Record<TicketDelivery, MessageKey> = {
  immediate: 'prefs_delivery_immediate',
  daily: 'prefs_delivery_daily',
};

interface Props {
  api: ApiClient;
  token: string;
  me: Me;
  onUnauthorized: () => void;
}

/** Preferences as shown: a missing key means the category's default; a required or locked one is always on. */
function initialPreferences(me: Me) {
  return Object.fromEntries(
    me.categories.map((c) => [c.key, c.required || me.locked.includes(c.key) || (me.preferences[c.key] ?? c.subscribedByDefault)]),
  );
}

export function PreferenceList({ api, token, me, onUnauthorized }: Props) {
  const locale = uiLocale();
  // After sign-in the form that held focus is gone: focus moves to what replaced it.
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  // The server records which wording the person saw, in which language, with each change.
  const shown = { wording: me.consentWording.version, locale };
  const { preferences, pending, locked, status, setStatus, change } = usePreferenceSaver({
    api,
    token,
    initial: initialPreferences(me),
    initialPending: me.pending,
    initialLocked: me.locked,
    confirmedByEmail: new Set(me.categories.filter((c) => !c.required && c.basis === 'express').map((c) => c.key)),
    shown,
    onUnauthorized,
  });
  const threshold = useCategorySettingSaver({
    initial: me.advisoryThreshold,
    save: (value) => api.updateAdvisoryThreshold(token, value, shown),
    savedIn: (saved) => saved.advisoryThreshold,
    onStatus: setStatus,
    onUnauthorized,
  });
  const delivery = useCategorySettingSaver({
    initial: me.ticketDelivery,
    save: (value) => api.updateTicketDelivery(token, value, shown),
    savedIn: (saved) => saved.ticketDelivery,
    onStatus: setStatus,
    onUnauthorized,
  });
  const lockedBecause = (category: CategoryInfo) => {
    if (category.required) return t('prefs_required_reason');
    return locked.includes(category.key) ? t('prefs_locked_reason', me.contact.organizationName) : null;
  };
  // Locked categories stay out: the server refuses the whole change if one of them is in it.
  const optionalOn = me.categories.filter((c) => lockedBecause(c) === null && preferences[c.key]);

  return (
    <section class="stack" aria-labelledby="prefs-heading">
      <h1 id="prefs-heading" class="title" tabIndex={-1} ref={headingRef}>
        {t('prefs_heading')}
      </h1>
      <p class="muted signed-in" title={me.contact.email}>
        {t('prefs_signed_in_as', me.contact.email)}
      </p>
      <div class="preferences-block">
        <ul class="preferences">
          {me.categories.map((category) => {
            const reason = lockedBecause(category);
            const checked = reason !== null || (preferences[category.key] ?? false);
            return (
              <PreferenceSwitch
                key={category.key}
                label={category.label[locale]}
                description={category.description[locale]}
                checked={checked}
                lockedBecause={reason}
                pending={pending.includes(category.key)}
                onToggle={(subscribed) => change({ [category.key]: subscribed })}
              >
                {category.key === ADVISORY_CATEGORY && (
                  <CategorySettingSelect
                    label={t('prefs_threshold_label')}
                    values={ADVISORY_THRESHOLDS}
                    labels={THRESHOLD_LABELS}
                    value={threshold.value}
                    disabled={!checked}
                    onChange={threshold.change}
                  />
                )}
                {category.key === TICKETS_CATEGORY && (
                  <CategorySettingSelect
                    label={t('prefs_delivery_label')}
                    values={TICKET_DELIVERIES}
                    labels={DELIVERY_LABELS}
                    value={delivery.value}
                    disabled={!checked}
                    onChange={delivery.change}
                  />
                )}
              </PreferenceSwitch>
            );
          })}
        </ul>
        <p class="consent-wording">{me.consentWording.text[locale]}</p>
      </div>
      <div class="prefs-actions">
        <SaveStatus status={status} />
        <button
          type="button"
          class="button link"
          disabled={optionalOn.length === 0}
          onClick={() => change(Object.fromEntries(optionalOn.map((c) => [c.key, false])))}
        >
          {t('prefs_unsubscribe_all')}
        </button>
      </div>
    </section>
  );
}
