import { useState } from 'preact/hooks';
import type { AdvisoryThreshold } from '../../contract/index.js';
import type { ApiClient, WordingShown } from '../shared/api-client.js';
import type { SaveStatus } from './use-preference-saver.js';

interface Options {
  api: ApiClient;
  token: string;
  initial: AdvisoryThreshold;
  shown: WordingShown;
  /** The popup's one save status, shared with the switches. */
  onStatus: (status: SaveStatus) => void;
  onUnauthorized: () => void;
}

/** Which advisories the person receives: shown at once, saved with the wording shown, undone if refused. */
export function useAdvisoryThresholdSaver({ api, token, initial, shown, onStatus, onUnauthorized }: Options) {
  const [threshold, setThreshold] = useState<AdvisoryThreshold>(initial);

  async function change(next: AdvisoryThreshold): Promise<void> {
    const previous = threshold;
    setThreshold(next);
    onStatus('saving');
    const result = await api.updateAdvisoryThreshold(token, next, shown);
    if (result.ok) {
      setThreshold(result.value.advisoryThreshold);
      return onStatus('saved');
    }
    if (result.error.kind === 'unauthorized') return onUnauthorized();
    setThreshold(previous);
    onStatus('failed');
  }

  return { threshold, change };
}
