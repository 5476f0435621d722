import { useEffect, useRef, useState } from 'preact/hooks';
import { WEBHOOK_EVENT_TYPES } from '../../contract/constants.js';
import type { OrganizationList, WebhookDelivery, WebhookDeliveryList, WebhookEndpoint, WebhookEndpointCreated, WebhookEndpointList } from '../../contract/index.js';
import type { PageProps } from '../page.js';
import { StackTable } from '../stack-table.js';
import { WEBHOOKS_STRINGS, type WebhooksStrings } from './webhooks-strings.js';

/** Outgoing webhooks (admin): add an endpoint (its secret shown once), see where each stands, disable, rotate, remove, read and replay deliveries. */
export function Webhooks({ api, locale }: PageProps) {
  const s = WEBHOOKS_STRINGS[locale];
  const [endpoints, setEndpoints] = useState<WebhookEndpoint[]>([]);
  const [organizations, setOrganizations] = useState<OrganizationList['items']>([]);
  const [secret, setSecret] = useState<{ text: string; value: string } | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const [removing, setRemoving] = useState<string | null>(null);
  const [open, setOpen] = useState<WebhookEndpoint | null>(null);
  const secretBox = useRef<HTMLDivElement>(null);
  const dateTime = new Intl.DateTimeFormat(locale === 'fr' ? 'fr-CA' : 'en-CA', { dateStyle: 'medium', timeStyle: 'short' });
  const when = (iso: string) => dateTime.format(new Date(iso));
  const organizationName = (id: string | null) => (id === null ? s.everyOrganization : (organizations.find((o) => o.id === id)?.name ?? id));

  const load = async () => {
    const res = await api.request<WebhookEndpointList>('GET', '/api/v1/webhook-endpoints');
    if (res.status === 200) setEndpoints(res.body.items);
  };
  useEffect(() => {
    void load();
    void api.request<OrganizationList>('GET', '/api/v1/organizations').then((res) => res.status === 200 && setOrganizations(res.body.items));
  }, []);
  useEffect(() => secretBox.current?.focus(), [secret]);

  /** A change's answer: the problem's own words when the server gave some. */
  const settle = async (res: { status: number; body: unknown }, ok: number) => {
    setFailed(res.status === ok ? null : ((res.body as { detail?: string } | null)?.detail ?? s.failed));
    if (res.status === ok) await load();
    return res.status === ok;
  };

  const add = async (event: Event) => {
    event.preventDefault();
    const formElement = event.target as HTMLFormElement;
    const form = new FormData(formElement);
    const organizationId = String(form.get('organizationId'));
    const description = String(form.get('description')).trim();
    const res = await api.request<WebhookEndpointCreated>('POST', '/api/v1/webhook-endpoints', {
      url: String(form.get('url')).trim(),
      events: form.getAll('events').map(String),
      includeEmail: form.get('includeEmail') === 'on',
      ...(organizationId ? { organizationId } : {}),
      ...(description ? { description } : {}),
    });
    if (!(await settle(res, 201))) return;
    formElement.reset();
    setSecret({ text: s.secretOnce, value: res.body.secret });
  };
  const setEnabled = async (endpoint: WebhookEndpoint, enabled: boolean) => settle(await api.request('PATCH', `/api/v1/webhook-endpoints/${endpoint.id}`, { enabled }), 200);
  const rotate = async (endpoint: WebhookEndpoint) => {
    const res = await api.request<WebhookEndpointCreated>('POST', `/api/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, {});
    if (await settle(res, 200)) setSecret({ text: s.rotated, value: res.body.secret });
  };
  const remove = async (endpoint: WebhookEndpoint) => {
    setRemoving(null);
    if (open?.id === endpoint.id) setOpen(null);
    await settle(await api.request('DELETE', `/api/v1/webhook-endpoints/${endpoint.id}`), 204);
  };
  const needAttention = endpoints.filter((e) => e.state !== 'enabled' && e.failingSince !== null).length;

  return (
    <section class="card access-page webhooks-page">
      <h1>{s.heading}</h1>
      <p>{s.intro}</p>
      {needAttention > 0 && (
        <p role="status" class="error">
          {s.attention(needAttention)}
        </p>
      )}
      <h2>{s.addHeading}</h2>
      <form class="webhook-form" onSubmit={add}>
        <label for="webhook-url">{s.url}</label>
        <div>
          <input id="webhook-url" name="url" type="url" required maxLength={2000} aria-describedby="webhook-url-hint" placeholder="https://psa.example.com/hooks/consent" />
          <p id="webhook-url-hint" class="muted">
            {s.urlHint}
          </p>
        </div>
        <fieldset class="webhook-events">
          <legend>{s.events}</legend>
          {WEBHOOK_EVENT_TYPES.map((type) => (
            <label key={type} class="check">
              <input type="checkbox" name="events" value={type} defaultChecked={type === 'consent.changed'} />
              <span>
                {s.eventLabels[type]} <code>{type}</code>
              </span>
            </label>
          ))}
        </fieldset>
        <label for="webhook-organization">{s.organization}</label>
        <select id="webhook-organization" name="organizationId">
          <option value="">{s.everyOrganization}</option>
          {organizations.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}
            </option>
          ))}
        </select>
        <label class="check wide">
          <input type="checkbox" name="includeEmail" />
          <span>{s.includeEmail}</span>
        </label>
        <label for="webhook-description">{s.description}</label>
        <input id="webhook-description" name="description" maxLength={200} />
        <button type="submit" class="primary">
          {s.add}
        </button>
      </form>
      {secret && (
        <div role="status" class="once" tabIndex={-1} ref={secretBox}>
          <p>{secret.text}</p>
          <code class="secret">{secret.value}</code>
        </div>
      )}
      {failed !== null && (
        <p role="alert" class="error">
          {failed}
        </p>
      )}
      <h2>{s.endpoints}</h2>
      {endpoints.length === 0 ? (
        <p>{s.none}</p>
      ) : (
        <div class="access-scroll" tabIndex={0} role="region" aria-label={s.endpoints}>
          <StackTable
            name="webhook-endpoints"
            rows={endpoints}
            rowKey={(e) => e.id}
            columns={[
              {
                label: s.endpoint,
                cell: (e) => (
                  <div>
                    <code class="webhook-url">{e.url}</code>
                    {e.description && <div>{e.description}</div>}
                    <div class="muted">
                      <span title={e.events.map((type) => s.eventLabels[type]).join(', ')}>{s.eventsCount(e.events.length)}</span>
                      {e.includeEmail && `, ${s.withEmail}`}
                    </div>
                  </div>
                ),
              },
              { label: s.organization, cell: (e) => organizationName(e.organizationId) },
              { label: s.state, cell: (e) => <StateOf endpoint={e} s={s} when={when} /> },
              {
                label: s.showDeliveries,
                hiddenLabel: true,
                class: 'actions',
                cell: (e) => (
                  <div>
                    <button type="button" aria-expanded={open?.id === e.id} onClick={() => setOpen(open?.id === e.id ? null : e)} aria-label={`${s.showDeliveries}: ${e.url}`}>
                      {s.showDeliveries}
                    </button>
                    <button type="button" onClick={() => setEnabled(e, !e.enabled)} aria-label={`${e.enabled ? s.disable : s.enable}: ${e.url}`}>
                      {e.enabled ? s.disable : s.enable}
                    </button>
                    <button type="button" onClick={() => rotate(e)} aria-label={`${s.rotate}: ${e.url}`}>
                      {s.rotate}
                    </button>
                    {removing === e.id ? (
                      <span role="group" aria-label={s.confirmRemove}>
                        <span class="confirm">{s.confirmRemove}</span>
                        <button type="button" class="danger" onClick={() => remove(e)}>
                          {s.yesRemove}
                        </button>
                        <button type="button" onClick={() => setRemoving(null)}>
                          {s.cancel}
                        </button>
                      </span>
                    ) : (
                      <button type="button" onClick={() => setRemoving(e.id)} aria-label={`${s.remove}: ${e.url}`}>
                        {s.remove}
                      </button>
                    )}
                  </div>
                ),
              },
            ]}
          />
        </div>
      )}
      {open && <Deliveries key={open.id} api={api} endpoint={open} s={s} when={when} />}
    </section>
  );
}

function StateOf({ endpoint, s, when }: { endpoint: WebhookEndpoint; s: WebhooksStrings; when: (iso: string) => string }) {
  if (endpoint.state === 'disabled') {
    return (
      <div>
        <strong class="error">{s.disabled}</strong>
        <div class="muted">{endpoint.failingSince ? s.disabledAfterFailures(when(endpoint.failingSince)) : s.disabledByAdmin}</div>
      </div>
    );
  }
  if (endpoint.state === 'failing' && endpoint.failingSince) return <strong class="error">{s.failingSince(when(endpoint.failingSince))}</strong>;
  return <span>{s.delivering}</span>;
}

/** One endpoint's latest deliveries, each with its last answer, and a way to send one again. */
function Deliveries({ api, endpoint, s, when }: { api: PageProps['api']; endpoint: WebhookEndpoint; s: WebhooksStrings; when: (iso: string) => string }) {
  const [items, setItems] = useState<WebhookDelivery[] | null>(null);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const load = async () => {
    const res = await api.request<WebhookDeliveryList>('GET', `/api/v1/webhook-endpoints/${endpoint.id}/deliveries?limit=50`);
    setItems(res.status === 200 ? res.body.items : []);
  };
  useEffect(() => {
    void load();
    heading.current?.focus();
  }, []);
  const replay = async (eventId: string) => {
    const res = await api.request('POST', `/api/v1/webhook-endpoints/${endpoint.id}/deliveries/${eventId}/replay`, {});
    setNote(res.status === 202 ? { ok: true, text: s.replayed } : { ok: false, text: s.failed });
    await load();
  };
  const answer = (d: WebhookDelivery) => {
    if (d.attempts === 0) return '—';
    const said = d.lastStatusCode !== null ? `HTTP ${d.lastStatusCode}` : (d.lastError ?? s.noAnswer);
    return d.lastLatencyMs !== null ? `${said} · ${s.latency(d.lastLatencyMs)}` : said;
  };
  return (
    <div class="webhook-deliveries">
      <h2 tabIndex={-1} ref={heading}>
        {s.deliveriesOf(endpoint.url)}
      </h2>
      {note && (
        <p role={note.ok ? 'status' : 'alert'} class={note.ok ? undefined : 'error'}>
          {note.text}
        </p>
      )}
      {items?.length === 0 && <p>{s.noDeliveries}</p>}
      {items && items.length > 0 && (
        <div class="access-scroll" tabIndex={0} role="region" aria-label={s.deliveriesOf(endpoint.url)}>
          <StackTable
            name="webhook-delivery-list"
            rows={items}
            rowKey={(d) => d.eventId}
            columns={[
              { label: s.event, cell: (d) => s.eventLabels[d.type] },
              { label: s.occurred, cell: (d) => when(d.occurredAt) },
              {
                label: s.status,
                cell: (d) => (
                  <div>
                    {d.status === 'delivered' ? s.delivered : s.pending}
                    {d.nextAttemptAt && d.attempts > 0 && <div class="muted">{s.nextAttempt(when(d.nextAttemptAt))}</div>}
                  </div>
                ),
              },
              { label: s.attempts, cell: (d) => String(d.attempts) },
              { label: s.lastAnswer, cell: answer },
              {
                label: s.replay,
                hiddenLabel: true,
                class: 'actions',
                cell: (d) => (
                  <button type="button" onClick={() => replay(d.eventId)} aria-label={`${s.replay}: ${s.eventLabels[d.type]}, ${when(d.occurredAt)}`}>
                    {s.replay}
                  </button>
                ),
              },
            ]}
          />
        </div>
      )}
    </div>
  );
}
