import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { AdvisoryAccepted, AdvisoryPreview, FanOutList, Organization, Problem } from '../../contract/index.js';
import type { PageProps } from '../page.js';
import { Compose, FIELD_ORDER, emptyDraft, fieldId, fieldsOf, localErrors, requestBody, suggestId, type Draft, type FieldErrors, type FieldKey } from './advisories-compose.js';
import { Preview, type PreviewState } from './advisories-preview.js';
import { Progress, RecentAdvisories, type Tracking } from './advisories-progress.js';
import { ADVISORIES_STRINGS } from './advisories-strings.js';
import { SendTest } from './advisories-test.js';

/** How long typing must pause before the preview is asked for again. */
const PREVIEW_DELAY_MS = 500;

type FieldError = NonNullable<Problem['errors']>[number];

/** What became of the last send. */
type SendOutcome = { kind: 'sent' | 'already'; accepted: AdvisoryAccepted };

const FIRST_ERROR = '#first-error';
/** What takes focus for an error that is not one field's. */
const ERROR_FOCUS: Partial<Record<FieldKey, string>> = { texts: fieldId('title-en'), organizations: 'adv-organizations-filter' };

/**
 * Security advisories: write one in English and French, see each email as clients will (refreshed
 * as you type), send it after a confirmation naming its audience, then follow its delivery.
 */
export function Advisories({ api, locale }: PageProps) {
  const t = ADVISORIES_STRINGS[locale];
  const [draft, setDraft] = useState<Draft>(() => emptyDraft(suggestId(new Set())));
  const idEdited = useRef(false);
  const [organizations, setOrganizations] = useState<Organization[] | null>(null);
  const [organizationsFailed, setOrganizationsFailed] = useState(false);
  const [recent, setRecent] = useState<FanOutList['items'] | null>(null);
  const [recentFailed, setRecentFailed] = useState(false);
  const [preview, setPreview] = useState<PreviewState>({ status: 'waiting', data: null, key: null });
  const [serverErrors, setServerErrors] = useState<FieldError[]>([]);
  const [attempted, setAttempted] = useState(false);
  const [confirmWanted, setConfirmWanted] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [sending, setSending] = useState(false);
  const [sendFailed, setSendFailed] = useState(false);
  const [outcome, setOutcome] = useState<SendOutcome | null>(null);
  const [tracking, setTracking] = useState<Tracking | null>(null);
  const [previewRound, setPreviewRound] = useState(0);

  const heading = useRef<HTMLHeadingElement>(null);
  const sendButton = useRef<HTMLButtonElement>(null);
  const dialog = useRef<HTMLDialogElement>(null);
  /** Where focus goes once the confirmation closes. */
  const afterDialog = useRef<'send' | 'progress' | 'error'>('send');
  /** Where focus goes after the next render: an element's id, or the first field in error. */
  const focusNext = useRef<string | null>(null);
  const [focusRound, setFocusRound] = useState(0);
  const focusSoon = (target: string) => {
    focusNext.current = target;
    setFocusRound((n) => n + 1);
  };

  useEffect(() => heading.current?.focus(), []);

  const loadRecent = async () => {
    const res = await api.request<FanOutList>('GET', '/api/v1/advisories?limit=20').catch(() => null);
    if (res?.status !== 200) return setRecentFailed(true);
    setRecentFailed(false);
    setRecent(res.body.items);
    // Until someone edits it, the suggested ID is one not used yet.
    if (!idEdited.current) setDraft((d) => ({ ...d, id: suggestId(new Set(res.body.items.map((i) => i.id))) }));
  };
  useEffect(() => {
    void api.request<{ items: Organization[] }>('GET', '/api/v1/organizations').then(
      (res) => (res.status === 200 ? setOrganizations(res.body.items) : setOrganizationsFailed(true)),
      () => setOrganizationsFailed(true),
    );
    void loadRecent();
  }, []);

  // ---- The preview: asked for once typing pauses, never more than one request at a time ----

  const body = useMemo(() => requestBody(draft), [draft]);
  const key = body ? JSON.stringify(body) : null;
  /** The body the preview should show; the one on screen; whether a request is out. */
  const wanted = useRef<string | null>(null);
  const shown = useRef<string | null>(null);
  const inFlight = useRef(false);
  const mounted = useRef(true);
  useEffect(
    () => () => {
      mounted.current = false;
    },
    [],
  );

  const runPreview = async (): Promise<void> => {
    const asked = wanted.current;
    if (inFlight.current || asked === null || asked === shown.current) return;
    inFlight.current = true;
    setPreview((p) => ({ ...p, status: 'loading' }));
    const res = await api.request<AdvisoryPreview | Problem>('POST', '/api/v1/advisories/preview', JSON.parse(asked)).catch(() => null);
    inFlight.current = false;
    if (!mounted.current) return;
    // Typing went on meanwhile: this answer is old, ask for the latest instead.
    if (wanted.current !== asked) return runPreview();
    shown.current = asked;
    if (res?.status === 200) {
      setPreview({ status: 'ready', data: res.body as AdvisoryPreview, key: asked });
      setServerErrors([]);
    } else if (res?.status === 400) {
      const problem = res.body as Problem;
      setPreview({ status: 'invalid', data: null, key: asked });
      setServerErrors(problem.errors ?? [{ pointer: '', detail: problem.detail ?? problem.title }]);
    } else {
      // No answer: the next change (or Send) tries again.
      shown.current = null;
      setPreview({ status: 'failed', data: null, key: asked });
    }
  };

  useEffect(() => {
    if (key === null) {
      wanted.current = null;
      shown.current = null;
      setPreview({ status: 'waiting', data: null, key: null });
      setServerErrors([]);
      return;
    }
    const timer = setTimeout(() => {
      wanted.current = key;
      void runPreview();
    }, PREVIEW_DELAY_MS);
    return () => clearTimeout(timer);
  }, [key, previewRound]);

  // ---- Errors beside the fields: the page's own checks (once Send was pressed) and the server's ----

  const errors = useMemo(() => {
    const all: FieldErrors = attempted ? localErrors(draft, t) : {};
    const general: FieldError[] = [];
    for (const e of serverErrors) {
      const fields = fieldsOf(e.pointer, draft);
      if (!fields.length) general.push(e);
      for (const f of fields) (all[f] ??= []).push({ text: e.detail, lang: 'en' });
    }
    return { fields: all, general };
  }, [attempted, draft, serverErrors, t]);

  // Focus moves once what it goes to is on screen (an error shows only after the render that follows).
  useEffect(() => {
    const target = focusNext.current;
    if (!target) return;
    focusNext.current = null;
    if (target !== FIRST_ERROR) return document.getElementById(target)?.focus();
    const first = FIELD_ORDER.find((f) => errors.fields[f]?.length);
    if (first) document.getElementById(ERROR_FOCUS[first] ?? fieldId(first))?.focus();
    else document.getElementById('adv-general-errors')?.focus();
  }, [focusRound]);

  // ---- Sending: check, confirm with the audience, send, then follow ----

  const onSend = () => {
    setAttempted(true);
    setOutcome(null);
    if (Object.keys(localErrors(draft, t)).length || key === null) return focusSoon(FIRST_ERROR);
    if (preview.key === key && preview.status === 'ready') return openConfirmation();
    if (preview.key === key && preview.status === 'invalid') return focusSoon(FIRST_ERROR);
    // Not checked yet: check now, and confirm once the answer is in.
    setConfirmWanted(true);
    wanted.current = key;
    void runPreview();
  };

  const showErrors = () => {
    setAttempted(true);
    focusSoon(FIRST_ERROR);
  };
  const showProblem = (problem: Problem) => {
    setServerErrors(problem.errors ?? [{ pointer: '', detail: problem.detail ?? problem.title }]);
    focusSoon(FIRST_ERROR);
  };

  const openConfirmation = () => {
    setSendFailed(false);
    setConfirming(true);
  };

  useEffect(() => {
    if (!confirmWanted || preview.key !== key || preview.status === 'loading') return;
    setConfirmWanted(false);
    if (preview.status === 'ready') openConfirmation();
    else if (preview.status === 'invalid') focusSoon(FIRST_ERROR);
  }, [confirmWanted, preview, key]);

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (confirming && !element.open) element.showModal();
    if (!confirming && element.open) element.close();
  }, [confirming]);

  const send = async () => {
    if (!body || sending) return;
    setSending(true);
    setSendFailed(false);
    const res = await api.request<AdvisoryAccepted | Problem>('POST', '/api/v1/advisories', body).catch(() => null);
    setSending(false);
    if (res?.status === 202 || res?.status === 200) {
      const accepted = res.body as AdvisoryAccepted;
      setOutcome({ kind: res.status === 202 ? 'sent' : 'already', accepted });
      setTracking((previous) => ({
        id: accepted.advisoryId,
        revision: accepted.revision,
        expected: accepted.queued + accepted.suppressed,
        round: (previous?.round ?? 0) + 1,
      }));
      // The ID is taken now: keep it (a correction is a higher revision of it), and preview what sending again would do.
      idEdited.current = true;
      shown.current = null;
      setPreviewRound((n) => n + 1);
      afterDialog.current = 'progress';
      setConfirming(false);
      void loadRecent();
    } else if (res?.status === 400) {
      const problem = res.body as Problem;
      setServerErrors(problem.errors ?? [{ pointer: '', detail: problem.detail ?? problem.title }]);
      afterDialog.current = 'error';
      setConfirming(false);
    } else setSendFailed(true);
  };

  const onDialogClosed = () => {
    setConfirming(false);
    const next = afterDialog.current;
    afterDialog.current = 'send';
    if (next === 'progress') focusSoon('adv-progress-heading');
    else if (next === 'error') focusSoon(FIRST_ERROR);
    else sendButton.current?.focus();
  };

  const openProgress = (id: string) => {
    setTracking((previous) => ({ id, round: (previous?.round ?? 0) + 1 }));
    focusSoon('adv-progress-heading');
  };

  // ---- What the confirmation says ----

  const existing = recent?.find((item) => item.id === draft.id.trim()) ?? null;
  const audience = preview.data?.audience ?? { queued: 0, suppressed: 0 };
  const revision = body?.revision ?? 1;
  const resend = existing !== null && revision <= existing.revision;
  const question = resend
    ? t.confirmAlreadySent(revision)
    : existing
      ? t.confirmUpdate(audience.queued)
      : t.confirmQuestion(audience.queued, draft.organizationIds.length ? draft.organizationIds.length : null);

  return (
    <div class="adv">
      <section class="card adv-card" aria-labelledby="adv-heading">
        <h1 id="adv-heading" tabIndex={-1} ref={heading}>
          {t.heading}
        </h1>
        <p class="adv-intro">{t.intro}</p>
        <h2>{t.composeHeading}</h2>
        {errors.general.length > 0 && (
          <div id="adv-general-errors" role="alert" tabIndex={-1} class="adv-general-errors">
            <p class="error">{t.generalErrors}</p>
            <ul>
              {errors.general.map((e, i) => (
                <li key={i} lang="en">
                  {e.pointer ? `${e.pointer.replace(/^#\//, '')}: ` : ''}
                  {e.detail}
                </li>
              ))}
            </ul>
          </div>
        )}
        <Compose
          t={t}
          draft={draft}
          errors={errors.fields}
          organizations={organizations}
          organizationsFailed={organizationsFailed}
          existingRevision={existing?.revision ?? null}
          onChange={setDraft}
          onIdEdited={() => (idEdited.current = true)}
        />
      </section>

      <Preview t={t} preview={preview}>
        <div class="adv-send">
          <button type="button" class="primary" ref={sendButton} onClick={onSend} disabled={sending} aria-describedby={confirmWanted ? 'adv-send-waiting' : undefined}>
            {t.sendButton}
          </button>
          {confirmWanted && (
            <span id="adv-send-waiting" class="muted">
              {t.sendWaiting}
            </span>
          )}
        </div>
        <SendTest api={api} t={t} body={body} onNotReady={showErrors} onInvalid={showProblem} />
        <div role="status" class="adv-outcome">
          {outcome?.kind === 'sent' && <p class="adv-sent">{t.sent(outcome.accepted.advisoryId, outcome.accepted.queued)}</p>}
          {outcome?.kind === 'already' && <p class="adv-already">{t.alreadySent(outcome.accepted.advisoryId, outcome.accepted.revision)}</p>}
        </div>
      </Preview>

      <dialog
        ref={dialog}
        class="adv-dialog"
        aria-labelledby="adv-confirm-heading"
        aria-describedby="adv-confirm-question"
        onClose={onDialogClosed}
        onCancel={(event) => {
          // Escape cancels, except while the advisory is on its way.
          if (sending) event.preventDefault();
        }}
      >
        <h2 id="adv-confirm-heading">{t.confirmHeading}</h2>
        <p id="adv-confirm-question" class="adv-confirm-question">
          {audience.queued === 0 && !resend ? t.confirmNobody : question}
        </p>
        {!resend && audience.queued > 0 && audience.suppressed > 0 && <p>{t.confirmSuppressed(audience.suppressed)}</p>}
        {sendFailed && (
          <p role="alert" class="error">
            {t.sendFailed}
          </p>
        )}
        <div class="adv-dialog-actions">
          <button type="button" class="adv-secondary" onClick={() => setConfirming(false)} disabled={sending}>
            {t.cancel}
          </button>
          {(audience.queued > 0 || resend) && (
            <button type="button" class="primary" onClick={send} disabled={sending}>
              {sending ? t.sending : t.confirmSend}
            </button>
          )}
        </div>
      </dialog>

      {tracking && <Progress api={api} t={t} locale={locale} tracking={tracking} onFinished={() => void loadRecent()} />}

      <RecentAdvisories t={t} locale={locale} items={recent} failed={recentFailed} onOpen={openProgress} />
    </div>
  );
}
