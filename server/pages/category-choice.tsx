import type { ComponentChildren } from 'preact';
import type { CategoryInfo, Locale } from '../../contract/index.js';

/**
 * A category's checkbox row: the checkbox and the category's name are one label, the whole row a
 * target at least 44 px high; its description (the children, under `<id>-description`) follows.
 */
export function CategoryChoice(props: { id: string; category: CategoryInfo; locale: Locale; checked: boolean; disabled?: boolean; children?: ComponentChildren }) {
  const { id, category, locale, checked, disabled, children } = props;
  return (
    <div class="category">
      <label class="choice" for={id}>
        <input type="checkbox" id={id} name="category" value={category.key} checked={checked} disabled={disabled} aria-describedby={`${id}-description`} />
        <span>{category.label[locale]}</span>
      </label>
      {children}
    </div>
  );
}
