import { describe, expect, it, vi } from 'vitest';
import { createApiClient } from './api-client.js';

const problemBody = { type: 'https://serveitpro.example/problems/invalid-code', title: 'Invalid code', status: 401 };

function respond(status: number, body?: unknown, headers: Record<string, string> = {}) {
  const contentType = status >= 400 ? 'application/problem+json' : 'application/json';
  return vi.fn<typeof fetch>(async () =>
    new Response(body === undefined ? null : JSON.stringify(body), {
      status,
      headers: body === undefined ? headers : { 'Content-Type': contentType, ...headers },
    }),
  );
}

const client = (fetch: typeof globalThis.fetch, online = true) =>
  createApiClient({ serverUrl: 'https://consent.example/', fetch, isOnline: () => online });

describe('api client', () => {
  it('when a call succeeds, then it sends JSON with the bearer token to the right path', async () => {
    const fetch = respond(200, { contact: {}, categories: [], preferences: {}, pending: [] });
    const result = await client(fetch).updatePreferences('tok', { newsletter: false }, { wording: 'extension@1', locale: 'en' });

    expect(result.ok).toBe(true);
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe('https://consent.example/api/v1/me/preferences?wording=extension%401&locale=en');
    expect(init?.method).toBe('PUT');
    expect(init?.body).toBe('{"newsletter":false}');
    expect((init?.headers as Record<string, string>)['Authorization']).toBe('Bearer tok');
  });

  it('when preferences change, then the wording shown and its language go in the query, encoded, and the body holds only the changes', async () => {
    const fetch = respond(200, { contact: {}, categories: [], preferences: {}, pending: [] });
    await client(fetch).updatePreferences('tok', { marketing: true }, { wording: 'extension@2 & more', locale: 'fr' });

    const [url, init] = fetch.mock.calls[0]!;
    const sent = new URL(String(url));
    expect(sent.pathname).toBe('/api/v1/me/preferences');
    expect([...sent.searchParams]).toEqual([
      ['wording', 'extension@2 & more'],
      ['locale', 'fr'],
    ]);
    expect(init?.body).toBe('{"marketing":true}');
  });

  it('when DELETE answers 204, then the value is null', async () => {
    expect(await client(respond(204)).signOut('tok')).toEqual({ ok: true, value: null });
  });

  it('when an authenticated call answers 401, then it is "unauthorized" with the problem', async () => {
    expect(await client(respond(401, problemBody)).getMe('tok')).toEqual({
      ok: false,
      error: { kind: 'unauthorized', problem: problemBody },
    });
  });

  it('when sign-in answers 401, then it is a plain problem (a wrong code, not an ended session)', async () => {
    const result = await client(respond(401, problemBody)).signIn({ email: 'a@b.example', code: '123456' });
    expect(result).toEqual({ ok: false, error: { kind: 'problem', problem: problemBody } });
  });

  it('when the server answers 429, then it is "rate-limited" with Retry-After', async () => {
    const result = await client(respond(429, { ...problemBody, status: 429 }, { 'Retry-After': '30' })).requestCode({
      email: 'a@b.example',
    });
    expect(result.ok === false && result.error).toMatchObject({ kind: 'rate-limited', retryAfterSeconds: 30 });
  });

  it('when a 5xx has no problem body, then it is "unreachable" with a problem made from the status', async () => {
    const fetch = vi.fn<typeof globalThis.fetch>(async () => new Response('<html>Bad gateway</html>', { status: 502 }));
    const result = await client(fetch).getMe('tok');
    expect(result.ok === false && result.error).toMatchObject({ kind: 'unreachable', problem: { status: 502 } });
  });

  it('when fetch fails while the browser is offline, then it is "offline"; when online, "unreachable"', async () => {
    const broken = vi.fn<typeof fetch>(async () => {
      throw new TypeError('Failed to fetch');
    });
    expect(await client(broken, false).getMe('tok')).toEqual({ ok: false, error: { kind: 'offline' } });
    expect(await client(broken, true).getMe('tok')).toEqual({ ok: false, error: { kind: 'unreachable', problem: null } });
  });

  it('when the contact asks for their data, then it GETs /me/export with the token and returns the document', async () => {
    const document = { profile: { email: 'alex@client.example' }, consentHistory: [] };
    const fetch = respond(200, document);
    expect(await client(fetch).exportMyData('tok')).toEqual({ ok: true, value: document });
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe('https://consent.example/api/v1/me/export');
    expect(init?.method).toBe('GET');
    expect((init?.headers as Record<string, string>)['Authorization']).toBe('Bearer tok');
  });

  it('when the contact erases their data, then it DELETEs /me with the token and returns the receipt', async () => {
    const receipt = { id: 'er-1', erased: ['profile'], kept: [{ data: 'consent history', why: 'proof of consent' }] };
    const fetch = respond(200, receipt);
    expect(await client(fetch).eraseMe('tok')).toEqual({ ok: true, value: receipt });
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe('https://consent.example/api/v1/me');
    expect(init?.method).toBe('DELETE');
    expect(init?.body).toBeUndefined();
    expect((init?.headers as Record<string, string>)['Authorization']).toBe('Bearer tok');
  });

  const organization = {
    organization: { id: 'org-1', name: 'Client Co' },
    policy: { 'service-alerts': { default: null, locked: true } },
    staff: [{ id: 'c-1', name: null, email: 'alex@client.example', orgLead: true, preferences: { 'service-alerts': true }, lockedCategories: ['service-alerts'] }],
  };

  it('when a lead opens their organization, then it GETs /me/organization with the token and returns the document', async () => {
    const fetch = respond(200, organization);
    expect(await client(fetch).getMyOrganization('tok')).toEqual({ ok: true, value: organization });
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe('https://consent.example/api/v1/me/organization');
    expect(init?.method).toBe('GET');
    expect(init?.body).toBeUndefined();
    expect((init?.headers as Record<string, string>)['Authorization']).toBe('Bearer tok');
  });

  it('when a lead sets a lock, then it PUTs only that category to /me/organization/policy as JSON and returns the organization', async () => {
    const fetch = respond(200, organization);
    const result = await client(fetch).updateOrganizationPolicy('tok', { 'service-alerts': { locked: true } });

    expect(result).toEqual({ ok: true, value: organization });
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe('https://consent.example/api/v1/me/organization/policy');
    expect(init?.method).toBe('PUT');
    expect(init?.body).toBe('{"service-alerts":{"locked":true}}');
    const headers = init?.headers as Record<string, string>;
    expect(headers['Authorization']).toBe('Bearer tok');
    expect(headers['Content-Type']).toBe('application/json');
  });

  it('when someone who is not a lead asks (403), then it is a plain problem, not an ended session', async () => {
    const forbidden = { type: '/problems/forbidden', title: 'Forbidden', status: 403 };
    expect(await client(respond(403, forbidden)).getMyOrganization('tok')).toEqual({ ok: false, error: { kind: 'problem', problem: forbidden } });
  });

  it('when the contact lists their muted tickets, then it GETs /me/muted-tickets with the token and returns the list', async () => {
    const muted = [{ ticketId: 'T-42', mutedAt: '2026-11-26T12:00:00.000Z' }];
    const fetch = respond(200, muted);
    expect(await client(fetch).getMutedTickets('tok')).toEqual({ ok: true, value: muted });
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe('https://consent.example/api/v1/me/muted-tickets');
    expect(init?.method).toBe('GET');
    expect(init?.body).toBeUndefined();
    expect((init?.headers as Record<string, string>)['Authorization']).toBe('Bearer tok');
  });

  it('when the contact unmutes a ticket, then it DELETEs /me/muted-tickets/<id>, the id encoded, and 204 is null', async () => {
    const fetch = respond(204);
    expect(await client(fetch).unmuteTicket('tok', 'T-42/a b')).toEqual({ ok: true, value: null });
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe('https://consent.example/api/v1/me/muted-tickets/T-42%2Fa%20b');
    expect(init?.method).toBe('DELETE');
    expect(init?.body).toBeUndefined();
    expect((init?.headers as Record<string, string>)['Authorization']).toBe('Bearer tok');
  });

  it('when the ticket was not muted (404), then it is a plain problem', async () => {
    const notFound = { type: '/problems/not-found', title: 'Not found', status: 404 };
    expect(await client(respond(404, notFound)).unmuteTicket('tok', 'T-1')).toEqual({ ok: false, error: { kind: 'problem', problem: notFound } });
  });

  const advisory = {
    id: 'ADV-2026-014',
    revision: 1,
    severity: 'critical',
    title: 'Patch the VPN gateway',
    summary: 'A flaw lets anyone in.',
    language: 'en',
    publishedAt: '2026-11-30T14:05:00.000Z',
    asksApplied: true,
    read: { at: '2026-11-30T15:00:00.000Z', by: null, byMe: true },
    applied: null,
  };

  it('when the contact lists their organization’s advisories, then it GETs /me/advisories with the token and returns them', async () => {
    const fetch = respond(200, { items: [advisory] });
    expect(await client(fetch).getMyAdvisories('tok')).toEqual({ ok: true, value: { items: [advisory] } });
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe('https://consent.example/api/v1/me/advisories');
    expect(init?.method).toBe('GET');
    expect(init?.body).toBeUndefined();
    expect((init?.headers as Record<string, string>)['Authorization']).toBe('Bearer tok');
  });

  it('when the contact acknowledges an advisory, then it POSTs {action} to its acknowledgments, the id encoded, and returns the advisory', async () => {
    const fetch = respond(200, advisory);
    expect(await client(fetch).acknowledgeAdvisory('tok', 'ADV-2026/014 b', 'read')).toEqual({ ok: true, value: advisory });
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe('https://consent.example/api/v1/me/advisories/ADV-2026%2F014%20b/acknowledgments');
    expect(init?.method).toBe('POST');
    expect(init?.body).toBe('{"action":"read"}');
    const headers = init?.headers as Record<string, string>;
    expect(headers['Authorization']).toBe('Bearer tok');
    expect(headers['Content-Type']).toBe('application/json');
  });

  it('when the advisory is not the organization’s (404), then it is a plain problem', async () => {
    const notFound = { type: '/problems/not-found', title: 'Not found', status: 404 };
    expect(await client(respond(404, notFound)).acknowledgeAdvisory('tok', 'ADV-1', 'applied')).toEqual({
      ok: false,
      error: { kind: 'problem', problem: notFound },
    });
  });

  it('when the advisory threshold changes, then it PUTs {advisoryThreshold} to /me/advisory-threshold with the wording shown and its language', async () => {
    const me = { contact: {}, categories: [], preferences: {}, locked: [], advisoryThreshold: 'critical', pending: [] };
    const fetch = respond(200, me);
    const result = await client(fetch).updateAdvisoryThreshold('tok', 'critical', { wording: 'extension@1', locale: 'fr' });

    expect(result).toEqual({ ok: true, value: me });
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe('https://consent.example/api/v1/me/advisory-threshold?wording=extension%401&locale=fr');
    expect(init?.method).toBe('PUT');
    expect(init?.body).toBe('{"advisoryThreshold":"critical"}');
    const headers = init?.headers as Record<string, string>;
    expect(headers['Authorization']).toBe('Bearer tok');
    expect(headers['Content-Type']).toBe('application/json');
  });

  it('when the ticket delivery changes, then it PUTs {ticketDelivery} to /me/ticket-delivery with the wording shown and its language', async () => {
    const me = { contact: {}, categories: [], preferences: {}, locked: [], advisoryThreshold: 'all', ticketDelivery: 'daily', pending: [] };
    const fetch = respond(200, me);
    const result = await client(fetch).updateTicketDelivery('tok', 'daily', { wording: 'extension@2', locale: 'en' });

    expect(result).toEqual({ ok: true, value: me });
    expect(fetch).toHaveBeenCalledOnce();
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe('https://consent.example/api/v1/me/ticket-delivery?wording=extension%402&locale=en');
    expect(init?.method).toBe('PUT');
    expect(init?.body).toBe('{"ticketDelivery":"daily"}');
    const headers = init?.headers as Record<string, string>;
    expect(headers['Authorization']).toBe('Bearer tok');
    expect(headers['Content-Type']).toBe('application/json');
  });

  it('when the ticket delivery is refused (400), then it is a plain problem', async () => {
    const refused = { type: '/problems/validation', title: 'Invalid', status: 400 };
    expect(await client(respond(400, refused)).updateTicketDelivery('tok', 'daily', { wording: 'extension@2', locale: 'en' })).toEqual({
      ok: false,
      error: { kind: 'problem', problem: refused },
    });
  });
});
