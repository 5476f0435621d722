import { t } from '../shared/i18n.js';

/** The same height as the five default categories' screen, so the popup does not jump when data arrives. */
export function LoadingSkeleton() {
  return (
    <>
      <h1 class="visually-hidden">{t('ext_action_title')}</h1>
      <div class="skeleton" role="status" aria-busy="true">
      <span class="visually-hidden">{t('common_loading')}</span>
      <div class="skeleton-bar title" aria-hidden="true" />
      <div class="skeleton-bar short" aria-hidden="true" />
      {[0, 1, 2, 3, 4].map((i) => (
        <div key={i} class="skeleton-row" aria-hidden="true" />
      ))}
      </div>
    </>
  );
}
