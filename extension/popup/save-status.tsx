import { t } from '../shared/i18n.js';
import type { SaveStatus as Status } from './use-preference-saver.js';

/** Always rendered, so screen readers announce each change of its text; a failure says why and offers Retry. */
export function SaveStatus({ status }: { status: Status }) {
  return (
    <div class="save-line">
      <p class={`save-status ${status.name}`} role="status" aria-live="polite">
        {status.name === 'saving' && t('prefs_saving')}
        {status.name === 'saved' && t('prefs_saved')}
        {status.name === 'confirm-sent' && t('prefs_confirmation_sent')}
        {status.name === 'failed' && t(status.why)}
      </p>
      {status.name === 'failed' && (
        <button type="button" class="button link" onClick={status.retry}>
          {t('common_retry')}
        </button>
      )}
    </div>
  );
}
