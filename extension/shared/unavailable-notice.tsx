import { useEffect } from 'preact/hooks';
import { t } from './i18n.js';
import { useFocusOnMount } from './use-focus-on-mount.js';

export type Unavailable = 'offline' | 'unreachable';

interface Props {
  reason: Unavailable;
  onRetry: () => void;
}

export function UnavailableNotice({ reason, onRetry }: Props) {
  const retryRef = useFocusOnMount<HTMLButtonElement>();
  // Coming back online retries by itself; the button stays for a server that is down.
  useEffect(() => {
    window.addEventListener('online', onRetry);
    return () => window.removeEventListener('online', onRetry);
  }, [onRetry]);

  const offline = reason === 'offline';
  return (
    <section class="notice" role="alert" aria-labelledby="unavailable-title">
      <h2 id="unavailable-title" class="notice-title">
        {t(offline ? 'common_offline_title' : 'common_server_down_title')}
      </h2>
      <p>{t(offline ? 'common_offline_body' : 'common_server_down_body')}</p>
      <button type="button" class="button primary" ref={retryRef} onClick={onRetry}>
        {t('common_retry')}
      </button>
    </section>
  );
}
