import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { ApiResult } from '../shared/api-client.js';
import { failureMessageKey } from '../shared/failure-message.js';
import { t, type MessageKey } from '../shared/i18n.js';

type Loaded<T> = { name: 'loading' } | { name: 'failed'; reason: MessageKey } | { name: 'ready'; value: T };

/** A section of the options page that first loads its data: loading, a failure with Retry, then `children` with the data. */
export function LoadedSection<T>(props: {
  fetch: () => Promise<ApiResult<T>>;
  failedKey: MessageKey;
  onUnauthorized: () => void;
  children: (value: T) => ComponentChildren;
}) {
  const { fetch, failedKey, onUnauthorized, children } = props;
  const [loaded, setLoaded] = useState<Loaded<T>>({ name: 'loading' });

  const load = useCallback(async () => {
    setLoaded({ name: 'loading' });
    const result = await fetch();
    if (result.ok) return setLoaded({ name: 'ready', value: result.value });
    if (result.error.kind === 'unauthorized') return onUnauthorized();
    setLoaded({ name: 'failed', reason: failureMessageKey(result.error) });
  }, [fetch, onUnauthorized]);

  useEffect(() => {
    void load();
  }, [load]);

  if (loaded.name === 'loading') return <p class="muted">{t('common_loading')}</p>;
  if (loaded.name === 'failed') {
    return (
      <div class="row">
        <p class="error" role="alert">
          {`${t(failedKey)} ${t(loaded.reason)}`}
        </p>
        <button type="button" class="button secondary" onClick={load}>
          {t('common_retry')}
        </button>
      </div>
    );
  }
  return <>{children(loaded.value)}</>;
}
