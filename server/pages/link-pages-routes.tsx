import crypto from 'node:crypto';
import fs from 'node:fs';
import type { Request, RequestHandler, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { ADVISORY_CATEGORY, ADVISORY_THRESHOLDS, TICKET_DELIVERIES, TICKETS_CATEGORY, type TicketDelivery, type AdvisoryThreshold, type CategoryInfo, type ConsentSetting, type Contact, type Locale, type WordingSurface } from '../../contract/index.js';
import type { AfterAnswer } from '../after-answer.js';
import type { Categories } from '../consent/categories.js';
import type { Contacts } from '../contacts/contacts.js';
import { normalizeEmail, type AddressProblem } from '../contacts/email-address.js';
import { DomainError } from '../errors.js';
import type { Endpoints, LinkCheck, LinkPurpose, Reply } from '../http/endpoints.js';
import { originOf } from '../http/origin.js';
import type { RateLimitStores } from '../http/rate-limit-stores.js';
import type { Messages } from '../messages/messages.js';
import type { Organizations } from '../organizations/organizations.js';
import type { TicketMutes } from '../tickets/ticket-mutes.js';
import type { AdvisoryAcknowledgments } from '../advisories/acknowledgments.js';
import type { ConsentWordings } from '../consent/consent-wordings.js';
import type { ConsentRequests } from '../consent/consent-requests.js';
import { quotedList } from '../rendering/format.js';
import type { ShownWording } from './preference-center.js';
import {
  acknowledgePage,
  badAddressPage,
  brokenLinkPage,
  freshLinkFormPage,
  confirmedPage,
  confirmPage,
  muteTicketPage,
  noticePage,
  preferencesPage,
  subscribePage,
  subscribeSentPage,
  unsubscribePage,
  type DoneNotice,
  type PageView,
  type UnsubscribeState,
} from './link-page-views.js';
import { renderPage } from './page-layout.js';
import { pageLocale } from './page-strings.js';
import type { LinkPageMetrics } from './page-actions.js';

export interface LinkPagesDeps {
  brand: { name: string; color: string };
  contacts: Contacts;
  categories: Categories;
  messages: Messages;
  rateLimits: RateLimitStores;
  afterAnswer: AfterAnswer;
  wordings: ConsentWordings;
  consentRequests: ConsentRequests;
  organizations: Organizations;
  ticketMutes: TicketMutes;
  acknowledgments: AdvisoryAcknowledgments;
  pageMetrics: LinkPageMetrics;
}

// Pages reached from email links: no script at all, no framing, no referrer (the token is in the
// URL), nothing cached, no cookie. The same headers go on every answer, pages and one-click alike.
const PAGE_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  'X-Robots-Tag': 'noindex, nofollow',
  'X-Frame-Options': 'DENY',
};

/** Consent changes a contact may make from its links in an hour (one-click excluded). */
export const PAGE_ACTIONS_PER_HOUR = 20;
const CONSENT_ACTIONS = new Set(['unsubscribe', 'resubscribe', 'save', 'unsubscribe-all', 'confirm', 'mute', 'unmute']);

/**
 * What a POST did, named in the query of the GET it redirects to (post/redirect/get): only a word
 * from this list, never data. The GET checks it against the contact's actual state, changes nothing,
 * and its forms post to the same token, so it grants no more than the link it came from.
 */
const DONE = ['unsubscribed', 'resubscribed', 'saved', 'all-off', 'data-sent', 'confirmed', 'muted', 'unmuted', 'acknowledged'] as const;
type Done = (typeof DONE)[number];
const doneOf = (req: Request): Done | undefined => DONE.find((done) => done === req.query.done);
const NOTICES: Partial<Record<Done, DoneNotice>> = { saved: 'saved', 'all-off': 'allOff', 'data-sent': 'dataSent' };

const pageCss = fs.readFileSync(new URL('./assets/page.css', import.meta.url), 'utf8');

/** The pages behind the links in every email: unsubscribe, preferences, and a fresh link by email. */
export function registerLinkPageRoutes(api: Endpoints, deps: LinkPagesDeps): void {
  const { brand, contacts, organizations, categories, messages, rateLimits, afterAnswer, wordings, consentRequests, ticketMutes, acknowledgments, pageMetrics } = deps;
  const css = pageCss.replace('--brand: #0b5cad', `--brand: ${brand.color}`);

  const localeOf = (req: Request, contact?: Contact) =>
    pageLocale(req.query.lang ?? (req.body as Record<string, unknown> | undefined)?.lang, contact?.locale, req.get('accept-language'));
  /** The path of the link this request came by: where its forms post, and the language switch. */
  const selfAction = (req: Request) => `${req.baseUrl}${req.path}`;
  /** The link's own path with a query: only `done` (a word) and `lang`; the token is the path's. */
  const selfWith = (req: Request, done: Done | undefined, locale: Locale) => `${selfAction(req)}?${new URLSearchParams({ ...(done ? { done } : {}), lang: locale })}`;
  const page = (req: Request, status: number, locale: Locale, view: PageView, switchable = true): Reply => ({
    status,
    html: renderPage({
      locale,
      brandName: brand.name,
      title: view.title,
      children: view.children,
      ...(switchable ? { otherLanguageHref: selfWith(req, req.method === 'GET' ? doneOf(req) : undefined, locale === 'en' ? 'fr' : 'en') } : {}),
    }),
  });
  /** Post/redirect/get: a 303 to the link's own GET, which shows what was done; a reload changes nothing. */
  const seeResult = (req: Request, locale: Locale, done?: Done): Reply => ({ status: 303, headers: { Location: selfWith(req, done, locale) } });
  const sendPage = (req: Request, res: Response, status: number, view: (locale: Locale) => PageView) => {
    const locale = localeOf(req);
    res.set(PAGE_HEADERS);
    res.status(status).type('html').send(page(req, status, locale, view(locale), false).html);
  };

  const tooMany = (req: Request, res: Response) => {
    res.setHeader('Retry-After', '900');
    sendPage(req, res, 429, (locale) => noticePage(locale, 'tooMany'));
  };

  const linkOf = (res: Response): LinkCheck => res.locals.link ?? { ok: false, reason: 'invalid' };
  // A valid token is never refused for rate (mail providers send many one-click POSTs from few
  // addresses); invalid ones are limited per client address.
  const invalidTokenLimit = rateLimit({
    store: rateLimits('invalid-link-tokens'),
    windowMs: 15 * 60_000,
    limit: 30,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    skip: (_req, res) => linkOf(res).ok,
    handler: tooMany,
  });
  /** At most `limit` of these form actions an hour for the contact a valid link names. */
  const perContactHourly = (name: string, limit: number, actions: ReadonlySet<string>) =>
    rateLimit({
      store: rateLimits(name),
      windowMs: 60 * 60_000,
      limit,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      skip: (req, res) => !actions.has(formAction(req) ?? '') || !linkOf(res).ok,
      keyGenerator: (_req, res) => {
        const link = linkOf(res);
        return link.ok ? link.claims.contactId : '';
      },
      handler: tooMany,
    });
  // Each copy goes to the contact's own inbox; a few an hour is plenty.
  const exportsPerContact = perContactHourly('data-copies-per-contact', 3, new Set(['email-export']));
  // A valid link may change consent, but not without end: every change is a history row kept for
  // years. One-click is not counted: it only ever turns a category off, so it cannot loop.
  const pageActionsPerContact = perContactHourly('page-actions-per-contact', PAGE_ACTIONS_PER_HOUR, CONSENT_ACTIONS);
  /** A form POST meets only the limit that counts it (each would skip it anyway); one-click, none. */
  const formLimits: RequestHandler = (req, res, next) => {
    if (!linkOf(res).ok) return invalidTokenLimit(req, res, next);
    const action = formAction(req) ?? '';
    if (action === 'email-export') return exportsPerContact(req, res, next);
    if (CONSENT_ACTIONS.has(action)) return pageActionsPerContact(req, res, next);
    next();
  };

  /** The page for a link that cannot be used, in the person's language; a mail client's one-click gets a short text instead. */
  const brokenLink = (req: Request, reason: 'expired' | 'invalid'): Reply => {
    const status = reason === 'expired' ? 410 : 400;
    if (formAction(req) === 'one-click') return { status, text: reason === 'expired' ? 'This link has expired.' : 'This link is not valid.' };
    const locale = localeOf(req);
    return page(req, status, locale, brokenLinkPage(locale, reason), req.method === 'GET');
  };
  const gone = (req: Request): Reply => {
    if (formAction(req) === 'one-click') return { status: 410, text: 'This contact no longer exists.' };
    const locale = localeOf(req);
    return page(req, 410, locale, noticePage(locale, 'gone'), false);
  };

  /** A page about the contact, in its language. */
  const contactPage = async (req: Request, contact: Contact, view: (locale: Locale, lockedBy: string | null) => PageView) => {
    const locale = localeOf(req, contact);
    // The name a locked category is "required by".
    const lockedBy = contact.lockedCategories.length ? ((await organizations.get(contact.organizationId))?.name ?? null) : null;
    return page(req, 200, locale, view(locale, lockedBy));
  };
  /** A surface's current wording, filled in for this page. */
  const shown = (surface: WordingSurface, locale: Locale, categoryKeys: string[] = []): ShownWording => {
    const version = wordings.currentVersion(surface);
    const labels = categoryKeys.map((key) => categories.get(key)?.label[locale] ?? key);
    return { version, text: wordings.text(version, locale, { brand: brand.name, categories: labels }) };
  };
  /** The change a form asks for, with the wording its page showed (the version it posts back) in the page's language. */
  const pageOrigin = (req: Request, source: 'preference-page' | 'unsubscribe-page') => ({
    ...originOf(req, source),
    wording: wordings.shown(source, (req.body as Record<string, unknown>).wording, localeOf(req)),
  });
  /** The unsubscribe card's state, from the contact's actual consent: `done` only says whether this person's own action did it. */
  const unsubscribeState = (contact: Contact, key: string | undefined, done: Done | undefined): UnsubscribeState => {
    const category = key ? categories.get(key) : undefined;
    if (!category) return 'confirm';
    if (category.required || contact.lockedCategories.includes(category.key)) return 'required';
    if (contact.preferences[category.key] === true) return done === 'resubscribed' ? 'resubscribed' : 'confirm';
    return done === 'unsubscribed' ? 'unsubscribed' : 'already-unsubscribed';
  };
  const unsubscribeView = (req: Request, contact: Contact, key: string | undefined) => (locale: Locale, lockedBy: string | null) => {
    const done = doneOf(req);
    return unsubscribePage(
      {
        lockedBy,
        contact,
        locale,
        categories: categories.list,
        category: key ? categories.get(key) : undefined,
        state: unsubscribeState(contact, key, done),
        action: selfAction(req),
        wording: shown('preference-page', locale),
        unsubscribeWording: shown('unsubscribe-page', locale, key ? [key] : []),
      },
      done && NOTICES[done],
    );
  };
  const preferencesView = (req: Request, contact: Contact) => (locale: Locale, lockedBy: string | null) => {
    const done = doneOf(req);
    return preferencesPage(
      { lockedBy, contact, locale, categories: categories.list, action: selfAction(req), wording: shown('preference-page', locale) },
      done && NOTICES[done],
    );
  };

  /** The contact a valid link names, or the page to answer instead. */
  const linked = async (req: Request, link: LinkCheck): Promise<{ contact: Contact; category?: string } | Reply> => {
    if (!link.ok) return brokenLink(req, link.reason);
    const contact = await contacts.get(link.claims.contactId);
    if (!contact) return gone(req);
    return { contact, ...(link.claims.category ? { category: link.claims.category } : {}) };
  };
  const isReply = (value: object): value is Reply => 'status' in value;

  const linkRoute = (method: 'get' | 'post', prefix: 'u' | 'p' | 'c' | 't' | 'a', purpose: LinkPurpose, summary: string, handler: (req: Request, link: LinkCheck) => Promise<Reply>) =>
    api.route(
      {
        method,
        path: `/${prefix}/:token`,
        summary,
        tag: 'Link pages',
        auth: { link: purpose },
        answers: 'html',
        headers: PAGE_HEADERS,
        ...(method === 'post' ? { body: { form: true } as const } : {}),
        limits: [method === 'post' ? formLimits : invalidTokenLimit],
        responses:
          method === 'post'
            ? { 200: { description: 'RFC 8058 one-click: done' }, 303: { description: 'A page’s button: to the link’s own GET, which shows what was done' } }
            : { 200: { description: 'A page' } },
      },
      ({ req, link }) => handler(req, link),
    );

  // ---- Unsubscribe link: List-Unsubscribe target and the footer's category link ----

  linkRoute('get', 'u', 'unsubscribe', 'Confirm leaving one category, and the preference center', async (req, link) => {
    const found = await linked(req, link);
    return isReply(found) ? found : contactPage(req, found.contact, unsubscribeView(req, found.contact, found.category));
  });

  linkRoute('post', 'u', 'unsubscribe', 'RFC 8058 one-click, or a button of the page', async (req, link) => {
    if (!link.ok) return brokenLink(req, link.reason);
    const { contactId, category: key } = link.claims;
    const category = key ? categories.get(key) : undefined;
    const action = formAction(req);
    if (action === 'one-click') {
      const answer = await oneClick(req, contactId, category);
      pageMetrics.oneClickUnsubscribe();
      return answer;
    }
    if (action !== 'unsubscribe' && action !== 'resubscribe') return preferenceAction(req, contactId);
    const before = await contacts.get(contactId);
    if (!before) return gone(req);
    const wanted = action === 'resubscribe';
    // Nothing to do (already off, say by one-click, or already back on): the page says so, with no Undo.
    const changes = !!category && !category.required && !before.lockedCategories.includes(category.key) && (before.preferences[category.key] === true) !== wanted;
    if (changes) await contacts.setPreferences(contactId, { [category.key]: wanted }, pageOrigin(req, 'unsubscribe-page'));
    pageMetrics.pageAction(action);
    return seeResult(req, localeOf(req, before), changes ? (wanted ? 'resubscribed' : 'unsubscribed') : undefined);
  });

  /** RFC 8058: changed before answering, 200 with a tiny body, no redirect, no cookie; repeatable. */
  async function oneClick(req: Request, contactId: string, category: CategoryInfo | undefined): Promise<Reply> {
    // An erased contact has nothing left to change: still a 200, as repeating is harmless.
    if (!category || category.required) return { status: 200, text: 'Unsubscribed.' };
    try {
      await contacts.changeConsent(contactId, { [category.key]: false }, originOf(req, 'one-click'));
    } catch (error) {
      // Locked on by the contact's organization since this email went: nothing to change, still a 200.
      if (error instanceof DomainError && error.kind === 'invalid') return { status: 200, text: 'Required by your organization: not changed.' };
      throw error;
    }
    return { status: 200, text: 'Unsubscribed.' };
  }

  // ---- Preferences link: the preference center ----

  linkRoute('get', 'p', 'preferences', 'The preference center', async (req, link) => {
    const found = await linked(req, link);
    return isReply(found) ? found : contactPage(req, found.contact, preferencesView(req, found.contact));
  });

  linkRoute('post', 'p', 'preferences', 'Save the preference center, or email a copy of one’s data', async (req, link) => {
    if (!link.ok) return brokenLink(req, link.reason);
    return preferenceAction(req, link.claims.contactId);
  });

  /** The preference center's buttons, from either link: save, unsubscribe from all optional, email a copy of the data. */
  async function preferenceAction(req: Request, contactId: string): Promise<Reply> {
    const action = formAction(req);
    if (action === 'email-export') {
      const contact = await contacts.get(contactId);
      if (!contact) return gone(req);
      // To the contact's own address only: the link proves nothing more than access to that inbox.
      await messages.sendSystem(contact.id, 'data-export', { requestedAt: new Date().toISOString() });
      pageMetrics.pageAction('email-export');
      return seeResult(req, localeOf(req, contact), 'data-sent');
    }
    if (action !== 'save' && action !== 'unsubscribe-all') return { status: 400, text: 'Unknown action.' };
    const checked = [(req.body as Record<string, unknown>).category ?? []].flat().map(String);
    if (checked.some((key) => !categories.has(key))) return { status: 400, text: 'Unknown category.' };
    const before = await contacts.get(contactId);
    if (!before) return gone(req);
    // Locked categories are not the person's to change: their boxes are disabled, so never sent.
    const choosable = categories.list.filter((c) => !c.required && !before.lockedCategories.includes(c.key));
    const body = req.body as Record<string, unknown>;
    const threshold = body.advisoryThreshold;
    const delivery = body.ticketDelivery;
    if (threshold !== undefined && !ADVISORY_THRESHOLDS.includes(threshold as AdvisoryThreshold)) return { status: 400, text: 'Unknown advisory threshold.' };
    if (delivery !== undefined && !TICKET_DELIVERIES.includes(delivery as TicketDelivery)) return { status: 400, text: 'Unknown ticket delivery.' };
    const wanted: Record<string, boolean | ConsentSetting> = Object.fromEntries(choosable.map((c) => [c.key, action === 'save' && checked.includes(c.key)]));
    // A category's own setting goes with it (a locked one is not the person's to save here).
    const withSetting = (key: string, setting: Partial<ConsentSetting>) => {
      if (action === 'save' && wanted[key] !== undefined) wanted[key] = { subscribed: wanted[key] === true, ...setting };
    };
    if (threshold !== undefined) withSetting(ADVISORY_CATEGORY, { advisoryThreshold: threshold as AdvisoryThreshold });
    if (delivery !== undefined) withSetting(TICKETS_CATEGORY, { ticketDelivery: delivery as TicketDelivery });
    const contact = await contacts.setPreferences(contactId, wanted, pageOrigin(req, 'preference-page'));
    pageMetrics.pageAction(action);
    return seeResult(req, localeOf(req, contact), action === 'save' ? 'saved' : 'all-off');
  }

  const addressOf = (req: Request) => normalizeEmail(String((req.body as Record<string, unknown> | undefined)?.email ?? ''));
  /** Forms that email an address: 10 posts per client in 15 minutes. */
  const perIp = (name: string) =>
    rateLimit({ store: rateLimits(name), windowMs: 15 * 60_000, limit: 10, standardHeaders: 'draft-8', legacyHeaders: false, handler: tooMany });
  /** …and 3 emails an hour per address, counted under a hash of it; `handler` answers past that. */
  const perAddressHourly = (name: string, handler: RequestHandler) =>
    rateLimit({
      store: rateLimits(name),
      windowMs: 60 * 60_000,
      limit: 3,
      standardHeaders: false,
      legacyHeaders: false,
      // A mistyped address is not emailed, only told what is wrong (under the per-client limit).
      skip: (req) => !addressOf(req).ok,
      keyGenerator: (req) => {
        const normalized = addressOf(req);
        return crypto.createHash('sha256').update(`${name}:${normalized.ok ? normalized.email : ''}`).digest('hex');
      },
      handler,
    });

  // ---- Confirm link: a double opt-in or a reconfirmation, from its email ----

  /** The request a valid confirm link names, with its contact, or the page to answer instead. */
  const confirmRequest = async (req: Request, link: LinkCheck) => {
    if (!link.ok) return brokenLink(req, link.reason);
    const contact = await contacts.get(link.claims.contactId);
    if (!contact) return gone(req);
    const request = link.claims.tokenId ? await consentRequests.get(link.claims.tokenId, contact.id) : null;
    if (!request) return brokenLink(req, 'invalid');
    return { contact, request };
  };
  const labelsOf = (keys: string[], locale: Locale) => quotedList(keys.map((key) => categories.get(key)?.label[locale] ?? key), locale);

  linkRoute('get', 'c', 'confirm', 'The page of a double opt-in or reconfirmation button: the wording again, and a button (nothing changes on GET)', async (req, link) => {
    const found = await confirmRequest(req, link);
    if (isReply(found)) return found;
    const { contact, request } = found;
    const locale = localeOf(req, contact);
    if (request.confirmedAt) {
      const outcome = doneOf(req) === 'confirmed' ? 'confirmed' : 'already-confirmed';
      return page(req, 200, locale, confirmedPage(locale, outcome, labelsOf(request.categories, locale)));
    }
    if (consentRequests.expired(request)) return page(req, 410, locale, confirmedPage(locale, 'expired', ''));
    return page(req, 200, locale, confirmPage(locale, request.kind, consentRequests.statement(request, locale), selfAction(req)));
  });

  linkRoute('post', 'c', 'confirm', 'Confirm: express consent to the request’s categories, with the wording shown', async (req, link) => {
    const found = await confirmRequest(req, link);
    if (isReply(found)) return found;
    if (formAction(req) !== 'confirm') return { status: 400, text: 'Unknown action.' };
    const { contact, request } = found;
    const locale = localeOf(req, contact);
    const { ip, userAgent } = originOf(req, 'double-opt-in');
    const result = await consentRequests.confirm(request.id, contact.id, { locale, ip, userAgent });
    if (result.outcome === 'unknown') return gone(req);
    if (result.outcome === 'expired') return page(req, 410, locale, confirmedPage(locale, 'expired', ''), false);
    if (result.outcome === 'confirmed') pageMetrics.pageAction('confirm');
    return seeResult(req, locale, result.outcome === 'confirmed' ? 'confirmed' : undefined);
  });

  // ---- Mute link: "stop updates about this ticket", from a ticket update ----

  const mutedTicket = async (req: Request, link: LinkCheck) => {
    const found = await linked(req, link);
    if (isReply(found)) return found;
    const ticketId = link.ok ? link.claims.ticketId : undefined;
    if (!ticketId) return brokenLink(req, 'invalid');
    return { contact: found.contact, ticketId };
  };
  linkRoute('get', 't', 'mute', 'Confirm stopping updates about one ticket, or what the form did (nothing changes on GET)', async (req, link) => {
    const found = await mutedTicket(req, link);
    if (isReply(found)) return found;
    const { contact, ticketId } = found;
    const muted = await ticketMutes.isMuted(contact.id, ticketId);
    const done = doneOf(req);
    const state = muted ? (done === 'muted' ? 'muted' : 'already-muted') : done === 'unmuted' ? 'unmuted' : 'confirm';
    const locale = localeOf(req, contact);
    return page(req, 200, locale, muteTicketPage(locale, ticketId, state, selfAction(req)));
  });
  linkRoute('post', 't', 'mute', 'Stop updates about one ticket, or undo it; then to the GET that shows it', async (req, link) => {
    const action = formAction(req);
    if (action !== 'mute' && action !== 'unmute') return { status: 400, text: 'Unknown action.' };
    const found = await mutedTicket(req, link);
    if (isReply(found)) return found;
    const { contact, ticketId } = found;
    // Nothing to change (a page left open, pressed again): the GET then says it already was so.
    const changed = action === 'mute' ? !(await ticketMutes.isMuted(contact.id, ticketId)) && (await ticketMutes.mute(contact.id, ticketId), true) : await ticketMutes.unmute(contact.id, ticketId);
    pageMetrics.pageAction(action);
    return seeResult(req, localeOf(req, contact), changed ? (action === 'mute' ? 'muted' : 'unmuted') : undefined);
  });

  // ---- Acknowledgment link: an advisory's "I have read this" or "We have applied the fix" ----

  const acknowledgment = async (req: Request, link: LinkCheck, act: boolean) => {
    const found = await linked(req, link);
    if (isReply(found)) return found;
    const { advisoryId, action } = link.ok ? link.claims : {};
    if (!advisoryId || !action) return brokenLink(req, 'invalid');
    const contact = found.contact;
    const locale = localeOf(req, contact);
    try {
      if (act) await acknowledgments.acknowledge(contact.id, advisoryId, action);
      else await acknowledgments.reachable(contact.id, advisoryId);
    } catch (error) {
      // The contact moved to an organization the advisory was not for.
      if (error instanceof DomainError && error.kind === 'not-found') return brokenLink(req, 'invalid');
      throw error;
    }
    if (act) {
      pageMetrics.pageAction('acknowledge');
      return seeResult(req, locale, 'acknowledged');
    }
    const [advisory] = await acknowledgments.forContact(contact.id, locale, advisoryId);
    const organization = (await organizations.get(contact.organizationId))?.name ?? '';
    if (!advisory) return brokenLink(req, 'invalid');
    // "Recorded" only where it is: the asked acknowledgment is there (this person's, or a colleague's just before).
    const done = doneOf(req) === 'acknowledged' && !!(action === 'read' ? advisory.read : advisory.applied);
    return page(req, 200, locale, acknowledgePage({ locale, advisory, organization, asked: action, done, action: selfAction(req) }));
  };
  linkRoute('get', 'a', 'acknowledge', 'Confirm reading an advisory, or applying its fix, for the organization (nothing changes on GET)', (req, link) =>
    acknowledgment(req, link, false),
  );
  linkRoute('post', 'a', 'acknowledge', 'Record the acknowledgment for the contact’s organization (the first person’s counts)', async (req, link) => {
    if (formAction(req) !== 'acknowledge') return { status: 400, text: 'Unknown action.' };
    return acknowledgment(req, link, true);
  });

  // ---- The public subscribe form: double opt-in for the express-only categories ----

  const expressOnly = () => categories.list.filter((c) => categories.isExpressOnly(c.key));
  const subscribePerIp = perIp('subscribe-per-ip');
  /** Post/redirect/get for the forms anyone may post: a 303 to `path`'s GET saying "sent", the same for every address. */
  const sentAt = (path: string, locale: Locale) => `${path}?${new URLSearchParams({ done: 'sent', lang: locale })}`;
  const redirectToSent =
    (path: string): RequestHandler =>
    (req, res) => {
      res.set(PAGE_HEADERS);
      res.status(303).location(sentAt(path, localeOf(req))).end();
    };
  // Over the limit the visitor sees the usual answer; only the email is not sent again.
  const subscribePerAddress = perAddressHourly('subscribe-per-address', redirectToSent('/subscribe'));
  const subscribeForm = (req: Request, status: number, chosen: string[], problem?: 'choose' | AddressProblem): Reply => {
    const locale = localeOf(req);
    const offered = expressOnly();
    const typed = String((req.body as Record<string, unknown> | undefined)?.email ?? '');
    return page(
      req,
      status,
      locale,
      subscribePage({ locale, categories: offered, chosen, wording: shown('subscribe-form', locale, offered.map((c) => c.key)), ...(problem ? { problem, typed } : {}) }),
    );
  };

  api.route(
    {
      method: 'get',
      path: '/subscribe',
      summary: 'The public subscribe form for the express-only categories (double opt-in)',
      tag: 'Link pages',
      auth: { anyone: true },
      answers: 'html',
      headers: PAGE_HEADERS,
      responses: { 200: { description: 'A page' } },
    },
    async ({ req }) => {
      if (req.query.done === 'sent') {
        const locale = localeOf(req);
        return page(req, 200, locale, subscribeSentPage(locale));
      }
      const asked = [req.query.category ?? []].flat().map(String);
      return subscribeForm(req, 200, asked.filter((key) => categories.isExpressOnly(key)));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/subscribe',
      summary: 'Email a confirmation link to an address, if it is a contact’s; the same page for every address',
      tag: 'Link pages',
      auth: { anyone: true },
      answers: 'html',
      headers: PAGE_HEADERS,
      body: { form: true },
      limits: [subscribePerIp, subscribePerAddress],
      responses: { 303: { description: 'To `/subscribe?done=sent`, the same for every address' }, 400: { description: 'The form again, saying what is wrong' } },
    },
    async ({ req }) => {
      const body = req.body as Record<string, unknown>;
      const locale = localeOf(req);
      const chosen = [body.category ?? []].flat().map(String);
      if (!chosen.length || chosen.some((key) => !categories.isExpressOnly(key))) {
        return subscribeForm(req, 400, chosen.filter((key) => categories.isExpressOnly(key)), 'choose');
      }
      const normalized = addressOf(req);
      if (!normalized.ok) return subscribeForm(req, 400, chosen, normalized.problem);
      const origin = { ...originOf(req, 'double-opt-in'), wording: wordings.shown('subscribe-form', body.wording, locale) };
      // Looked up after answering: a known address and an unknown one get the same page in the same time.
      afterAnswer.run(async () => {
        const contactId = await contacts.idByEmail(normalized.email);
        if (!contactId) return;
        const settings = Object.fromEntries(chosen.map((key) => [key, { subscribed: true, confirm: true }]));
        await contacts.changeConsent(contactId, settings, origin, 'subscribe-form');
      });
      pageMetrics.pageAction('subscribe');
      return { status: 303, headers: { Location: sentAt('/subscribe', locale) } };
    },
  );

  api.route(
    {
      method: 'get',
      path: '/links/sample',
      summary: 'Where every link of a preview or a test email points: says it does nothing',
      tag: 'Link pages',
      auth: { anyone: true },
      answers: 'html',
      headers: PAGE_HEADERS,
      responses: { 200: { description: 'A page' } },
    },
    async ({ req }) => {
      const locale = localeOf(req);
      return page(req, 200, locale, noticePage(locale, 'sample'), false);
    },
  );

  // ---- "Email me a fresh link": the same answer whether the address is known or not ----

  const freshLinkPerIp = perIp('fresh-links-per-ip');
  const freshLinkPerAddress = perAddressHourly('fresh-links-per-address', redirectToSent('/links/fresh'));

  api.route(
    {
      method: 'get',
      path: '/links/fresh',
      summary: 'The "email me a new link" form, or (`?done=sent`) what its answer says: check your inbox',
      tag: 'Link pages',
      auth: { anyone: true },
      answers: 'html',
      headers: PAGE_HEADERS,
      responses: { 200: { description: 'A page' } },
    },
    async ({ req }) => {
      const locale = localeOf(req);
      return page(req, 200, locale, req.query.done === 'sent' ? noticePage(locale, 'sent') : freshLinkFormPage(locale));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/links/fresh',
      summary: 'Email a fresh preferences link to an address, if it is a contact’s',
      tag: 'Link pages',
      auth: { anyone: true },
      answers: 'html',
      headers: PAGE_HEADERS,
      body: { form: true },
      limits: [freshLinkPerIp, freshLinkPerAddress],
      responses: { 303: { description: 'To `/links/fresh?done=sent`, the same for every address' }, 400: { description: 'The form again, saying what is wrong' } },
    },
    async ({ req }) => {
      const normalized = addressOf(req);
      const locale = localeOf(req);
      if (!normalized.ok) return page(req, 400, locale, badAddressPage(locale, normalized.problem, String((req.body as Record<string, unknown>).email ?? '')), false);
      // Looked up after answering: a known address and an unknown one get the same page in the same time.
      afterAnswer.run(async () => {
        const contactId = await contacts.idByEmail(normalized.email);
        if (contactId) await messages.sendSystem(contactId, 'preferences-link', {});
      });
      pageMetrics.pageAction('fresh-link');
      return { status: 303, headers: { Location: sentAt('/links/fresh', locale) } };
    },
  );

  api.route(
    {
      method: 'get',
      path: '/assets/page.css',
      summary: 'The link pages’ style sheet, in the brand’s colour',
      tag: 'Link pages',
      auth: { anyone: true },
      answers: 'text',
      responses: { 200: { description: 'CSS' } },
    },
    async () => ({ status: 200, text: css, type: 'css', headers: { 'Cache-Control': 'public, max-age=3600' } }),
  );
}

/** What a form POST asks for: RFC 8058 one-click (urlencoded or multipart), or a page button. */
function formAction(req: Request): string | undefined {
  if (Buffer.isBuffer(req.body)) {
    const body = req.body.toString('latin1');
    return /name="?List-Unsubscribe"?\r?\n(?:[^\r\n]+\r?\n)*\r?\nOne-Click\r?\n/i.test(body) ? 'one-click' : undefined;
  }
  const fields = (req.body ?? {}) as Record<string, unknown>;
  if (fields['List-Unsubscribe'] === 'One-Click') return 'one-click';
  return typeof fields.action === 'string' ? fields.action : undefined;
}
