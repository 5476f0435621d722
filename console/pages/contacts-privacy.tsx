import { useEffect, useRef, useState } from 'preact/hooks';
import type { Contact, ErasureReceipt, Locale, MyDataExport, Problem } from '../../contract/index.js';
import type { ConsoleApi } from '../api.js';
import type { ContactsStrings } from './contacts-strings.js';

type TextField = 'name' | 'phone' | 'jobTitle';
const TEXT_FIELDS: { key: TextField; max: number; inputMode: 'text' | 'tel' }[] = [
  { key: 'name', max: 200, inputMode: 'text' },
  { key: 'phone', max: 40, inputMode: 'tel' },
  { key: 'jobTitle', max: 200, inputMode: 'text' },
];

type SaveState = { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved' } | { kind: 'nothing' } | { kind: 'failed'; detail: string | null };

/**
 * Correction: name, phone, job title and language for support and admin; the address for an
 * admin only (the API answers 403 to anyone else, so the field is not offered).
 */
export function CorrectForm({ api, s, contact, canChangeEmail, onSaved }: { api: ConsoleApi; s: ContactsStrings; contact: Contact; canChangeEmail: boolean; onSaved: (c: Contact) => void }) {
  const fromContact = () => ({ name: contact.name ?? '', phone: contact.phone ?? '', jobTitle: contact.jobTitle ?? '', locale: contact.locale, email: contact.email });
  const [values, setValues] = useState(fromContact);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [state, setState] = useState<SaveState>({ kind: 'idle' });
  useEffect(() => setValues(fromContact()), [contact]);

  const set = (key: keyof ReturnType<typeof fromContact>) => (event: Event) => setValues((v) => ({ ...v, [key]: (event.target as HTMLInputElement).value }));

  const save = async (event: Event) => {
    event.preventDefault();
    setErrors({});
    const patch: Record<string, unknown> = {};
    for (const { key } of TEXT_FIELDS) {
      const next = values[key].trim() || null;
      if (next !== contact[key]) patch[key] = next;
    }
    if (values.locale !== contact.locale) patch.locale = values.locale;
    if (canChangeEmail && values.email.trim().toLowerCase() !== contact.email) patch.email = values.email.trim();
    if (!Object.keys(patch).length) return setState({ kind: 'nothing' });
    setState({ kind: 'saving' });
    try {
      const res = await api.request<Contact & Problem>('PATCH', `/api/v1/contacts/${encodeURIComponent(contact.id)}`, patch);
      if (res.status === 200) {
        setState({ kind: 'saved' });
        onSaved(res.body);
        return;
      }
      const byField: Record<string, string> = {};
      for (const e of res.body?.errors ?? []) byField[e.pointer.split('/').at(-1) ?? ''] = e.detail;
      if (res.status === 409) byField.email = res.body?.title ?? '';
      setErrors(byField);
      setState({ kind: 'failed', detail: Object.keys(byField).length ? s.fieldErrors : (res.body?.detail ?? res.body?.title ?? null) });
    } catch {
      setState({ kind: 'failed', detail: s.loadFailed });
    }
  };

  const describedBy = (key: string, hint?: string) => [hint, errors[key] ? `correct-${key}-error` : undefined].filter(Boolean).join(' ') || undefined;
  const fieldError = (key: string) =>
    errors[key] ? (
      <p id={`correct-${key}-error`} class="error field-error">
        {errors[key]}
      </p>
    ) : null;

  return (
    <div class="privacy-action">
      <h4>{s.correctHeading}</h4>
      <p class="muted">{s.correctIntro}</p>
      <form class="correct" onSubmit={save} noValidate>
        {TEXT_FIELDS.map(({ key, max, inputMode }) => (
          <div class="field" key={key}>
            <label for={`correct-${key}`}>{s[key]}</label>
            <input
              id={`correct-${key}`}
              type="text"
              inputMode={inputMode}
              value={values[key]}
              maxLength={max}
              autocomplete="off"
              aria-invalid={errors[key] ? true : undefined}
              aria-describedby={describedBy(key)}
              onInput={set(key)}
            />
            {fieldError(key)}
          </div>
        ))}
        <div class="field">
          <label for="correct-locale">{s.language}</label>
          <select id="correct-locale" value={values.locale} onChange={set('locale')} aria-describedby={describedBy('locale')}>
            {(Object.keys(s.languages) as Locale[]).map((l) => (
              <option key={l} value={l}>
                {s.languages[l]}
              </option>
            ))}
          </select>
          {fieldError('locale')}
        </div>
        {canChangeEmail ? (
          <div class="field wide">
            <label for="correct-email">{s.email}</label>
            <input
              id="correct-email"
              type="email"
              value={values.email}
              maxLength={320}
              autocomplete="off"
              spellcheck={false}
              aria-invalid={errors.email ? true : undefined}
              aria-describedby={describedBy('email')}
              onInput={set('email')}
            />
            {fieldError('email')}
          </div>
        ) : (
          <p class="muted">{s.emailAdminOnly}</p>
        )}
        <div class="actions">
          <button type="submit" class="primary" disabled={state.kind === 'saving'}>
            {state.kind === 'saving' ? s.saving : s.save}
          </button>
        </div>
      </form>
      <div role="status">
        {state.kind === 'saved' && <p class="ok">{s.saved}</p>}
        {state.kind === 'nothing' && <p>{s.nothingToSave}</p>}
      </div>
      {state.kind === 'failed' && (
        <div role="alert" class="error">
          <p>{s.saveFailed}</p>
          {state.detail && <p>{state.detail}</p>}
        </div>
      )}
    </div>
  );
}

/** Access: everything held about the person, downloaded as a JSON file. */
export function ExportAction({ api, s, contact }: { api: ConsoleApi; s: ContactsStrings; contact: Contact }) {
  const [state, setState] = useState<{ kind: 'idle' } | { kind: 'busy' } | { kind: 'done'; file: string } | { kind: 'failed' }>({ kind: 'idle' });
  const run = async () => {
    setState({ kind: 'busy' });
    try {
      const res = await api.request<MyDataExport>('GET', `/api/v1/contacts/${encodeURIComponent(contact.id)}/export`);
      if (res.status !== 200) return setState({ kind: 'failed' });
      const file = `contact-export-${contact.id}.json`;
      const url = URL.createObjectURL(new Blob([`${JSON.stringify(res.body, null, 2)}\n`], { type: 'application/json' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = file;
      link.hidden = true;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      setState({ kind: 'done', file });
    } catch {
      setState({ kind: 'failed' });
    }
  };
  return (
    <div class="privacy-action">
      <h4>{s.exportHeading}</h4>
      <p class="muted">{s.exportIntro}</p>
      <button type="button" onClick={run} disabled={state.kind === 'busy'}>
        {state.kind === 'busy' ? s.exporting : s.exportButton}
      </button>
      <div role="status">{state.kind === 'done' && <p class="ok">{s.exported(state.file)}</p>}</div>
      {state.kind === 'failed' && (
        <p role="alert" class="error">
          {s.exportFailed}
        </p>
      )}
    </div>
  );
}

/** Erasure (admin only): a confirmation that names the person, then the receipt of what went and what the law keeps. */
export function EraseAction({ api, s, contact, onErased }: { api: ConsoleApi; s: ContactsStrings; contact: Contact; onErased: (receipt: ErasureReceipt) => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState<string | null>(null);
  const named = contact.name ? `${contact.name} (${contact.email})` : contact.email;

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) {
      element.showModal();
      cancel.current?.focus();
    } else if (!open && element.open) element.close();
  }, [open]);

  const erase = async () => {
    setBusy(true);
    setFailed(null);
    try {
      const res = await api.request<ErasureReceipt & Problem>('DELETE', `/api/v1/contacts/${encodeURIComponent(contact.id)}`);
      if (res.status !== 200) return setFailed(res.body?.detail ?? res.body?.title ?? null);
      dialog.current?.close();
      onErased(res.body);
    } catch {
      setFailed(s.loadFailed);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="privacy-action">
      <h4>{s.eraseHeading}</h4>
      <p class="muted">{s.eraseIntro}</p>
      <button type="button" class="danger" ref={opener} onClick={() => setOpen(true)}>
        {s.eraseButton}
      </button>
      <dialog
        ref={dialog}
        class="confirm"
        aria-labelledby="erase-heading"
        aria-describedby="erase-body"
        onClose={() => {
          setOpen(false);
          setFailed(null);
          opener.current?.focus();
        }}
      >
        <h2 id="erase-heading">{s.eraseConfirmHeading(named)}</h2>
        <p id="erase-body">{s.eraseConfirmBody}</p>
        {failed !== null && (
          <div role="alert" class="error">
            <p>{s.eraseFailed}</p>
            {failed && <p>{failed}</p>}
          </div>
        )}
        <div class="actions">
          <button type="button" ref={cancel} onClick={() => setOpen(false)}>
            {s.cancel}
          </button>
          <button type="button" class="danger" disabled={busy} onClick={erase}>
            {busy ? s.erasing : s.eraseConfirm(contact.name || contact.email)}
          </button>
        </div>
      </dialog>
    </div>
  );
}

/** What an erasure erased, and what the law keeps and why; the heading takes the focus. */
export function ErasureReceiptView({ s, who, receipt }: { s: ContactsStrings; who: string; receipt: ErasureReceipt }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section class="card contact receipt" aria-labelledby="receipt-heading">
      <h2 id="receipt-heading" tabIndex={-1} ref={heading}>
        {s.erasedHeading(who)}
      </h2>
      <h3>{s.erasedList}</h3>
      <ul class="erased">
        {receipt.erased.map((item) => (
          <li key={item}>{s.erased[item]}</li>
        ))}
      </ul>
      <h3>{s.keptHeading}</h3>
      <table class="stack kept" role="table">
        <thead role="rowgroup">
          <tr role="row">
            <th scope="col" role="columnheader">
              {s.colData}
            </th>
            <th scope="col" role="columnheader">
              {s.colWhy}
            </th>
          </tr>
        </thead>
        <tbody role="rowgroup">
          {receipt.kept.map((k) => (
            <tr key={k.data} role="row">
              <td role="cell" data-label={s.colData}>
                {s.kept[k.data].data}
              </td>
              <td role="cell" data-label={s.colWhy}>
                {s.kept[k.data].why}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
