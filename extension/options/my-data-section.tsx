import { useEffect, useRef, useState } from 'preact/hooks';
import type { ErasedData, ErasureReceipt, KeptData } from '../../contract/index.js';
import type { ApiClient } from '../shared/api-client.js';
import { failureMessageKey } from '../shared/failure-message.js';
import { t, type MessageKey } from '../shared/i18n.js';
import { useFocusOnMount } from '../shared/use-focus-on-mount.js';
import { exportFileName, saveJsonFile } from './save-file.js';

interface Props {
  api: ApiClient;
  token: string;
  onUnauthorized: () => void;
  /** Called once the server erased the contact; the caller clears the stored session. */
  onErased: (receipt: ErasureReceipt) => void;
}

/** "Your data": a copy of everything held about the contact, and erasure after a confirmation step. */
export function MyDataSection({ api, token, onUnauthorized, onErased }: Props) {
  return (
    <div class="stack">
      <p>{t('options_data_intro')}</p>
      <DownloadMyData api={api} token={token} onUnauthorized={onUnauthorized} />
      <DeleteMyData api={api} token={token} onUnauthorized={onUnauthorized} onErased={onErased} />
    </div>
  );
}

type Download = { name: 'idle' } | { name: 'working' } | { name: 'done'; fileName: string } | { name: 'failed'; reason: MessageKey };

function DownloadMyData({ api, token, onUnauthorized }: Omit<Props, 'onErased'>) {
  const [state, setState] = useState<Download>({ name: 'idle' });

  async function download() {
    if (state.name === 'working') return;
    setState({ name: 'working' });
    const result = await api.exportMyData(token);
    if (!result.ok) {
      if (result.error.kind === 'unauthorized') return onUnauthorized();
      return setState({ name: 'failed', reason: failureMessageKey(result.error) });
    }
    // Anything but a JSON object (an empty or non-JSON answer) is not an export worth saving.
    if (typeof result.value !== 'object' || result.value === null) return setState({ name: 'failed', reason: 'common_unexpected' });
    const fileName = exportFileName();
    try {
      saveJsonFile(fileName, result.value);
    } catch {
      return setState({ name: 'failed', reason: 'common_unexpected' });
    }
    setState({ name: 'done', fileName });
  }

  const statusClass = state.name === 'done' ? 'saved' : state.name === 'failed' ? 'failed' : '';
  return (
    <div class="row">
      <button type="button" class="button secondary" aria-disabled={state.name === 'working'} onClick={download}>
        {t('options_data_download')}
      </button>
      <p class={`save-status ${statusClass}`} role="status" aria-live="polite">
        {state.name === 'working' && t('options_data_downloading')}
        {state.name === 'done' && t('options_data_downloaded', state.fileName)}
        {state.name === 'failed' && `${t('options_data_download_failed')} ${t(state.reason)}`}
      </p>
    </div>
  );
}

type Erase = { name: 'closed' } | { name: 'confirming'; failure: MessageKey | null } | { name: 'erasing' };

function DeleteMyData({ api, token, onUnauthorized, onErased }: Props) {
  const [state, setState] = useState<Erase>({ name: 'closed' });
  const toggleRef = useRef<HTMLButtonElement>(null);
  const busy = useRef(false);
  const wasOpen = useRef(false);

  // Closing the confirmation puts focus back on the button that opened it.
  useEffect(() => {
    if (state.name === 'closed' && wasOpen.current) toggleRef.current?.focus();
    wasOpen.current = state.name !== 'closed';
  }, [state.name]);

  async function erase() {
    if (busy.current) return;
    busy.current = true;
    setState({ name: 'erasing' });
    try {
      const result = await api.eraseMe(token);
      if (result.ok) return onErased(result.value);
      if (result.error.kind === 'unauthorized') return onUnauthorized();
      setState({ name: 'confirming', failure: failureMessageKey(result.error) });
    } finally {
      busy.current = false;
    }
  }

  const open = state.name !== 'closed';
  return (
    <div class="stack">
      <div class="row">
        <button
          type="button"
          class="button secondary danger-text"
          ref={toggleRef}
          aria-expanded={open}
          aria-controls="erase-confirmation"
          onClick={() => setState(open ? { name: 'closed' } : { name: 'confirming', failure: null })}
        >
          {t('options_data_delete')}
        </button>
      </div>
      {open && (
        <EraseConfirmation
          erasing={state.name === 'erasing'}
          failure={state.name === 'confirming' ? state.failure : null}
          onConfirm={erase}
          onCancel={() => setState({ name: 'closed' })}
        />
      )}
    </div>
  );
}

interface ConfirmationProps {
  erasing: boolean;
  failure: MessageKey | null;
  onConfirm: () => void;
  onCancel: () => void;
}

function EraseConfirmation({ erasing, failure, onConfirm, onCancel }: ConfirmationProps) {
  // Focus goes to the explanation, not to the confirm button: a held or repeated Enter must not erase.
  const groupRef = useFocusOnMount<HTMLDivElement>();
  return (
    <div
      id="erase-confirmation"
      class="confirmation stack"
      role="group"
      tabIndex={-1}
      ref={groupRef}
      aria-labelledby="erase-heading"
      aria-describedby="erase-explanation"
    >
      <h3 id="erase-heading">{t('options_data_delete_heading')}</h3>
      <div id="erase-explanation" class="stack">
        <p>{t('options_data_delete_erased')}</p>
        <div>
          <p>{t('options_data_delete_kept_intro')}</p>
          <ul>
            <li>{t('options_data_delete_kept_consent')}</li>
            <li>{t('options_data_delete_kept_log')}</li>
          </ul>
        </div>
      </div>
      <div class="row">
        {/* aria-disabled, not disabled: the button keeps focus while the request runs. */}
        <button type="button" class="button danger" aria-disabled={erasing} onClick={() => !erasing && onConfirm()}>
          {t('options_data_delete_confirm')}
        </button>
        <button type="button" class="button secondary" disabled={erasing} onClick={onCancel}>
          {t('options_data_delete_cancel')}
        </button>
      </div>
      <p class={`save-status ${failure ? 'failed' : ''}`} role="status" aria-live="polite">
        {erasing && t('options_data_deleting')}
        {failure && `${t('options_data_delete_failed')} ${t(failure)}`}
      </p>
    </div>
  );
}

/** The receipt's codes in the person's language (the server's `why` is English, for the record). */
const ERASED_WORDS: Record<ErasedData, MessageKey> = {
  email: 'options_erased_email',
  name: 'options_erased_name',
  phone: 'options_erased_phone',
  'job-title': 'options_erased_job_title',
  locale: 'options_erased_locale',
  organization: 'options_erased_organization',
  preferences: 'options_erased_preferences',
  'sign-in': 'options_erased_sign_in',
  'queued-messages': 'options_erased_queued_messages',
  'message-contents': 'options_erased_message_contents',
};
const KEPT_WORDS: Record<KeptData, { data: MessageKey; why: MessageKey }> = {
  'consent-history': { data: 'options_kept_consent_history', why: 'options_kept_consent_history_why' },
  'message-log': { data: 'options_kept_message_log', why: 'options_kept_message_log_why' },
  'suppression-hash': { data: 'options_kept_suppression_hash', why: 'options_kept_suppression_hash_why' },
  'advisory-acknowledgments': { data: 'options_kept_advisory_acknowledgments', why: 'options_kept_advisory_acknowledgments_why' },
};

/** What the server erased and what it kept, after the contact confirmed; the page says the session is gone. */
export function ErasureReceiptView({ receipt }: { receipt: ErasureReceipt }) {
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  return (
    <div class="stack">
      <h3 tabIndex={-1} ref={headingRef}>
        {t('options_data_deleted_heading')}
      </h3>
      <p class="muted">{t('options_data_receipt_id', receipt.id)}</p>
      {receipt.erased.length > 0 && (
        <div>
          <h4 id="erased-heading">{t('options_data_deleted_erased')}</h4>
          <ul aria-labelledby="erased-heading">
            {receipt.erased.map((item) => (
              <li key={item}>{t(ERASED_WORDS[item])}</li>
            ))}
          </ul>
        </div>
      )}
      {receipt.kept.length > 0 && (
        <div>
          <h4>{t('options_data_deleted_kept')}</h4>
          <dl class="kept">
            {receipt.kept.map((item) => (
              <div key={item.data}>
                <dt>{t(KEPT_WORDS[item.data].data)}</dt>
                <dd>{t(KEPT_WORDS[item.data].why)}</dd>
              </div>
            ))}
          </dl>
        </div>
      )}
    </div>
  );
}
