import type {
  Acknowledgment,
  AdvisoryThreshold,
  ErasureReceipt,
  Locale,
  Me,
  MeUpdate,
  MyDataExport,
  MutedTickets,
  MyAdvisories,
  MyAdvisory,
  MyOrganization,
  MyRecentMessages,
  OrganizationPolicyUpdate,
  Preferences,
  Problem,
  Session,
  SessionRequest,
  SignInCodeRequest,
  SignInCodeSent,
  TicketDelivery,
} from '../../contract/index.js';

/** Why a call failed, in the terms the UI needs to pick a message. */
export type ApiFailure =
  /** No network: fetch failed while the browser reports being offline. */
  | { kind: 'offline' }
  /** The network works but the server did not answer, timed out or answered 5xx. */
  | { kind: 'unreachable'; problem: Problem | null }
  /** The session token is missing, expired or revoked (401 on an authenticated call). */
  | { kind: 'unauthorized'; problem: Problem }
  | { kind: 'rate-limited'; problem: Problem; retryAfterSeconds: number | null }
  /** Any other 4xx, with its problem body (or one made from the status). */
  | { kind: 'problem'; problem: Problem };

export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiFailure };

/** The consent wording shown next to the switches (`Me['consentWording'].version`), and the language it was shown in. */
export interface WordingShown {
  wording: string;
  locale: Locale;
}

export interface ApiClient {
  requestCode(request: SignInCodeRequest): Promise<ApiResult<SignInCodeSent>>;
  signIn(request: SessionRequest): Promise<ApiResult<Session>>;
  getMe(token: string): Promise<ApiResult<Me>>;
  /**
   * Sends only the keys that change, with the wording the person saw, so the consent history
   * records it; the answer is the whole, current Me.
   */
  updatePreferences(token: string, changes: Preferences, shown: WordingShown): Promise<ApiResult<Me>>;
  /** Which security advisories the contact receives, recorded with the wording shown like a preference change. */
  updateAdvisoryThreshold(token: string, advisoryThreshold: AdvisoryThreshold, shown: WordingShown): Promise<ApiResult<Me>>;
  /** Ticket updates as they happen or in one email a day, recorded with the wording shown like a preference change. */
  updateTicketDelivery(token: string, ticketDelivery: TicketDelivery, shown: WordingShown): Promise<ApiResult<Me>>;
  updateMe(token: string, update: MeUpdate): Promise<ApiResult<Me>>;
  signOut(token: string): Promise<ApiResult<null>>;
  /** Everything the server holds about the signed-in contact, as one JSON document. */
  exportMyData(token: string): Promise<ApiResult<MyDataExport>>;
  /** Erases the signed-in contact; the session is gone afterwards (401 everywhere). */
  eraseMe(token: string): Promise<ApiResult<ErasureReceipt>>;
  /** For an organization lead (403 for anyone else): its locks and defaults, and who on its staff receives what. */
  getMyOrganization(token: string): Promise<ApiResult<MyOrganization>>;
  /** For an organization lead: sends only the categories that change; the answer is the whole, current organization. */
  updateOrganizationPolicy(token: string, changes: OrganizationPolicyUpdate): Promise<ApiResult<MyOrganization>>;
  /** The tickets the contact stopped hearing about (from a ticket email's link), oldest first. */
  getMutedTickets(token: string): Promise<ApiResult<MutedTickets>>;
  /** Its updates come again; 404 when the ticket was not muted. */
  unmuteTicket(token: string, ticketId: string): Promise<ApiResult<null>>;
  /** The security advisories sent to the contact's organization in the last 90 days, those still waiting for an acknowledgment first. */
  getMyAdvisories(token: string): Promise<ApiResult<MyAdvisories>>;
  /**
   * Says, for the whole organization, that the advisory was read or its fix applied; the answer is
   * the advisory as it now stands (a colleague's acknowledgment if theirs came first).
   */
  acknowledgeAdvisory(token: string, advisoryId: string, action: Acknowledgment): Promise<ApiResult<MyAdvisory>>;
  /** The contact's last 30 emails, newest first: category, subject once sent, status, and why one was not sent (a code). */
  recentMessages(token: string): Promise<ApiResult<MyRecentMessages>>;
}

export interface ApiClientOptions {
  serverUrl: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  isOnline?: () => boolean;
}

const JSON_TYPES = /^application\/(problem\+)?json\b/i;

export function createApiClient(options: ApiClientOptions): ApiClient {
  const base = options.serverUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const timeoutMs = options.timeoutMs ?? 10_000;
  const isOnline = options.isOnline ?? (() => navigator.onLine);

  async function call<T>(
    method: string,
    path: string,
    { body, token }: { body?: unknown; token?: string } = {},
  ): Promise<ApiResult<T>> {
    const headers: Record<string, string> = { Accept: 'application/json, application/problem+json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (token !== undefined) headers['Authorization'] = `Bearer ${token}`;

    let response: Response;
    try {
      response = await doFetch(`${base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
        credentials: 'omit',
      });
    } catch {
      return { ok: false, error: isOnline() ? { kind: 'unreachable', problem: null } : { kind: 'offline' } };
    }

    const parsed = await readJson(response);
    if (response.ok) return { ok: true, value: (response.status === 204 ? null : parsed) as T };

    const problem = toProblem(parsed, response);
    if (response.status === 401 && token !== undefined) return { ok: false, error: { kind: 'unauthorized', problem } };
    if (response.status === 429) {
      return { ok: false, error: { kind: 'rate-limited', problem, retryAfterSeconds: retryAfter(response) } };
    }
    if (response.status >= 500) return { ok: false, error: { kind: 'unreachable', problem } };
    return { ok: false, error: { kind: 'problem', problem } };
  }

  const shownQuery = (shown: WordingShown) => new URLSearchParams({ wording: shown.wording, locale: shown.locale });

  return {
    requestCode: (request) => call('POST', '/api/v1/session/code', { body: request }),
    signIn: (request) => call('POST', '/api/v1/session', { body: request }),
    getMe: (token) => call('GET', '/api/v1/me', { token }),
    updatePreferences: (token, changes, shown) =>
      call('PUT', `/api/v1/me/preferences?${shownQuery(shown)}`, { token, body: changes }),
    updateAdvisoryThreshold: (token, advisoryThreshold, shown) =>
      call('PUT', `/api/v1/me/advisory-threshold?${shownQuery(shown)}`, { token, body: { advisoryThreshold } }),
    updateTicketDelivery: (token, ticketDelivery, shown) =>
      call('PUT', `/api/v1/me/ticket-delivery?${shownQuery(shown)}`, { token, body: { ticketDelivery } }),
    updateMe: (token, update) => call('PATCH', '/api/v1/me', { token, body: update }),
    signOut: (token) => call('DELETE', '/api/v1/session', { token }),
    exportMyData: (token) => call('GET', '/api/v1/me/export', { token }),
    eraseMe: (token) => call('DELETE', '/api/v1/me', { token }),
    getMyOrganization: (token) => call('GET', '/api/v1/me/organization', { token }),
    updateOrganizationPolicy: (token, changes) => call('PUT', '/api/v1/me/organization/policy', { token, body: changes }),
    getMutedTickets: (token) => call('GET', '/api/v1/me/muted-tickets', { token }),
    unmuteTicket: (token, ticketId) => call('DELETE', `/api/v1/me/muted-tickets/${encodeURIComponent(ticketId)}`, { token }),
    getMyAdvisories: (token) => call('GET', '/api/v1/me/advisories', { token }),
    acknowledgeAdvisory: (token, advisoryId, action) =>
      call('POST', `/api/v1/me/advisories/${encodeURIComponent(advisoryId)}/acknowledgments`, { token, body: { action } }),
    recentMessages: (token) => call('GET', '/api/v1/me/messages', { token }),
  };
}

async function readJson(response: Response): Promise<unknown> {
  if (!JSON_TYPES.test(response.headers.get('Content-Type') ?? '')) return null;
  try {
    return await response.json();
  } catch {
    return null;
  }
}

function toProblem(body: unknown, response: Response): Problem {
  if (isProblem(body)) return body;
  return { type: 'about:blank', title: response.statusText || `HTTP ${response.status}`, status: response.status };
}

function isProblem(body: unknown): body is Problem {
  if (typeof body !== 'object' || body === null) return false;
  const candidate = body as Record<string, unknown>;
  return typeof candidate['title'] === 'string' && typeof candidate['status'] === 'number';
}

function retryAfter(response: Response): number | null {
  const header = response.headers.get('Retry-After');
  const seconds = header === null || header.trim() === '' ? Number.NaN : Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
}
