import { useCallback, useId } from 'preact/hooks';
import type { CategoryInfo, Me, MyRecentMessage } from '../../contract/index.js';
import { LoadedSection } from '../options/loaded-section.js';
import { PreferenceSwitch } from '../popup/preference-switch.js';
import { SaveStatus } from '../popup/save-status.js';
import { usePreferenceSaver } from '../popup/use-preference-saver.js';
import type { ApiClient } from '../shared/api-client.js';
import { t, uiLocale } from '../shared/i18n.js';
import { formatWhen, statusOf, subjectOf } from './recent-email-words.js';

export interface RecentEmailsProps {
  api: ApiClient;
  token: string;
  /** The signed-in contact (GET /api/v1/me): category labels, preferences, locks and the wording shown. */
  me: Me;
  onUnauthorized: () => void;
  /** The heading's level where it is mounted (2 by default). */
  headingLevel?: 2 | 3;
}

/** "Why did I get these emails?": the person's last 30 emails, why each came or did not, and a switch for its category. */
export function RecentEmails({ api, token, me, onUnauthorized, headingLevel = 2 }: RecentEmailsProps) {
  const headingId = useId();
  const Heading = headingLevel === 3 ? 'h3' : 'h2';
  const fetch = useCallback(() => api.recentMessages(token), [api, token]);
  return (
    <section class="recent-emails stack" aria-labelledby={headingId}>
      <Heading id={headingId} class="title">
        {t('recent_heading')}
      </Heading>
      <p class="muted">{t('recent_intro')}</p>
      <LoadedSection fetch={fetch} failedKey={'recent_load_failed'} onUnauthorized={onUnauthorized}>
        {(recent) =>
          recent.items.length === 0 ? (
            <p>{t('recent_none')}</p>
          ) : (
            <RecentEmailList api={api} token={token} me={me} onUnauthorized={onUnauthorized} items={recent.items} headingId={headingId} />
          )
        }
      </LoadedSection>
    </section>
  );
}

interface ListProps extends Omit<RecentEmailsProps, 'headingLevel'> {
  items: MyRecentMessage[];
  headingId: string;
}

function RecentEmailList({ api, token, me, onUnauthorized, items, headingId }: ListProps) {
  const locale = uiLocale();
  // The popup's own saver: optimistic, only the changed key, the wording shown, undone if refused.
  const { preferences, pending, locked, status, change } = usePreferenceSaver({
    api,
    token,
    initial: Object.fromEntries(me.categories.map((c) => [c.key, c.required || me.locked.includes(c.key) || (me.preferences[c.key] ?? c.subscribedByDefault)])),
    initialPending: me.pending,
    initialLocked: me.locked,
    confirmedByEmail: new Set(me.categories.filter((c) => !c.required && c.basis === 'express').map((c) => c.key)),
    shown: { wording: me.consentWording.version, locale },
    onUnauthorized,
  });
  const categories = new Map(me.categories.map((c) => [c.key, c]));
  const lockedBecause = (category: CategoryInfo) => {
    if (category.required) return t('prefs_required_reason');
    return locked.includes(category.key) ? t('prefs_locked_reason', me.contact.organizationName) : null;
  };

  return (
    <>
      <ul class="preferences recent-email-list" aria-labelledby={headingId}>
        {items.map((message) => {
          const category = message.category === null ? undefined : categories.get(message.category);
          if (!category) return <UnswitchableRow key={message.id} message={message} />;
          const reason = lockedBecause(category);
          return (
            <PreferenceSwitch
              key={message.id}
              label={category.label[locale]}
              description={subjectOf(message)}
              checked={reason !== null || (preferences[category.key] ?? false)}
              lockedBecause={reason}
              pending={pending.includes(category.key)}
              onToggle={(subscribed) => change({ [category.key]: subscribed })}
            >
              <Details message={message} />
            </PreferenceSwitch>
          );
        })}
      </ul>
      <SaveStatus status={status} />
    </>
  );
}

/** The service's own emails (no category), or a category no longer offered: nothing to switch. */
function UnswitchableRow({ message }: { message: MyRecentMessage }) {
  return (
    <li class="preference recent-email">
      <div class="preference-text">
        <span class="preference-label">{message.category ?? t('recent_category_none')}</span>
        <span class="preference-description">{subjectOf(message)}</span>
        {message.category === null && <span class="preference-required">{t('recent_always_sent')}</span>}
      </div>
      <Details message={message} />
    </li>
  );
}

function Details({ message }: { message: MyRecentMessage }) {
  const when = message.sentAt ?? message.queuedAt;
  return (
    <p class="recent-email-details">
      <time dateTime={when}>{formatWhen(when)}</time>
      {' · '}
      <span class={`recent-email-status ${message.status}`}>{statusOf(message)}</span>
    </p>
  );
}
