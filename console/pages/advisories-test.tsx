import { useState } from 'preact/hooks';
import type { AdvisoryCreate, AdvisoryTestSent, Problem } from '../../contract/index.js';
import type { ConsoleApi } from '../api.js';
import type { AdvisoriesStrings } from './advisories-strings.js';

type TestState = { kind: 'idle' | 'sending' } | { kind: 'sent'; to: string } | { kind: 'failed'; detail: string | null };

/** "Send a test to me": the draft in both languages to the signed-in member's own address. */
export function SendTest(props: { api: ConsoleApi; t: AdvisoriesStrings; body: AdvisoryCreate | null; onNotReady: () => void; onInvalid: (problem: Problem) => void }) {
  const { api, t, body } = props;
  const [state, setState] = useState<TestState>({ kind: 'idle' });
  const sendTest = async () => {
    if (!body) return props.onNotReady();
    setState({ kind: 'sending' });
    const res = await api.request<AdvisoryTestSent | Problem>('POST', '/api/v1/advisories/test', body).catch(() => null);
    if (res?.status === 200) return setState({ kind: 'sent', to: (res.body as AdvisoryTestSent).to });
    if (res?.status === 400) {
      setState({ kind: 'idle' });
      return props.onInvalid(res.body as Problem);
    }
    setState({ kind: 'failed', detail: res ? ((res.body as Problem).detail ?? null) : null });
  };
  return (
    <div class="adv-test">
      <button type="button" class="adv-secondary" onClick={sendTest} disabled={state.kind === 'sending'}>
        {state.kind === 'sending' ? t.testSending : t.testButton}
      </button>
      <p role="status" class="adv-test-outcome">
        {state.kind === 'sent' && t.testSent(state.to)}
      </p>
      {state.kind === 'failed' && (
        <p role="alert" class="error">
          {t.testFailed} {state.detail && <span lang="en">{state.detail}</span>}
        </p>
      )}
    </div>
  );
}
