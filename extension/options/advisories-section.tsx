import { useCallback, useId, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { ACKNOWLEDGMENTS } from '../../contract/constants.js';
import type { Acknowledgment, MyAdvisory, Severity } from '../../contract/index.js';
import { acknowledgmentsWaiting } from '../shared/advisories.js';
import type { ApiClient } from '../shared/api-client.js';
import { failureMessageKey } from '../shared/failure-message.js';
import { formatDate, t, uiLocale, type MessageKey } from '../shared/i18n.js';
import { LoadedSection } from './loaded-section.js';

interface Props {
  api: ApiClient;
  token: string;
  organizationName: string;
  onUnauthorized: () => void;
}

const SEVERITY_LABELS: Record<Severity, MessageKey> = {
  low: 'options_advisories_severity_low',
  medium: 'options_advisories_severity_medium',
  high: 'options_advisories_severity_high',
  critical: 'options_advisories_severity_critical',
};

/** "Read by …" and "Fix applied by …": by this person, by a named colleague, or by one who gave no name. */
const ACKNOWLEDGED_LINES: Record<Acknowledgment, { byMe: MessageKey; byName: MessageKey; byColleague: MessageKey }> = {
  read: { byMe: 'options_advisories_read_by_you', byName: 'options_advisories_read_by', byColleague: 'options_advisories_read_by_colleague' },
  applied: {
    byMe: 'options_advisories_applied_by_you',
    byName: 'options_advisories_applied_by',
    byColleague: 'options_advisories_applied_by_colleague',
  },
};

const ACTION_LABELS: Record<Acknowledgment, MessageKey> = {
  read: 'options_advisories_mark_read',
  applied: 'options_advisories_mark_applied',
};

/** The security advisories sent to the contact's organization, where anyone there says, for everyone, that they read one or applied its fix. */
export function AdvisoriesSection({ api, token, organizationName, onUnauthorized }: Props) {
  const fetch = useCallback(() => api.getMyAdvisories(token), [api, token]);
  return (
    <LoadedSection fetch={fetch} failedKey={'options_advisories_load_failed'} onUnauthorized={onUnauthorized}>
      {({ items }) =>
        items.length === 0 ? (
          <p>{t('options_advisories_none')}</p>
        ) : (
          <>
            <p class="muted">{t('options_advisories_intro', organizationName)}</p>
            <ul class="advisories">
              {items.map((advisory) => (
                <AdvisoryItem key={advisory.id} api={api} token={token} initial={advisory} onUnauthorized={onUnauthorized} />
              ))}
            </ul>
          </>
        )
      }
    </LoadedSection>
  );
}

type Acknowledging = { name: 'idle' } | { name: 'saving'; action: Acknowledgment } | { name: 'failed'; action: Acknowledgment; reason: MessageKey };

function acknowledgedLine(action: Acknowledgment, acknowledged: NonNullable<MyAdvisory[Acknowledgment]>): string {
  const lines = ACKNOWLEDGED_LINES[action];
  const on = formatDate(acknowledged.at);
  if (acknowledged.byMe) return t(lines.byMe, on);
  return acknowledged.by === null ? t(lines.byColleague, on) : t(lines.byName, [acknowledged.by, on]);
}

interface ItemProps {
  api: ApiClient;
  token: string;
  initial: MyAdvisory;
  onUnauthorized: () => void;
}

function AdvisoryItem({ api, token, initial, onUnauthorized }: ItemProps) {
  const [advisory, setAdvisory] = useState(initial);
  const [state, setState] = useState<Acknowledging>({ name: 'idle' });
  const busy = useRef(false);
  const id = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const lineRefs = { read: useRef<HTMLParagraphElement>(null), applied: useRef<HTMLParagraphElement>(null) };
  const buttonRefs = { read: useRef<HTMLButtonElement>(null), applied: useRef<HTMLButtonElement>(null) };
  // The pressed button is gone once the answer shows: focus goes to the line that says what happened.
  const focusAfter = useRef<Acknowledgment | null>(null);

  useLayoutEffect(() => {
    const action = focusAfter.current;
    if (action === null) return;
    focusAfter.current = null;
    (lineRefs[action].current ?? headingRef.current)?.focus();
  }, [advisory]);

  async function acknowledge(action: Acknowledgment) {
    if (busy.current) return;
    busy.current = true;
    setState({ name: 'saving', action });
    try {
      const result = await api.acknowledgeAdvisory(token, advisory.id, action);
      if (result.ok) {
        focusAfter.current = action;
        setAdvisory(result.value);
        return setState({ name: 'idle' });
      }
      if (result.error.kind === 'unauthorized') return onUnauthorized();
      setState({ name: 'failed', action, reason: failureMessageKey(result.error) });
    } finally {
      busy.current = false;
    }
  }

  function retry(action: Acknowledgment) {
    // The Retry button goes away while the request runs: focus waits on the button it repeats.
    buttonRefs[action].current?.focus();
    void acknowledge(action);
  }

  // Title and summary may be in the other language when the advisory was not written in the contact's.
  const lang = advisory.language === uiLocale() ? undefined : advisory.language;
  const actions = acknowledgmentsWaiting(advisory);
  return (
    <li class="advisory">
      <h3 id={`${id}-title`} ref={headingRef} tabIndex={-1} lang={lang}>
        {advisory.title}
      </h3>
      <p class="advisory-meta">
        <span class={`severity ${advisory.severity}`}>
          <span class="visually-hidden">{t('options_advisories_severity')} </span>
          {t(SEVERITY_LABELS[advisory.severity])}
        </span>
        <span class="muted">{t('options_advisories_published', formatDate(advisory.publishedAt))}</span>
      </p>
      <p lang={lang}>{advisory.summary}</p>
      {ACKNOWLEDGMENTS.map((action) => {
        const acknowledged = advisory[action];
        return (
          acknowledged && (
            <p key={action} class="acknowledged" ref={lineRefs[action]} tabIndex={-1}>
              {acknowledgedLine(action, acknowledged)}
            </p>
          )
        );
      })}
      {(actions.length > 0 || state.name !== 'idle') && (
        <div class="row">
          {/* aria-disabled, not disabled: the pressed button keeps focus while the request runs. */}
          {actions.map((action) => (
            <button
              key={action}
              type="button"
              class="button secondary"
              ref={buttonRefs[action]}
              aria-describedby={`${id}-title`}
              aria-disabled={state.name === 'saving'}
              onClick={() => void acknowledge(action)}
            >
              {t(ACTION_LABELS[action])}
            </button>
          ))}
          <p id={`${id}-status`} class={`save-status ${state.name}`} role="status" aria-live="polite">
            {state.name === 'saving' && t('options_saving')}
            {state.name === 'failed' && `${t('options_advisories_ack_failed')} ${t(state.reason)}`}
          </p>
          {state.name === 'failed' && (
            <button type="button" class="button secondary" aria-describedby={`${id}-status`} onClick={() => retry(state.action)}>
              {t('common_retry')}
            </button>
          )}
        </div>
      )}
    </li>
  );
}
