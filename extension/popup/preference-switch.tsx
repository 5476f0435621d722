import { useId } from 'preact/hooks';
import { t } from '../shared/i18n.js';

interface Props {
  label: string;
  description: string;
  checked: boolean;
  required: boolean;
  onToggle: (subscribed: boolean) => void;
}

export function PreferenceSwitch({ label, description, checked, required, onToggle }: Props) {
  const id = useId();
  const describedBy = required ? `${id}-desc ${id}-req` : `${id}-desc`;
  return (
    <li class="preference">
      <div class="preference-text">
        <span id={`${id}-label`} class="preference-label">
          {label}
        </span>
        <span id={`${id}-desc`} class="preference-description">
          {description}
        </span>
        {required && (
          <span id={`${id}-req`} class="preference-required">
            {t('prefs_required_reason')}
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
        disabled={required}
        onClick={() => onToggle(!checked)}
      >
        <span class="switch-thumb" aria-hidden="true" />
      </button>
    </li>
  );
}
