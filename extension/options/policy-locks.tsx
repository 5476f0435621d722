import { useId } from 'preact/hooks';
import { t } from '../shared/i18n.js';
import type { LockStatus } from './use-lock-saver.js';

interface Lock {
  key: string;
  label: string;
  locked: boolean;
}

interface Props {
  locks: Lock[];
  status: LockStatus;
  onChange: (category: string, locked: boolean) => void;
}

/** One "Required for all staff" checkbox per category, saved as soon as it changes. */
export function PolicyLocks({ locks, status, onChange }: Props) {
  return (
    <div class="stack">
      <div class="policy-locks">
        {locks.map((lock) => (
          <PolicyLock key={lock.key} lock={lock} onChange={(locked) => onChange(lock.key, locked)} />
        ))}
      </div>
      <p class={`save-status ${status.name}`} role="status" aria-live="polite">
        {status.name === 'saving' && t('options_saving')}
        {status.name === 'saved' && t('options_saved')}
        {status.name === 'failed' && `${t('options_org_lock_failed')} ${t(status.reason)}`}
      </p>
    </div>
  );
}

/** The category's name is the group's legend, so each checkbox is announced with it. */
function PolicyLock({ lock, onChange }: { lock: Lock; onChange: (locked: boolean) => void }) {
  const id = useId();
  return (
    <fieldset class="policy-lock">
      <legend>{lock.label}</legend>
      <label class="checkbox" for={id}>
        <input id={id} type="checkbox" checked={lock.locked} onChange={(e) => onChange(e.currentTarget.checked)} />
        {t('options_org_lock_label')}
      </label>
    </fieldset>
  );
}
