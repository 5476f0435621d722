import { useEffect, useState } from 'preact/hooks';
import { acknowledgmentsWaiting } from '../shared/advisories.js';
import type { ApiClient } from '../shared/api-client.js';
import { t } from '../shared/i18n.js';
import { showOptionsSection } from './show-options-section.js';

const showAdvisories = () => showOptionsSection('advisories');

/** One line, only while some advisory waits for the organization; it opens the options page at the advisories. */
export function OpenAdvisoriesLine({ api, token }: { api: ApiClient; token: string }) {
  const [waiting, setWaiting] = useState(0);

  useEffect(() => {
    let current = true;
    // Best effort: without the list, the popup shows what it showed before.
    void api.getMyAdvisories(token).then((result) => {
      if (current && result.ok) setWaiting(result.value.items.filter((advisory) => acknowledgmentsWaiting(advisory).length > 0).length);
    });
    return () => {
      current = false;
    };
  }, [api, token]);

  if (waiting === 0) return null;
  return (
    <p class="open-advisories">
      <button type="button" class="button link" onClick={() => void showAdvisories()}>
        {waiting === 1 ? t('prefs_advisories_waiting_one') : t('prefs_advisories_waiting_many', String(waiting))}
      </button>
    </p>
  );
}
