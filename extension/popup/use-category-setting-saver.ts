import { useState } from 'preact/hooks';
import type { Me } from '../../contract/index.js';
import type { ApiResult } from '../shared/api-client.js';
import { saveFailureKey, type SaveStatus } from './use-preference-saver.js';

interface Options<T> {
  initial: T;
  /** Sends the new value with the wording shown; the answer is the whole, current Me. */
  save: (value: T) => Promise<ApiResult<Me>>;
  /** Where the saved value sits in the answer. */
  savedIn: (me: Me) => T;
  /** The popup's one save status, shared with the switches. */
  onStatus: (status: SaveStatus) => void;
  onUnauthorized: () => void;
}

/** A category's setting (advisory threshold, ticket delivery): shown at once, saved, undone if refused. */
export function useCategorySettingSaver<T>({ initial, save, savedIn, onStatus, onUnauthorized }: Options<T>) {
  const [value, setValue] = useState<T>(initial);

  async function change(next: T): Promise<void> {
    const previous = value;
    setValue(next);
    onStatus({ name: 'saving' });
    const result = await save(next);
    if (result.ok) {
      setValue(savedIn(result.value));
      return onStatus({ name: 'saved' });
    }
    if (result.error.kind === 'unauthorized') return onUnauthorized();
    setValue(previous);
    onStatus({ name: 'failed', why: saveFailureKey(result.error), retry: () => void change(next) });
  }

  return { value, change };
}
