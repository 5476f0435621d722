import { useRef, useState } from 'preact/hooks';
import type { MyOrganization } from '../../contract/index.js';
import type { ApiClient } from '../shared/api-client.js';
import { failureMessageKey } from '../shared/failure-message.js';
import type { MessageKey } from '../shared/i18n.js';

export type LockStatus = { name: 'idle' } | { name: 'saving' } | { name: 'saved' } | { name: 'failed'; reason: MessageKey };

interface Options {
  api: ApiClient;
  token: string;
  initial: MyOrganization;
  onUnauthorized: () => void;
}

/**
 * A lead's locks, saved one category at a time as they change: shown at once, undone if refused.
 * Each answer is the whole organization, so who receives what follows the new locks.
 */
export function useLockSaver({ api, token, initial, onUnauthorized }: Options) {
  const [organization, setOrganization] = useState<MyOrganization>(initial);
  const [status, setStatus] = useState<LockStatus>({ name: 'idle' });
  // Categories with a request in flight keep their shown lock when another answer arrives.
  const inFlight = useRef(new Map<string, number>());

  function track(category: string, delta: 1 | -1) {
    const count = (inFlight.current.get(category) ?? 0) + delta;
    if (count > 0) inFlight.current.set(category, count);
    else inFlight.current.delete(category);
  }

  async function setLock(category: string, locked: boolean): Promise<void> {
    const previous = organization.policy[category]!;
    const withLock = (current: MyOrganization, rule: typeof previous) => ({ ...current, policy: { ...current.policy, [category]: rule } });

    setOrganization((current) => withLock(current, { ...previous, locked }));
    setStatus({ name: 'saving' });
    track(category, 1);
    const result = await api.updateOrganizationPolicy(token, { [category]: { locked } });
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
    setOrganization((current) => withLock(current, previous));
    setStatus({ name: 'failed', reason: failureMessageKey(result.error) });
  }

  return { organization, status, setLock };
}
