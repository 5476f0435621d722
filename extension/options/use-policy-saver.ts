import { useRef, useState } from 'preact/hooks';
import type { MyOrganization } from '../../contract/index.js';
import type { ApiClient } from '../shared/api-client.js';
import { failureMessageKey } from '../shared/failure-message.js';
import type { MessageKey } from '../shared/i18n.js';

export type PolicyStatus = { name: 'idle' } | { name: 'saving' } | { name: 'saved' } | { name: 'failed'; reason: MessageKey };

/** One category's rule: on for all staff (`locked`), and what staff who never chose receive (`default`, null for the category's own). */
export type PolicyRule = MyOrganization['policy'][string];

interface Options {
  api: ApiClient;
  token: string;
  initial: MyOrganization;
  onUnauthorized: () => void;
}

/**
 * A lead's policy, saved one field of one category at a time as it changes: shown at once, undone if refused.
 * Each answer is the whole organization, so who receives what follows the new policy.
 */
export function usePolicySaver({ api, token, initial, onUnauthorized }: Options) {
  const [organization, setOrganization] = useState<MyOrganization>(initial);
  const [status, setStatus] = useState<PolicyStatus>({ name: 'idle' });
  // Categories with a request in flight keep their shown rule when another answer arrives.
  const inFlight = useRef(new Map<string, number>());

  function track(category: string, delta: 1 | -1) {
    const count = (inFlight.current.get(category) ?? 0) + delta;
    if (count > 0) inFlight.current.set(category, count);
    else inFlight.current.delete(category);
  }

  async function setRule(category: string, change: Partial<PolicyRule>): Promise<void> {
    const rule = organization.policy[category]!;
    // Only the changed fields go back if refused, so another field's change in flight stays shown.
    const previous = Object.fromEntries(Object.keys(change).map((field) => [field, rule[field as keyof PolicyRule]])) as Partial<PolicyRule>;
    const withRule = (current: MyOrganization, fields: Partial<PolicyRule>) => ({
      ...current,
      policy: { ...current.policy, [category]: { ...current.policy[category]!, ...fields } },
    });

    setOrganization((current) => withRule(current, change));
    setStatus({ name: 'saving' });
    track(category, 1);
    const result = await api.updateOrganizationPolicy(token, { [category]: change });
    track(category, -1);

    if (result.ok) {
      setOrganization((current) => {
        const policy = { ...result.value.policy };
        for (const key of inFlight.current.keys()) if (current.policy[key]) policy[key] = current.policy[key];
        return { ...result.value, policy };
      });
      if (inFlight.current.size === 0) setStatus((s) => (s.name === 'failed' ? s : { name: 'saved' }));
      return;
    }
    if (result.error.kind === 'unauthorized') return onUnauthorized();
    setOrganization((current) => withRule(current, previous));
    setStatus({ name: 'failed', reason: failureMessageKey(result.error) });
  }

  return { organization, status, setRule };
}
