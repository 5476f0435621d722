import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { linkPageWorld, post } from './link-page-world.js';

describe('link pages: post/redirect/get, and saying what really happened', () => {
  let server: TestServer;
  let world: ReturnType<typeof linkPageWorld>;
  const history = async (id: string) => (await server.api.get(`/api/v1/contacts/${id}/consent-history`)).body as { category: string; subscribed: boolean; source: string }[];
  const preferences = async (id: string) => (await server.api.get(`/api/v1/contacts/${id}`)).body.preferences as Record<string, boolean>;
  const titleOf = (html: string) => /<title>([^<]*)<\/title>/.exec(html)?.[1];
  /** The Location of a 303, which must be the link's own path: no other token, no address, only `done` and `lang`. */
  const resultOf = (answer: Response, link: string) => {
    expect(answer.status).toBe(303);
    const location = answer.headers.get('location')!;
    const url = new URL(location, link);
    expect(url.origin + url.pathname).toBe(link.split('?')[0]);
    expect([...url.searchParams.keys()].every((key) => key === 'done' || key === 'lang')).toBe(true);
    expect(location).not.toMatch(/@|%40/);
    return url.href;
  };

  beforeAll(async () => {
    server = await startServer('sqlite');
    world = linkPageWorld(server);
  });
  afterAll(() => server?.close());

  it('when a person confirms unsubscribing, then the POST answers 303 to the link’s GET, which shows it done; reloading that GET changes nothing', async () => {
    const { id, email } = await world.contact('en');
    const link = world.unsubscribe(id);
    const result = resultOf(await post(link, { action: 'unsubscribe', lang: 'en' }), link);
    expect(new URL(result).searchParams.get('done')).toBe('unsubscribed');
    expect((await preferences(id)).invoices).toBe(false);
    const rows = await history(id);
    for (let reload = 0; reload < 3; reload++) {
      const shown = await fetch(result);
      expect(shown.status).toBe(200);
      const html = await shown.text();
      expect(html).toContain('You are unsubscribed from “Invoices and receipts”.');
      expect(html).toContain('class="card success"');
      expect(html).toMatch(/<button[^>]*value="resubscribe"/);
      expect(html).not.toContain(email.replace('@', '&#64;'));
    }
    expect(await history(id)).toEqual(rows);
  });

  it('when the result URL is opened for a contact it is not true of, then it shows the real state and claims nothing', async () => {
    const { id } = await world.contact('en');
    const link = world.unsubscribe(id);
    const html = await (await fetch(`${link}?done=unsubscribed&lang=en`)).text();
    expect(html).toContain('Unsubscribe from “Invoices and receipts”?');
    expect(html).not.toContain('You are unsubscribed');
    expect(html).not.toMatch(/value="resubscribe"/);
    expect((await preferences(id)).invoices).toBe(true);
  });

  it('when the person was already unsubscribed by one-click, then confirming on the page changes nothing, says so, and offers no Undo', async () => {
    const { id } = await world.contact('fr');
    const link = world.unsubscribe(id);
    await world.oneClick(link);
    const rows = await history(id);
    const shown = await fetch(link);
    const before = await shown.text();
    expect(before).toContain('Vous ne receviez déjà plus les courriels «\u00a0Factures et reçus\u00a0».');
    expect(before).not.toMatch(/value="resubscribe"|value="unsubscribe"/);
    // A page left open from before the one-click, then its button pressed:
    const result = resultOf(await post(link, { action: 'unsubscribe', lang: 'fr' }), link);
    expect(new URL(result).searchParams.get('done')).toBeNull();
    const after = await (await fetch(result)).text();
    expect(after).toContain('Rien n’a été modifié');
    expect(after).not.toMatch(/value="resubscribe"/);
    expect(after).not.toContain('class="card success"');
    expect(await history(id)).toEqual(rows);
  });

  it('when Undo is pressed, then it is a 303 to "subscribed again", and pressing Undo again changes nothing more', async () => {
    const { id } = await world.contact('en');
    const link = world.unsubscribe(id);
    await post(link, { action: 'unsubscribe' });
    const undone = resultOf(await post(link, { action: 'resubscribe' }), link);
    expect(await (await fetch(undone)).text()).toContain('You are subscribed to “Invoices and receipts” again.');
    const rows = await history(id);
    const again = resultOf(await post(link, { action: 'resubscribe' }), link);
    expect(new URL(again).searchParams.get('done')).toBeNull();
    expect(await history(id)).toEqual(rows);
  });

  it('when the preference center is saved, then 303 to a GET saying so under its own title, and a reload saves nothing again', async () => {
    const { id } = await world.contact('fr');
    const link = world.preferences(id);
    const centerTitle = titleOf(await (await fetch(link)).text());
    const result = resultOf(await post(link, { action: 'save', category: ['invoices'], lang: 'fr' }), link);
    const rows = await history(id);
    const html = await (await fetch(result)).text();
    expect(html).toContain('Vos choix sont enregistrés.');
    expect(html).toMatch(/<h1 id="center-heading">Choisissez les courriels que vous recevez<\/h1>/);
    expect(titleOf(html)).not.toBe(centerTitle);
    await fetch(result);
    expect(await history(id)).toEqual(rows);
  });

  it('when a double opt-in is confirmed, then 303 to a GET showing it done; a reload records nothing; confirming again says it already was', async () => {
    const { id } = await world.contact('en');
    const link = await world.confirm(id);
    const question = await (await fetch(link)).text();
    const result = resultOf(await post(link, { action: 'confirm', lang: 'en' }), link);
    const rows = await history(id);
    const done = await (await fetch(result)).text();
    expect(done).toContain('You are subscribed to “News and offers”.');
    expect(done).toContain('class="card success"');
    expect(titleOf(done)).not.toBe(titleOf(question));
    expect(await (await fetch(result)).text()).toBe(done);
    expect(await history(id)).toEqual(rows);
    const again = resultOf(await post(link, { action: 'confirm', lang: 'en' }), link);
    expect(await (await fetch(again)).text()).toContain('This is already confirmed');
    expect(await history(id)).toEqual(rows);
  });

  it('when a ticket is muted, then 303 to "muted" with Undo; pressed again or the link opened later, it says it already was, with no Undo', async () => {
    const { id } = await world.contact('en');
    const link = world.mute(id, 'T-5');
    const muted = await (await fetch(resultOf(await post(link, { action: 'mute', lang: 'en' }), link))).text();
    expect(muted).toContain('You will not receive updates about ticket T-5 any more.');
    expect(muted).toMatch(/value="unmute"[^>]*>Undo: send me its updates again</);
    const again = resultOf(await post(link, { action: 'mute', lang: 'en' }), link);
    expect(new URL(again).searchParams.get('done')).toBeNull();
    for (const html of [await (await fetch(again)).text(), await (await fetch(link)).text()]) {
      expect(html).toContain('Updates about ticket T-5 are already off.');
      expect(html).not.toContain('Undo');
      expect(html).not.toContain('class="card success"');
      expect(html).toMatch(/value="unmute"[^>]*>Send me its updates again</);
    }
    expect(await server.services.ticketMutes.list(id)).toEqual([{ ticketId: 'T-5', mutedAt: expect.any(String) }]);
  });

  it('when a page’s form is posted with an expired link, then the person gets the page in their language, not a mail client’s text', async () => {
    const { id } = await world.contact('fr');
    const answer = await post(`${world.expiredUnsubscribe(id)}`, { action: 'unsubscribe', lang: 'fr' });
    expect(answer.status).toBe(410);
    const html = await answer.text();
    expect(html).toContain('<html lang="fr"');
    expect(html).toContain('Ce lien a expiré');
  });
});

describe('the new-link form’s errors', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer('sqlite');
  });
  afterAll(() => server?.close());

  const cases = [
    ['someone@localhost', 'La partie après le @ n’est pas un domaine valide.', 'The part after the @ is not a valid domain.'],
    ['no-at-sign', 'Ce n’est pas une adresse courriel.', 'This is not an email address.'],
    ['élise@exemple.ca', 'Les adresses qui ont des lettres accentuées', 'Addresses with accented or non-Latin letters'],
    [`${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(60)}.ca`, 'Cette adresse est trop longue.', 'This address is too long.'],
  ] as const;

  it.each(cases)('when "%s" is sent from a French page, then the error is French, says what is wrong, and is tied to the field', async (email, french, english) => {
    const answer = await post(`${server.url}/links/fresh`, { email, lang: 'fr' });
    expect(answer.status).toBe(400);
    const html = await answer.text();
    expect(html).toContain('<html lang="fr"');
    expect(html).toContain(french);
    expect(html).not.toContain(english);
    expect(html).not.toMatch(/not valid|Not an email|not supported|too long/);
    expect(html).toMatch(/<title>Erreur\u00a0: vérifiez l’adresse courriel · /);
    expect(html).toMatch(/<p id="fresh-email-problem" class="problem" role="alert">/);
    expect(html).toMatch(/<input[^>]*aria-invalid="true"[^>]*aria-describedby="fresh-email-problem"/);
    const inEnglish = await (await post(`${server.url}/links/fresh`, { email, lang: 'en' })).text();
    expect(inEnglish).toContain(english);
  });

  it('when the subscribe form gets a bad address from a French page, then its error is French too', async () => {
    const html = await (await post(`${server.url}/subscribe`, { email: 'someone@localhost', category: 'marketing', lang: 'fr' })).text();
    expect(html).toContain('La partie après le @ n’est pas un domaine valide.');
    expect(html).not.toContain('The domain after the @ is not valid.');
  });
});

describe('the forms anyone may post', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer('sqlite');
  });
  afterAll(() => server?.close());

  it('when a new link or a subscription is asked for, then the POST answers 303 to a GET saying "sent", the same for a known, an unknown and a rate-limited address, with no address in it', async () => {
    const org = (await server.api.post('/api/v1/organizations', { name: 'Sent' })).body.id;
    await server.api.post('/api/v1/contacts', { organizationId: org, email: 'known@sent.example' });
    for (const [path, fields] of [['/links/fresh', {}], ['/subscribe', { category: 'marketing' }]] as const) {
      const locations = new Set<string>();
      for (const email of ['known@sent.example', 'stranger@sent.example', 'known@sent.example', 'known@sent.example', 'known@sent.example']) {
        const answer = await post(`${server.url}${path}`, { ...fields, email, lang: 'fr' });
        expect(answer.status).toBe(303);
        expect(await answer.text()).toBe('');
        locations.add(answer.headers.get('location')!);
      }
      expect([...locations]).toEqual([`${path}?done=sent&lang=fr`]);
      const shown = await fetch(`${server.url}${path}?done=sent&lang=fr`);
      expect(shown.status).toBe(200);
      expect(await shown.text()).toContain('Consultez votre boîte de réception');
    }
  });
});
