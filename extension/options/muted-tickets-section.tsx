import { useCallback, useId, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { LoadedSection } from './loaded-section.js';
import type { MutedTickets } from '../../contract/index.js';
import type { ApiClient, ApiResult } from '../shared/api-client.js';
import { failureMessageKey } from '../shared/failure-message.js';
import { formatDate, t, type MessageKey } from '../shared/i18n.js';

interface Props {
  api: ApiClient;
  token: string;
  onUnauthorized: () => void;
}

/** The tickets the person stopped hearing about from a ticket email, each with a way back. */
export function MutedTicketsSection({ api, token, onUnauthorized }: Props) {
  const fetch = useCallback(() => api.getMutedTickets(token), [api, token]);
  return (
    <LoadedSection fetch={fetch} failedKey={'options_muted_load_failed'} onUnauthorized={onUnauthorized}>
      {(tickets) => <MutedTicketList api={api} token={token} initial={tickets} onUnauthorized={onUnauthorized} />}
    </LoadedSection>
  );
}

type UnmuteStatus =
  | { name: 'idle' }
  | { name: 'saving'; ticketId: string }
  | { name: 'saved'; ticketId: string }
  | { name: 'failed'; ticketId: string; reason: MessageKey };

// A ticket the server no longer has muted (404) is already where the person wanted it.
const unmuted = (result: ApiResult<null>) => result.ok || (result.error.kind === 'problem' && result.error.problem.status === 404);

function MutedTicketList({ api, token, initial, onUnauthorized }: Props & { initial: MutedTickets }) {
  const [tickets, setTickets] = useState(initial);
  const [status, setStatus] = useState<UnmuteStatus>({ name: 'idle' });
  const listRef = useRef<HTMLUListElement>(null);
  const noneRef = useRef<HTMLParagraphElement>(null);
  // Where focus goes once a row is gone: the next row's button, or the line saying there are none.
  const focusAt = useRef<number | null>(null);

  useLayoutEffect(() => {
    if (focusAt.current === null) return;
    const buttons = listRef.current?.querySelectorAll('button') ?? [];
    (buttons[Math.min(focusAt.current, buttons.length - 1)] ?? noneRef.current)?.focus();
    focusAt.current = null;
  }, [tickets]);

  async function unmute(ticketId: string) {
    if (status.name === 'saving') return;
    setStatus({ name: 'saving', ticketId });
    const result = await api.unmuteTicket(token, ticketId);
    if (unmuted(result)) {
      focusAt.current = tickets.findIndex((ticket) => ticket.ticketId === ticketId);
      setTickets((current) => current.filter((ticket) => ticket.ticketId !== ticketId));
      return setStatus({ name: 'saved', ticketId });
    }
    if (!result.ok && result.error.kind === 'unauthorized') return onUnauthorized();
    setStatus({ name: 'failed', ticketId, reason: result.ok ? 'common_unexpected' : failureMessageKey(result.error) });
  }

  return (
    <>
      {tickets.length === 0 ? (
        <p ref={noneRef} tabIndex={-1}>
          {t('options_muted_none')}
        </p>
      ) : (
        <>
          <p class="muted">{t('options_muted_intro')}</p>
          <ul class="muted-tickets" ref={listRef}>
            {tickets.map((ticket) => (
              <MutedTicketRow
                key={ticket.ticketId}
                ticketId={ticket.ticketId}
                mutedAt={ticket.mutedAt}
                saving={status.name === 'saving' && status.ticketId === ticket.ticketId}
                onUnmute={() => unmute(ticket.ticketId)}
              />
            ))}
          </ul>
        </>
      )}
      <p class={`save-status ${status.name}`} role="status" aria-live="polite">
        {status.name === 'saving' && t('options_saving')}
        {status.name === 'saved' && t('options_muted_unmuted', status.ticketId)}
        {status.name === 'failed' && `${t('options_muted_unmute_failed', status.ticketId)} ${t(status.reason)}`}
      </p>
    </>
  );
}

interface RowProps {
  ticketId: string;
  mutedAt: string;
  saving: boolean;
  onUnmute: () => void;
}

/** The button is named with its ticket ("Unmute T-42"), so each one says what it unmutes. */
function MutedTicketRow({ ticketId, mutedAt, saving, onUnmute }: RowProps) {
  const id = useId();
  return (
    <li class="muted-ticket">
      <div class="muted-ticket-text">
        <span id={`${id}-ticket`} class="muted-ticket-id">
          {ticketId}
        </span>
        <span class="muted">{t('options_muted_since', formatDate(mutedAt))}</span>
      </div>
      <button
        type="button"
        id={`${id}-unmute`}
        class="button secondary"
        aria-labelledby={`${id}-unmute ${id}-ticket`}
        aria-disabled={saving}
        onClick={() => !saving && onUnmute()}
      >
        {t('options_muted_unmute')}
      </button>
    </li>
  );
}
