import { useEffect, useRef, useState } from 'preact/hooks';
import type { Problem } from '../../contract/index.js';
import type { ConsoleApi } from '../api.js';
import type { SuppressionsStrings } from './suppressions-strings.js';

/** The server takes one line: a reason typed over several lines is sent as one. */
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/** Removing an address from the list: a required reason, then a confirmation naming the address. */
export function RemoveSuppression({ api, s, email, onRemoved }: { api: ConsoleApi; s: SuppressionsStrings; email: string; onRemoved: (email: string) => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const reasonField = useRef<HTMLTextAreaElement>(null);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) {
      element.showModal();
      cancel.current?.focus();
    } else if (!open && element.open) element.close();
  }, [open]);

  const ask = (event: Event) => {
    event.preventDefault();
    setFailure(null);
    const given = oneLine(reason);
    if (given.length < 3 || given.length > 500) {
      setReasonError(s.reasonNeeded);
      reasonField.current?.focus();
      return;
    }
    setReasonError(null);
    setOpen(true);
  };

  const remove = async () => {
    setBusy(true);
    try {
      const res = await api.request<Problem | null>('POST', '/api/v1/suppressions/remove', { email, reason: oneLine(reason) });
      if (res.status === 204) {
        // Closed now, so that the focus it gives back cannot land after the page has moved it on.
        dialog.current?.close();
        return onRemoved(email);
      }
      setOpen(false);
      if (res.status === 404) return setFailure(s.removeGone);
      if (res.status === 409) return setFailure(s.erasureStays);
      if (res.status === 400 && res.body?.errors?.some((e) => e.pointer === '#/reason')) {
        setReasonError(s.reasonNeeded);
        return reasonField.current?.focus();
      }
      setFailure(res.body?.detail ?? '');
    } catch {
      setOpen(false);
      setFailure('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="remove" onSubmit={ask} noValidate>
      <h3>{s.removeHeading}</h3>
      <p class="muted">{s.removeIntro}</p>
      <div class="field">
        <label for="suppression-reason">{s.removeReasonLabel}</label>
        <textarea
          id="suppression-reason"
          ref={reasonField}
          rows={2}
          maxLength={500}
          required
          aria-describedby={reasonError ? 'suppression-reason-error suppression-reason-hint' : 'suppression-reason-hint'}
          aria-invalid={reasonError ? true : undefined}
          value={reason}
          onInput={(e) => setReason((e.target as HTMLTextAreaElement).value)}
        />
        <p id="suppression-reason-hint" class="muted">
          {s.removeReasonHint}
        </p>
        {reasonError && (
          <p id="suppression-reason-error" role="alert" class="error">
            {reasonError}
          </p>
        )}
      </div>
      <div class="actions">
        <button type="submit" class="danger">
          {s.removeButton}
        </button>
      </div>
      {failure !== null && (
        <div role="alert" class="error">
          <p>{s.removeFailed}</p>
          {failure && <p>{failure}</p>}
        </div>
      )}
      <dialog ref={dialog} class="confirm" aria-labelledby="remove-heading" aria-describedby="remove-body" onClose={() => setOpen(false)}>
        <h2 id="remove-heading">{s.confirmHeading}</h2>
        <div id="remove-body">
          <p class="address">{s.confirmBody(email)}</p>
          <p>{s.confirmReason(oneLine(reason))}</p>
        </div>
        <div class="actions">
          <button type="button" ref={cancel} onClick={() => setOpen(false)}>
            {s.cancel}
          </button>
          <button type="button" class="danger" disabled={busy} onClick={remove}>
            {busy ? s.removing : s.confirm}
          </button>
        </div>
      </dialog>
    </form>
  );
}
