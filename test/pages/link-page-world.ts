import jwt from 'jsonwebtoken';
import type { TestServer } from '../support/server.js';

const SECRET = 'test-token-secret-0123456789abcdefghij'; // k1 in test/support/server.ts

/** An address of `length` characters (120 by default), unique by `tag`: what overflows a phone if nothing wraps. */
export function longAddress(tag: string, length = 120): string {
  const domain = `${'clinique-dentaire-de-la-riviere-du-nord'.padEnd(50, 'x')}.example`;
  const local = `${tag}.`.padEnd(length - domain.length - 1, 'n');
  const address = `${local}@${domain}`;
  if (address.length !== length || local.length > 64) throw new Error(`cannot make a ${length}-character address for ${tag}`);
  return address;
}

let count = 0; // across worlds: two on one server never make the same address

/** Contacts and the links their emails would carry, straight from the server's own token service. */
export function linkPageWorld(server: TestServer) {
  let organizationId: string | undefined;
  const organization = async () => (organizationId ??= (await server.api.post('/api/v1/organizations', { name: 'Clinique Lavoie' })).body.id as string);
  const tokens = server.services.tokens;
  return {
    /** A new contact in `locale`, every optional category as a new contact has it; a 120-character address. */
    async contact(locale: 'en' | 'fr', tag = 'person'): Promise<{ id: string; email: string }> {
      const email = longAddress(`${tag}-${locale}-${++count}`);
      const created = await server.api.post('/api/v1/contacts', { organizationId: await organization(), email, locale });
      if (created.status !== 201) throw new Error(`contact: ${created.status} ${JSON.stringify(created.body)}`);
      return { id: created.body.id, email };
    },
    unsubscribe: (id: string, category = 'invoices') => `${server.url}/u/${tokens.link('unsubscribe', id, category)}`,
    preferences: (id: string) => `${server.url}/p/${tokens.link('preferences', id)}`,
    mute: (id: string, ticketId = 'T-42') => `${server.url}/t/${tokens.muteLink(id, ticketId)}`,
    expiredUnsubscribe: (id: string) => {
      const now = Math.floor(Date.now() / 1000);
      return `${server.url}/u/${jwt.sign({ sub: id, cat: 'invoices', iat: now - 200 * 86_400, exp: now - 60 }, SECRET, { algorithm: 'HS256', keyid: 'k1', audience: 'unsubscribe' })}`;
    },
    /** A double opt-in for News and offers, asked by an admin, and its email's button link. */
    async confirm(id: string): Promise<string> {
      const asked = await server.api.put(`/api/v1/contacts/${id}/preferences`, { marketing: { subscribed: true, confirm: true } });
      if (asked.status !== 200) throw new Error(`double opt-in: ${asked.status}`);
      const request = await server.testStore.store.db.selectFrom('consent_requests').select(['id', 'expires_at']).where('contact_id', '=', id).executeTakeFirstOrThrow();
      return `${server.url}/c/${tokens.confirmLink(id, request.id, Date.parse(String(request.expires_at)))}`;
    },
    /** RFC 8058 one-click, as a mail client posts it. */
    async oneClick(url: string): Promise<void> {
      const res = await fetch(url, { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      if (res.status !== 200) throw new Error(`one-click: ${res.status}`);
    },
  };
}

/** A form posted without following redirects, as the first half of post/redirect/get. */
export function post(url: string, fields: Record<string, string | string[]>): Promise<Response> {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) for (const one of [value].flat()) body.append(name, one);
  return fetch(url, { method: 'POST', body, redirect: 'manual' });
}
