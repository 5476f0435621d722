import { useRef, useState } from 'preact/hooks';
import type { Preferences } from '../../contract/index.js';
import type { ApiClient } from '../shared/api-client.js';

export type SaveStatus = 'idle' | 'saving' | 'saved' | 'failed';

interface Options {
  api: ApiClient;
  token: string;
  initial: Preferences;
  onUnauthorized: () => void;
}

/** Optimistic preference changes: shown at once, sent with only the changed keys, undone if refused. */
export function usePreferenceSaver({ api, token, initial, onUnauthorized }: Options) {
  const [preferences, setPreferences] = useState<Preferences>(initial);
  const [status, setStatus] = useState<SaveStatus>('idle');
  // Keys with a request in flight keep their optimistic value when another answer arrives.
  const inFlight = useRef(new Map<string, number>());

  function track(keys: string[], delta: 1 | -1) {
    for (const key of keys) {
      const count = (inFlight.current.get(key) ?? 0) + delta;
      if (count > 0) inFlight.current.set(key, count);
      else inFlight.current.delete(key);
    }
  }

  async function change(changes: Preferences): Promise<void> {
    const keys = Object.keys(changes);
    if (keys.length === 0) return;
    const previous: Preferences = {};
    for (const key of keys) previous[key] = preferences[key] ?? false;

    setPreferences((current) => ({ ...current, ...changes }));
    setStatus('saving');
    track(keys, 1);
    const result = await api.updatePreferences(token, changes);
    track(keys, -1);
    const settled = inFlight.current.size === 0;

    if (result.ok) {
      setPreferences((current) => {
        const next = { ...current, ...result.value.preferences };
        for (const key of inFlight.current.keys()) next[key] = current[key] ?? false;
        return next;
      });
      if (settled) setStatus((s) => (s === 'failed' ? s : 'saved'));
      return;
    }
    if (result.error.kind === 'unauthorized') return onUnauthorized();
    setPreferences((current) => ({ ...current, ...previous }));
    setStatus('failed');
  }

  return { preferences, status, change };
}
