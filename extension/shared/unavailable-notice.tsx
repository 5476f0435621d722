import { useEffect } from 'preact/hooks';
import { t } from './i18n.js';
import { useFocusOnMount } from './use-focus-on-mount.js';

export type Unavailable = 'offline' | 'unreachable';

interface Props {
  reason: Unavailable;
  onRetry: () => void;
  /** Signing out needs no server: the session ends here even while it cannot be told. */
  onSignOut?: () => void;
  /** `h1` where the notice is the whole screen (the popup); `h2` inside a page. */
  headingLevel?: 'h1' | 'h2';
}

export function UnavailableNotice({ reason, onRetry, onSignOut, headingLevel: Heading = 'h2' }: Props) {
  const retryRef = useFocusOnMount<HTMLButtonElement>();
  // Coming back online retries by itself; the button stays for a server that is down.
  useEffect(() => {
    window.addEventListener('online', onRetry);
    return () => window.removeEventListener('online', onRetry);
  }, [onRetry]);

  const offline = reason === 'offline';
  return (
    <section class="notice" role="alert" aria-labelledby="unavailable-title">
      <Heading id="unavailable-title" class={Heading === 'h1' ? 'title notice-title' : 'notice-title'}>
        {t(offline ? 'common_offline_title' : 'common_server_down_title')}
      </Heading>
      <p>{t(offline ? 'common_offline_body' : 'common_server_down_body')}</p>
      <div class="row">
        <button type="button" class="button primary" ref={retryRef} onClick={onRetry}>
          {t('common_retry')}
        </button>
        {onSignOut && (
          <button type="button" class="button link" onClick={onSignOut}>
            {t('prefs_sign_out')}
          </button>
        )}
      </div>
    </section>
  );
}
