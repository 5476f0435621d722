import { t, type MessageKey } from '../shared/i18n.js';

interface Props<T extends string> {
  label: string;
  /** Every choice, in the order shown. */
  values: readonly T[];
  labels: Record<T, MessageKey>;
  value: T;
  /** Category switched off: the choice is kept but has nothing to apply to. */
  disabled: boolean;
  onChange: (value: T) => void;
}

/**
 * Beside a category's name: how that category's emails come (which ones, how often). Its choices
 * say what they are, so the label is for screen readers and the row keeps to one line.
 */
export function CategorySettingSelect<T extends string>({ label, values, labels, value, disabled, onChange }: Props<T>) {
  return (
    <select class="category-setting" aria-label={label} value={value} disabled={disabled} onChange={(event) => onChange(event.currentTarget.value as T)}>
        {values.map((choice) => (
          <option key={choice} value={choice}>
            {t(labels[choice])}
          </option>
        ))}
    </select>
  );
}
