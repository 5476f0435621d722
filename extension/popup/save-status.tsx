import { t } from '../shared/i18n.js';
import type { SaveStatus as Status } from './use-preference-saver.js';

/** Always rendered, so screen readers announce each change of its text. */
export function SaveStatus({ status }: { status: Status }) {
  return (
    <p class={`save-status ${status}`} role="status" aria-live="polite">
      {status === 'saving' && t('prefs_saving')}
      {status === 'saved' && t('prefs_saved')}
      {status === 'confirm-sent' && t('prefs_confirmation_sent')}
      {status === 'failed' && t('prefs_save_failed')}
    </p>
  );
}
