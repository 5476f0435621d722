import { useState } from 'preact/hooks';
import type { PageProps } from '../page.js';
import { SECURITY_STRINGS } from '../security-strings.js';

type Step = { kind: 'idle' } | { kind: 'scan'; secret: string; uri: string; wrong: boolean } | { kind: 'codes'; codes: string[] };

/** The member's own sign-in: the passkey, and the authenticator app with its recovery codes as the fallback. */
export function Security({ api, locale, session }: PageProps) {
  const s = SECURITY_STRINGS[locale];
  const [step, setStep] = useState<Step>({ kind: 'idle' });
  const [code, setCode] = useState('');
  const [appOn, setAppOn] = useState(session.authenticatorApp);
  const start = async () => {
    const res = await api.request<{ secret: string; uri: string }>('POST', '/console/api/authenticator');
    if (res.status === 200) setStep({ kind: 'scan', ...res.body, wrong: false });
  };
  const confirm = async (event: Event) => {
    event.preventDefault();
    if (step.kind !== 'scan') return;
    const res = await api.request<{ recoveryCodes: string[] }>('POST', '/console/api/authenticator/confirm', { code: code.replace(/\D/g, '') });
    if (res.status !== 200) return setStep({ ...step, wrong: true });
    setAppOn(true);
    setCode('');
    setStep({ kind: 'codes', codes: res.body.recoveryCodes });
  };
  const download = (codes: string[]) => URL.createObjectURL(new Blob([`${codes.join('\n')}\n`], { type: 'text/plain' }));
  return (
    <section class="card">
      <h1>{s.heading}</h1>
      <p>{s.passkeyOn}</p>
      <p>{appOn ? s.appOn : s.appOff}</p>
      {step.kind === 'idle' && (
        <button type="button" class="primary" onClick={start}>
          {appOn ? s.setUpAgain : s.setUp}
        </button>
      )}
      {step.kind === 'scan' && (
        <form onSubmit={confirm}>
          <p>{s.scan}</p>
          <p>
            {s.key}
            {'\u00a0'}: <code class="secret">{step.secret.replace(/(.{4})/g, '$1 ').trim()}</code>
          </p>
          <p>
            <a href={step.uri}>{s.openInApp}</a>
          </p>
          <label for="app-code">{s.appCode}</label>
          <input
            id="app-code"
            inputMode="numeric"
            autocomplete="one-time-code"
            value={code}
            onInput={(e) => setCode((e.target as HTMLInputElement).value)}
            aria-invalid={step.wrong}
            aria-describedby={step.wrong ? 'app-code-error' : undefined}
          />
          {step.wrong && (
            <p id="app-code-error" role="alert" class="error">
              {s.wrongCode}
            </p>
          )}
          <button type="submit" class="primary">
            {s.confirm}
          </button>
        </form>
      )}
      {step.kind === 'codes' && (
        <div role="status">
          <h2>{s.codesHeading}</h2>
          <p>{s.codesIntro}</p>
          <ul class="codes">
            {step.codes.map((c) => (
              <li key={c}>
                <code>{c}</code>
              </li>
            ))}
          </ul>
          <a href={download(step.codes)} download="console-recovery-codes.txt">
            {s.download}
          </a>
        </div>
      )}
    </section>
  );
}
