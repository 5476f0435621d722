import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';
import { t } from '../shared/i18n.js';

interface Props {
  label: string;
  description: string;
  checked: boolean;
  /** Why the person cannot switch it (a required category, or one their organization locked on); null when they can. */
  lockedBecause: string | null;
  /** Waiting for the person to confirm from their inbox: the switch stays off until then. */
  pending: boolean;
  onToggle: (subscribed: boolean) => void;
  /** A setting of the category's own, beside its name. */
  children?: ComponentChildren;
}

export function PreferenceSwitch({ label, description, checked, lockedBecause, pending, onToggle, children }: Props) {
  const id = useId();
  const locked = lockedBecause !== null;
  const describedBy = [`${id}-desc`, locked && `${id}-req`, pending && `${id}-pending`].filter(Boolean).join(' ');
  return (
    <li class="preference">
      <div class="preference-text">
        <span class="preference-head">
          <span id={`${id}-label`} class="preference-label">
            {label}
          </span>
          {children}
        </span>
        <span id={`${id}-desc`} class="preference-description">
          {description}
        </span>
        {locked && (
          <span id={`${id}-req`} class="preference-required">
            {lockedBecause}
          </span>
        )}
      </div>
      <button
        type="button"
        role="switch"
        class="switch"
        aria-checked={checked}
        aria-labelledby={`${id}-label`}
        aria-describedby={describedBy}
        disabled={locked}
        onClick={() => onToggle(!checked)}
      >
        <span class="switch-thumb" aria-hidden="true" />
      </button>
      {/* Under the text and the switch, across the row: one line fewer than beside the switch. */}
      {pending && (
        <span id={`${id}-pending`} class="preference-pending">
          {t('prefs_pending_confirmation')}
        </span>
      )}
    </li>
  );
}
