// The Advisories page's form: the draft, what the server is sent, where each error shows, and the fields.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { LOCALES, SEVERITIES, type Locale, type Severity } from '../../contract/constants.js';
import type { AdvisoryCreate, Organization } from '../../contract/index.js';
import type { AdvisoriesStrings } from './advisories-strings.js';

export const TEXTS = ['title', 'summary', 'body'] as const;
export type TextKey = (typeof TEXTS)[number];
/** Every place an error can show: a field, the languages as a whole, the organizations. */
export type FieldKey = 'id' | 'revision' | 'severity' | 'texts' | `${TextKey}-${Locale}` | 'organizations';
/** Fields in the order they appear, for focusing the first one in error. */
export const FIELD_ORDER: FieldKey[] = ['id', 'revision', 'severity', 'texts', ...LOCALES.flatMap((l) => TEXTS.map((k) => `${k}-${l}` as const)), 'organizations'];

export interface Draft {
  id: string;
  revision: string;
  severity: Severity;
  texts: Record<Locale, Record<TextKey, string>>;
  organizationIds: string[];
}

/** A message beside a field; the server's own are in English. */
export interface FieldMessage {
  text: string;
  lang?: Locale;
}
export type FieldErrors = Partial<Record<FieldKey, FieldMessage[]>>;

export const fieldId = (field: FieldKey) => `adv-${field}`;
const errorId = (field: FieldKey) => `adv-${field}-error`;

const pad = (n: number) => String(n).padStart(2, '0');

/** `ADV-2026-11-30-1`: today's date and the first number not taken yet. */
export function suggestId(taken: ReadonlySet<string>, now = new Date()): string {
  const day = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
  for (let n = 1; ; n++) {
    const id = `ADV-${day}-${n}`;
    if (!taken.has(id)) return id;
  }
}

export const emptyDraft = (id: string): Draft => ({
  id,
  revision: '1',
  severity: 'high',
  texts: { en: { title: '', summary: '', body: '' }, fr: { title: '', summary: '', body: '' } },
  organizationIds: [],
});

const filled = (s: string) => s.trim() !== '';

function parseRevision(value: string): number | null {
  if (!/^\s*\d+\s*$/.test(value)) return null;
  const n = Number(value);
  return n >= 1 && n <= 1_000_000 ? n : null;
}

/** The body of both the preview and the send; null while the server could not take it (a text written in neither language). */
export function requestBody(draft: Draft): AdvisoryCreate | null {
  const revision = parseRevision(draft.revision);
  if (!filled(draft.id) || revision === null) return null;
  const texts = {} as Record<TextKey, { en?: string; fr?: string }>;
  for (const key of TEXTS) {
    const text: { en?: string; fr?: string } = {};
    for (const l of LOCALES) if (filled(draft.texts[l][key])) text[l] = draft.texts[l][key];
    if (text.en === undefined && text.fr === undefined) return null;
    texts[key] = text;
  }
  return {
    id: draft.id.trim(),
    revision,
    severity: draft.severity,
    ...texts,
    ...(draft.organizationIds.length ? { organizationIds: draft.organizationIds } : {}),
  };
}

/** What the page checks itself before sending: the ID, the revision, and each language used written in full. */
export function localErrors(draft: Draft, t: AdvisoriesStrings): FieldErrors {
  const errors: FieldErrors = {};
  if (!filled(draft.id)) errors.id = [{ text: t.required }];
  if (parseRevision(draft.revision) === null) errors.revision = [{ text: t.revisionInvalid }];
  const used = LOCALES.filter((l) => TEXTS.some((k) => filled(draft.texts[l][k])));
  if (!used.length) errors.texts = [{ text: t.noLanguage }];
  for (const l of used) {
    for (const k of TEXTS) if (!filled(draft.texts[l][k])) errors[`${k}-${l}`] = [{ text: t.incompleteLanguage(t.language[l]) }];
  }
  return errors;
}

/** Where a server error (a JSON pointer such as `#/title/fr`) shows; none for a pointer the form has no field for. */
export function fieldsOf(pointer: string, draft: Draft): FieldKey[] {
  const [head, sub] = pointer.replace(/^#/, '').split('/').filter(Boolean);
  if (head === 'id' || head === 'revision' || head === 'severity') return [head];
  if (head === 'organizationIds') return ['organizations'];
  if (head === 'title' || head === 'summary' || head === 'body') {
    if (sub === 'en' || sub === 'fr') return [`${head}-${sub}`];
    // The text as a whole (e.g. the body makes too large an email): beside each language it is written in.
    const written = LOCALES.filter((l) => filled(draft.texts[l][head]));
    return (written.length ? written : LOCALES).map((l) => `${head}-${l}` as const);
  }
  return [];
}

export const describedBy = (...ids: (string | false | undefined)[]) => ids.filter(Boolean).join(' ') || undefined;

function Errors({ field, errors }: { field: FieldKey; errors: FieldErrors }) {
  const list = errors[field];
  if (!list?.length) return null;
  return (
    <p id={errorId(field)} class="adv-field-error">
      {list.map((e, i) => (
        <span key={i} lang={e.lang}>
          {i > 0 && ' '}
          {e.text}
        </span>
      ))}
    </p>
  );
}

interface FieldProps {
  field: FieldKey;
  label: string;
  hint?: string;
  errors: FieldErrors;
  /** Another message this field is described by (e.g. the languages' own error). */
  alsoDescribedBy?: string | undefined;
  children: (a11y: { id: string; 'aria-describedby': string | undefined; 'aria-invalid': 'true' | undefined }) => ComponentChildren;
}

/** A label, the control, its hint and its errors, tied together for screen readers. */
function Field({ field, label, hint, errors, alsoDescribedBy, children }: FieldProps) {
  const id = fieldId(field);
  const invalid = Boolean(errors[field]?.length);
  return (
    <div class="adv-field">
      <label for={id}>{label}</label>
      {children({ id, 'aria-describedby': describedBy(hint && `${id}-hint`, invalid && errorId(field), alsoDescribedBy), 'aria-invalid': invalid ? 'true' : undefined })}
      {hint && (
        <p id={`${id}-hint`} class="adv-hint">
          {hint}
        </p>
      )}
      <Errors field={field} errors={errors} />
    </div>
  );
}

interface ComposeProps {
  t: AdvisoriesStrings;
  draft: Draft;
  errors: FieldErrors;
  organizations: Organization[] | null;
  organizationsFailed: boolean;
  /** The latest revision already recorded under this ID, if any. */
  existingRevision: number | null;
  onChange: (change: (draft: Draft) => Draft) => void;
  onIdEdited: () => void;
}

/** The advisory's ID, revision, severity, its texts in each language, and who gets it. */
export function Compose({ t, draft, errors, organizations, organizationsFailed, existingRevision, onChange, onIdEdited }: ComposeProps) {
  const setText = (l: Locale, key: TextKey, value: string) => onChange((d) => ({ ...d, texts: { ...d.texts, [l]: { ...d.texts[l], [key]: value } } }));
  const textsError = errors.texts?.length ? errorId('texts') : undefined;
  return (
    <form class="adv-form" onSubmit={(event) => event.preventDefault()} noValidate>
      <div class="adv-row">
        <Field field="id" label={t.idLabel} hint={existingRevision === null ? t.idHint : t.idAlreadySent(existingRevision)} errors={errors}>
          {(a11y) => (
            <input
              {...a11y}
              type="text"
              autocomplete="off"
              spellcheck={false}
              value={draft.id}
              onInput={(e) => {
                onIdEdited();
                const id = e.currentTarget.value;
                onChange((d) => ({ ...d, id }));
              }}
            />
          )}
        </Field>
        <Field field="revision" label={t.revisionLabel} hint={t.revisionHint} errors={errors}>
          {(a11y) => (
            <input
              {...a11y}
              type="number"
              inputMode="numeric"
              min={1}
              max={1_000_000}
              step={1}
              value={draft.revision}
              onInput={(e) => {
                const revision = e.currentTarget.value;
                onChange((d) => ({ ...d, revision }));
              }}
            />
          )}
        </Field>
        <Field field="severity" label={t.severityLabel} errors={errors}>
          {(a11y) => (
            <select
              {...a11y}
              value={draft.severity}
              onChange={(e) => {
                const severity = e.currentTarget.value as Severity;
                onChange((d) => ({ ...d, severity }));
              }}
            >
              {SEVERITIES.map((s) => (
                <option key={s} value={s}>
                  {t.severity[s]}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>

      <p id="adv-languages-hint" class="adv-hint">
        {t.languagesHint}
      </p>
      <Errors field="texts" errors={errors} />
      <div class="adv-languages">
        {LOCALES.map((l) => (
          <fieldset key={l} id={`adv-lang-${l}`}>
            <legend>{t.language[l]}</legend>
            <Field field={`title-${l}`} label={t.titleLabel} errors={errors} alsoDescribedBy={textsError}>
              {(a11y) => <input {...a11y} type="text" lang={l} value={draft.texts[l].title} onInput={(e) => setText(l, 'title', e.currentTarget.value)} />}
            </Field>
            <Field field={`summary-${l}`} label={t.summaryLabel} errors={errors} alsoDescribedBy={textsError}>
              {(a11y) => <textarea {...a11y} lang={l} rows={3} value={draft.texts[l].summary} onInput={(e) => setText(l, 'summary', e.currentTarget.value)} />}
            </Field>
            <Field field={`body-${l}`} label={t.bodyLabel} hint={t.bodyHint} errors={errors} alsoDescribedBy={textsError}>
              {(a11y) => <textarea {...a11y} lang={l} rows={10} class="adv-body" value={draft.texts[l].body} onInput={(e) => setText(l, 'body', e.currentTarget.value)} />}
            </Field>
          </fieldset>
        ))}
      </div>

      <OrganizationPicker t={t} draft={draft} errors={errors} organizations={organizations} failed={organizationsFailed} onChange={onChange} />
    </form>
  );
}

/** The most organizations listed at once: the filter finds the others. */
const SHOWN = 200;

function OrganizationPicker({
  t,
  draft,
  errors,
  organizations,
  failed,
  onChange,
}: Pick<ComposeProps, 't' | 'draft' | 'errors' | 'onChange'> & { organizations: Organization[] | null; failed: boolean }) {
  const [filter, setFilter] = useState('');
  const selected = new Set(draft.organizationIds);
  const needle = filter.trim().toLocaleLowerCase();
  const matching = (organizations ?? []).filter((o) => !needle || o.name.toLocaleLowerCase().includes(needle));
  const shown = matching.slice(0, SHOWN);
  const invalid = Boolean(errors.organizations?.length);
  const toggle = (id: string, on: boolean) =>
    onChange((d) => ({ ...d, organizationIds: on ? [...d.organizationIds.filter((x) => x !== id), id] : d.organizationIds.filter((x) => x !== id) }));
  return (
    <fieldset id={fieldId('organizations')} class="adv-organizations" aria-describedby={describedBy('adv-organizations-status', invalid && errorId('organizations'))}>
      <legend>{t.organizationsLegend}</legend>
      <p id="adv-organizations-status" class="adv-selection" aria-live="polite">
        {selected.size ? t.organizationsSome(selected.size) : t.organizationsAll}
      </p>
      <Errors field="organizations" errors={errors} />
      {failed && (
        <p role="alert" class="error">
          {t.organizationsLoadFailed}
        </p>
      )}
      {organizations && (
        <>
          <div class="adv-organizations-tools">
            <div class="adv-field">
              <label for="adv-organizations-filter">{t.organizationsFilter}</label>
              <input id="adv-organizations-filter" type="search" autocomplete="off" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
            </div>
            {selected.size > 0 && (
              <button type="button" class="adv-secondary" onClick={() => onChange((d) => ({ ...d, organizationIds: [] }))}>
                {t.organizationsClear}
              </button>
            )}
          </div>
          {shown.length ? (
            <ul class="adv-organization-list">
              {shown.map((o) => (
                <li key={o.id}>
                  <label>
                    <input type="checkbox" checked={selected.has(o.id)} onChange={(e) => toggle(o.id, e.currentTarget.checked)} />
                    <span>{o.name}</span>
                  </label>
                </li>
              ))}
            </ul>
          ) : (
            <p class="muted">{t.organizationsNoMatch}</p>
          )}
          {matching.length > shown.length && <p class="adv-hint">{t.organizationsShown(shown.length, matching.length)}</p>}
        </>
      )}
    </fieldset>
  );
}
