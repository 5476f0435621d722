import { useId } from 'preact/hooks';
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

/** One compact row under a category's switch: how that category's emails come (which ones, how often). */
export function CategorySettingSelect<T extends string>({ label, values, labels, value, disabled, onChange }: Props<T>) {
  const id = useId();
  return (
    <div class="category-setting">
      <label for={id}>{label}</label>
      <select id={id} value={value} disabled={disabled} onChange={(event) => onChange(event.currentTarget.value as T)}>
        {values.map((choice) => (
          <option key={choice} value={choice}>
            {t(labels[choice])}
          </option>
        ))}
      </select>
    </div>
  );
}
