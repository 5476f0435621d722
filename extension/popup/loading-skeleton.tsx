import { t } from '../shared/i18n.js';

/** The same height as a typical preference list, so the popup does not jump when data arrives. */
export function LoadingSkeleton() {
  return (
    <div class="skeleton" role="status" aria-busy="true">
      <span class="visually-hidden">{t('common_loading')}</span>
      <div class="skeleton-bar title" aria-hidden="true" />
      <div class="skeleton-bar short" aria-hidden="true" />
      {[0, 1, 2].map((i) => (
        <div key={i} class="skeleton-row" aria-hidden="true" />
      ))}
    </div>
  );
}
