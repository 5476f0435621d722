import { useId } from 'preact/hooks';
import { ADVISORY_THRESHOLDS } from '../../contract/constants.js';
import type { AdvisoryThreshold } from '../../contract/index.js';
import { t, type MessageKey } from '../shared/i18n.js';

const OPTION_LABELS: Record<AdvisoryThreshold, MessageKey> = {
  all: 'prefs_threshold_all',
  high: 'prefs_threshold_high',
  critical: 'prefs_threshold_critical',
};

interface Props {
  value: AdvisoryThreshold;
  /** Advisories switched off: the choice is kept but has nothing to filter. */
  disabled: boolean;
  onChange: (threshold: AdvisoryThreshold) => void;
}

/** One compact row under the security advisories switch. */
export function AdvisoryThresholdSelect({ value, disabled, onChange }: Props) {
  const id = useId();
  return (
    <div class="threshold">
      <label for={id}>{t('prefs_threshold_label')}</label>
      <select
        id={id}
        value={value}
        disabled={disabled}
        onChange={(event) => onChange(event.currentTarget.value as AdvisoryThreshold)}
      >
        {ADVISORY_THRESHOLDS.map((threshold) => (
          <option key={threshold} value={threshold}>
            {t(OPTION_LABELS[threshold])}
          </option>
        ))}
      </select>
    </div>
  );
}
