import { useRef, useState } from 'preact/hooks';
import type { Preferences } from '../../contract/index.js';
import type { ApiClient, ApiFailure, WordingShown } from '../shared/api-client.js';
import type { MessageKey } from '../shared/i18n.js';

/**
 * `confirm-sent`: the server emailed a confirmation link instead of turning a category on.
 * `failed`: the change was undone; why, and how to send it again.
 */
export type SaveStatus = { name: 'idle' | 'saving' | 'saved' | 'confirm-sent' } | { name: 'failed'; why: MessageKey; retry: () => void };

/** Why a change did not save, in the words the person needs to decide what to do. */
export function saveFailureKey(failure: ApiFailure): MessageKey {
  switch (failure.kind) {
    case 'offline':
      return 'prefs_save_failed_offline';
    case 'rate-limited':
      return 'prefs_save_failed_rate_limited';
    case 'problem':
      return 'prefs_save_failed';
    default:
      return 'prefs_save_failed_unreachable';
  }
}

interface Options {
  api: ApiClient;
  token: string;
  initial: Preferences;
  /** Categories waiting for the person to confirm from their inbox. */
  initialPending: string[];
  /** Categories the person's organization locked on. */
  initialLocked: string[];
  /** Categories that only the person's confirmation by email turns on (basis `express`). */
  confirmedByEmail: ReadonlySet<string>;
  shown: WordingShown;
  onUnauthorized: () => void;
}

/**
 * Optimistic preference changes: shown at once, sent with only the changed keys and the wording
 * shown, undone if refused. A category that needs an emailed confirmation is not shown on before
 * the server says so: it stays off, pending, until the person confirms from their inbox.
 */
export function usePreferenceSaver({ api, token, initial, initialPending, initialLocked, confirmedByEmail, shown, onUnauthorized }: Options) {
  const [preferences, setPreferences] = useState<Preferences>(initial);
  const [pending, setPending] = useState<string[]>(initialPending);
  const [locked, setLocked] = useState<string[]>(initialLocked);
  const [status, setStatus] = useState<SaveStatus>({ name: 'idle' });
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
    const asksConfirmation = (key: string) => changes[key] === true && confirmedByEmail.has(key);
    const optimistic = Object.fromEntries(keys.filter((key) => !asksConfirmation(key)).map((key) => [key, changes[key]!]));

    setPreferences((current) => ({ ...current, ...optimistic }));
    setStatus({ name: 'saving' });
    track(keys, 1);
    const result = await api.updatePreferences(token, changes, shown);
    track(keys, -1);
    const settled = inFlight.current.size === 0;

    if (result.ok) {
      const answer = result.value;
      setPreferences((current) => {
        const next = { ...current, ...answer.preferences };
        for (const key of inFlight.current.keys()) next[key] = current[key] ?? false;
        return next;
      });
      setPending(answer.pending);
      setLocked(answer.locked);
      const emailed = keys.some((key) => asksConfirmation(key) && answer.pending.includes(key) && !answer.preferences[key]);
      if (settled) setStatus((s) => (s.name === 'failed' ? s : { name: emailed ? 'confirm-sent' : 'saved' }));
      return;
    }
    if (result.error.kind === 'unauthorized') return onUnauthorized();
    setPreferences((current) => ({ ...current, ...previous }));
    setStatus({ name: 'failed', why: saveFailureKey(result.error), retry: () => void change(changes) });
  }

  return { preferences, pending, locked, status, setStatus, change };
}
