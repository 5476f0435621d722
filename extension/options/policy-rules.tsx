import { useId } from 'preact/hooks';
import { t } from '../shared/i18n.js';
import type { PolicyRule, PolicyStatus } from './use-policy-saver.js';

interface Rule extends PolicyRule {
  key: string;
  label: string;
}

interface Props {
  rules: Rule[];
  status: PolicyStatus;
  onChange: (category: string, change: Partial<PolicyRule>) => void;
}

/**
 * Per category, a "Required for all staff" checkbox and what staff who have not chosen receive;
 * each saved as soon as it changes.
 */
export function PolicyRules({ rules, status, onChange }: Props) {
  return (
    <div class="stack">
      <div class="policy-locks">
        {rules.map((rule) => (
          <PolicyRuleFields key={rule.key} rule={rule} onChange={(change) => onChange(rule.key, change)} />
        ))}
      </div>
      <p class={`save-status ${status.name}`} role="status" aria-live="polite">
        {status.name === 'saving' && t('options_saving')}
        {status.name === 'saved' && t('options_saved')}
        {status.name === 'failed' && `${t('options_org_policy_failed')} ${t(status.reason)}`}
      </p>
    </div>
  );
}

const DEFAULTS = [
  { value: 'null', label: 'options_org_default_usual' },
  { value: 'true', label: 'options_org_default_on' },
  { value: 'false', label: 'options_org_default_off' },
] as const;

/** The category's name is the group's legend, so each control is announced with it. */
function PolicyRuleFields({ rule, onChange }: { rule: Rule; onChange: (change: Partial<PolicyRule>) => void }) {
  const lockId = useId();
  const defaultId = useId();
  return (
    <fieldset class="policy-lock">
      <legend>{rule.label}</legend>
      <label class="checkbox" for={lockId}>
        <input id={lockId} type="checkbox" checked={rule.locked} onChange={(e) => onChange({ locked: e.currentTarget.checked })} />
        {t('options_org_lock_label')}
      </label>
      <label class="policy-default" for={defaultId}>
        {t('options_org_default_label')}
        <select
          id={defaultId}
          value={String(rule.default)}
          onChange={(e) => onChange({ default: JSON.parse(e.currentTarget.value) as boolean | null })}
        >
          {DEFAULTS.map((option) => (
            <option key={option.value} value={option.value}>
              {t(option.label)}
            </option>
          ))}
        </select>
      </label>
    </fieldset>
  );
}
