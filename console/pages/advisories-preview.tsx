// The Advisories page's preview: each language's real email, in a sandboxed frame at phone and desktop width.
import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { LOCALES, type Locale } from '../../contract/constants.js';
import type { AdvisoryPreview } from '../../contract/index.js';
import type { AdvisoriesStrings } from './advisories-strings.js';

export interface PreviewState {
  /** waiting: nothing to preview yet; invalid: the server refused it (errors beside the fields); failed: no answer. */
  status: 'waiting' | 'loading' | 'ready' | 'invalid' | 'failed';
  /** The last good preview, kept on screen while the next one loads. */
  data: AdvisoryPreview | null;
  /** The request body it answers (JSON), to tell whether it is the current one. */
  key: string | null;
}

const FRAME_HEIGHT = 640;

/**
 * One email at one width. Scripts, forms, popups and the console's origin are all off (`sandbox=""`);
 * where the column is narrower than the width, the frame is drawn smaller rather than cut.
 */
function EmailFrame({ html, width, caption, title, scaledNote }: { html: string; width: number; caption: string; title: string; scaledNote: string }) {
  const box = useRef<HTMLDivElement>(null);
  const [scale, setScale] = useState(1);
  useLayoutEffect(() => {
    const element = box.current;
    if (!element) return;
    const measure = () => setScale(Math.min(1, element.clientWidth / width));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [width]);
  return (
    <figure class={`adv-frame adv-frame-${width}`} data-width={width}>
      <figcaption>
        {caption}
        {scale < 0.999 && <span class="adv-hint"> {scaledNote}</span>}
      </figcaption>
      <div class="adv-frame-box" ref={box} style={{ height: `${Math.ceil(FRAME_HEIGHT * scale)}px` }}>
        <iframe
          sandbox=""
          srcdoc={html}
          title={title}
          style={{ width: `${width}px`, height: `${FRAME_HEIGHT}px`, transform: scale < 0.999 ? `scale(${scale})` : 'none' }}
        />
      </div>
    </figure>
  );
}

interface PreviewProps {
  t: AdvisoriesStrings;
  preview: PreviewState;
  /** Under the emails: the Send button and what became of the last send. */
  children: ComponentChildren;
}

/** Who it would reach and the email in each language, refreshed as the advisory is written. */
export function Preview({ t, preview, children }: PreviewProps) {
  const { status, data } = preview;
  const message =
    status === 'waiting' ? t.previewWaiting : status === 'loading' ? t.previewLoading : status === 'invalid' ? t.previewInvalid : status === 'failed' ? t.previewFailed : '';
  return (
    <section class="card adv-card" aria-labelledby="adv-preview-heading">
      <h2 id="adv-preview-heading">{t.previewHeading}</h2>
      <p role="status" class={`adv-status ${status === 'invalid' || status === 'failed' ? 'error' : 'muted'}`}>
        {message}
      </p>
      {data && (status === 'ready' || status === 'loading') && (
        <div aria-busy={status === 'loading' ? 'true' : undefined}>
          <p class="adv-audience" data-queued={data.audience.queued} data-suppressed={data.audience.suppressed}>
            {t.previewAudience(data.audience.queued, data.audience.suppressed)}
          </p>
          {LOCALES.map((l: Locale) => {
            const email = data.emails[l];
            return (
              <section key={l} class="adv-email" aria-labelledby={`adv-email-${l}`} data-language={l}>
                <h3 id={`adv-email-${l}`}>{t.emailHeading[l]}</h3>
                <p class="adv-subject">
                  <span>{t.subject}</span>{' '}
                  <strong lang={l} data-subject={l}>
                    {email.subject}
                  </strong>
                </p>
                <div class="adv-frames">
                  <EmailFrame html={email.html} width={375} caption={t.phone} title={t.frameTitle(t.emailHeading[l], t.phone)} scaledNote={t.scaledNote} />
                  <EmailFrame html={email.html} width={800} caption={t.desktop} title={t.frameTitle(t.emailHeading[l], t.desktop)} scaledNote={t.scaledNote} />
                </div>
              </section>
            );
          })}
        </div>
      )}
      {children}
    </section>
  );
}
