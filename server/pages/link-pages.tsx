import crypto from 'node:crypto';
import fs from 'node:fs';
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { ComponentChildren } from 'preact';
import type { Contact, Locale } from '../api/types.js';
import type { Config } from '../config.js';
import type { Categories } from '../consent/categories.js';
import { originOf } from '../consent/change-origin.js';
import type { Contacts } from '../contacts/contacts.js';
import { normalizeEmail } from '../contacts/email-address.js';
import type { Messages } from '../mail/messages.js';
import type { TokenPurpose, Tokens, VerifyResult } from '../tokens/tokens.js';
import type { RateLimitStores } from '../http/rate-limit-stores.js';
import type { AfterAnswer } from '../after-answer.js';
import { renderPage } from './page-layout.js';
import { PAGE_STRINGS, pageLocale } from './page-strings.js';
import { PreferenceCenter } from './preference-center.js';

export interface LinkPagesDeps {
  config: Config;
  tokens: Tokens;
  contacts: Contacts;
  categories: Categories;
  messages: Messages;
  rateLimits: RateLimitStores;
  afterAnswer: AfterAnswer;
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
const CONSENT_ACTIONS = new Set(['unsubscribe', 'resubscribe', 'save', 'unsubscribe-all']);

const pageCss = fs.readFileSync(new URL('./assets/page.css', import.meta.url), 'utf8');

export function linkPages(deps: LinkPagesDeps): Router {
  const { config, tokens, contacts, categories, messages, rateLimits, afterAnswer } = deps;
  const router = express.Router();
  const css = pageCss.replace('--brand: #0b5cad', `--brand: ${config.brand.color}`);
  router.get('/assets/page.css', (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=3600');
    res.type('css').send(css);
  });

  const noStore: RequestHandler = (_req, res, next) => {
    res.set(PAGE_HEADERS);
    next();
  };
  const forms = [
    express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 50 }),
    express.raw({ type: 'multipart/form-data', limit: '16kb' }),
  ];

  // A valid token is never refused for rate (mail providers send many one-click POSTs from few
  // addresses); invalid ones are limited per client address.
  const verify = (purpose: TokenPurpose): RequestHandler => (req, res, next) => {
    res.locals.verification = tokens.verify(purpose, String(req.params.token ?? ''));
    next();
  };
  const invalidTokenLimit = rateLimit({
    store: rateLimits('invalid-link-tokens'),
    windowMs: 15 * 60_000,
    limit: 30,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    skip: (_req, res) => (res.locals.verification as VerifyResult).ok,
    handler: (req, res) => tooMany(req, res),
  });

  const page = (res: Response, status: number, locale: Locale, children: ComponentChildren, otherLanguageHref?: string) =>
    res.status(status).type('html').send(renderPage({ locale, brandName: config.brand.name, children, ...(otherLanguageHref ? { otherLanguageHref } : {}) }));
  const localeOf = (req: Request, contact?: Contact) =>
    pageLocale(req.query.lang ?? (req.body as Record<string, unknown> | undefined)?.lang, contact?.locale, req.get('accept-language'));
  const switchHref = (req: Request, locale: Locale) => `${req.baseUrl}${req.path}?lang=${locale === 'en' ? 'fr' : 'en'}`;

  const tooMany = (req: Request, res: Response) => {
    res.set(PAGE_HEADERS);
    const locale = localeOf(req);
    const t = PAGE_STRINGS[locale];
    res.setHeader('Retry-After', '900');
    page(res, 429, locale, <Card heading={t.tooManyHeading}><p>{t.tooManyIntro}</p></Card>);
  };

  /** The page for a link that cannot be used: expired ones offer a fresh link by email. */
  const brokenLink = (req: Request, res: Response, reason: 'expired' | 'invalid') => {
    const locale = localeOf(req);
    const t = PAGE_STRINGS[locale];
    if (req.method !== 'GET') return res.status(reason === 'expired' ? 410 : 400).type('text').send(reason === 'expired' ? 'This link has expired.' : 'This link is not valid.');
    page(
      res,
      reason === 'expired' ? 410 : 400,
      locale,
      <>
        <Card heading={reason === 'expired' ? t.expiredHeading : t.invalidHeading}>
          <p>{reason === 'expired' ? t.expiredIntro : t.invalidIntro}</p>
          <FreshLinkForm locale={locale} />
        </Card>
      </>,
      switchHref(req, locale),
    );
  };

  const gone = (req: Request, res: Response) => {
    if (req.method !== 'GET') return res.status(410).type('text').send('This contact no longer exists.');
    const locale = localeOf(req);
    const t = PAGE_STRINGS[locale];
    page(res, 410, locale, <Card heading={t.goneHeading}><p>{t.goneIntro}</p></Card>);
  };

  /**
   * The contact's categories and the data copy button. Every form posts back to the link the page
   * was opened with: a page never mints a new link, so it cannot outlive the one it came from.
   */
  const preferenceCenter = (contact: Contact, locale: Locale, action: string) => {
    const t = PAGE_STRINGS[locale];
    return (
      <>
        <PreferenceCenter locale={locale} email={contact.email} categories={categories.list} preferences={contact.preferences} action={action} />
        <form method="post" action={action} class="card">
          <input type="hidden" name="lang" value={locale} />
          <h2>{t.dataHeading}</h2>
          <p class="muted">{t.dataIntro}</p>
          <button type="submit" name="action" value="email-export" class="secondary">
            {t.dataButton}
          </button>
        </form>
      </>
    );
  };
  /** The path of the link this request came by: where its forms post. */
  const selfAction = (req: Request) => `${req.baseUrl}${req.path}`;

  /** At most `limit` of these form actions an hour for the contact a valid link names. */
  const perContactHourly = (name: string, limit: number, actions: ReadonlySet<string>) =>
    rateLimit({
      store: rateLimits(name),
      windowMs: 60 * 60_000,
      limit,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      skip: (req, res) => !actions.has(formAction(req) ?? '') || !(res.locals.verification as VerifyResult).ok,
      keyGenerator: (_req, res) => {
        const verification = res.locals.verification as VerifyResult;
        return verification.ok ? verification.claims.contactId : '';
      },
      handler: (req, res) => tooMany(req, res),
    });
  // Each copy goes to the contact's own inbox; a few an hour is plenty.
  const exportsPerContact = perContactHourly('data-copies-per-contact', 3, new Set(['email-export']));
  // A valid link may change consent, but not without end: every change is a history row kept for
  // years. One-click is not counted: it only ever turns a category off, so it cannot loop.
  const pageActionsPerContact = perContactHourly('page-actions-per-contact', PAGE_ACTIONS_PER_HOUR, CONSENT_ACTIONS);

  // ---- Unsubscribe link: List-Unsubscribe target and the footer's category link ----

  /** The contact a GET link names, or null once the broken-link or gone page has been sent. */
  const linkedContact = async (req: Request, res: Response): Promise<{ contact: Contact; category?: string } | null> => {
    const verification = res.locals.verification as VerifyResult;
    if (!verification.ok) return (brokenLink(req, res, verification.reason), null);
    const contact = await contacts.get(verification.claims.contactId);
    if (!contact) return (gone(req, res), null);
    return { contact, ...(verification.claims.category ? { category: verification.claims.category } : {}) };
  };

  router.get('/u/:token', noStore, verify('unsubscribe'), invalidTokenLimit, async (req, res) => {
    const linked = await linkedContact(req, res);
    if (!linked) return;
    const locale = localeOf(req, linked.contact);
    page(res, 200, locale, unsubscribeView(linked.contact, linked.category, locale, 'confirm', selfAction(req)), switchHref(req, locale));
  });

  router.post('/u/:token', noStore, verify('unsubscribe'), invalidTokenLimit, ...forms, exportsPerContact, pageActionsPerContact, async (req, res) => {
    const verification = res.locals.verification as VerifyResult;
    if (!verification.ok) return brokenLink(req, res, verification.reason);
    const { contactId, category: key } = verification.claims;
    const category = key ? categories.get(key) : undefined;
    const action = formAction(req);

    if (action === 'one-click') {
      // RFC 8058: changed before answering, 200 with a tiny body, no redirect, no cookie; repeatable.
      // An erased contact has nothing left to change: still a 200, as repeating is harmless.
      if (category && !category.required) await contacts.changeConsent(contactId, { [category.key]: false }, originOf(req, 'one-click'));
      return res.status(200).type('text').send('Unsubscribed.');
    }
    if (action !== 'unsubscribe' && action !== 'resubscribe') return preferencePageAction(req, res, contactId, (contact, locale) => unsubscribeView(contact, key, locale, 'confirm', selfAction(req)));
    const before = await contacts.get(contactId);
    if (!before) return gone(req, res);
    if (category && !category.required) {
      await contacts.setPreferences(contactId, { [category.key]: action === 'resubscribe' }, originOf(req, 'unsubscribe-page'));
    }
    const contact = (await contacts.get(contactId))!;
    const locale = localeOf(req, contact);
    page(res, 200, locale, unsubscribeView(contact, key, locale, action === 'unsubscribe' ? 'unsubscribed' : 'resubscribed', selfAction(req)), switchHref(req, locale));
  });

  function unsubscribeView(contact: Contact, key: string | undefined, locale: Locale, state: 'confirm' | 'unsubscribed' | 'resubscribed', action: string) {
    const t = PAGE_STRINGS[locale];
    const category = key ? categories.get(key) : undefined;
    if (!category) return preferenceCenter(contact, locale, action);
    const label = category.label[locale];
    const subscribed = contact.preferences[category.key] === true;
    let card: ComponentChildren;
    if (category.required) card = <Card heading={label}><p>{t.requiredCategoryIntro}</p></Card>;
    else if (state === 'unsubscribed' || (state === 'confirm' && !subscribed)) {
      card = (
        <Card heading={state === 'unsubscribed' ? t.unsubscribedHeading(label) : t.alreadyUnsubscribed(label)} status={state === 'unsubscribed'}>
          {state === 'unsubscribed' && <p>{t.unsubscribedIntro}</p>}
          <form method="post" action={action}>
            <input type="hidden" name="lang" value={locale} />
            <button type="submit" name="action" value="resubscribe" class="secondary">{t.undoButton}</button>
          </form>
        </Card>
      );
    } else if (state === 'resubscribed') {
      card = <Card heading={t.resubscribedHeading(label)} status />;
    } else {
      card = (
        <Card heading={t.confirmHeading(label)}>
          <p>{t.confirmIntro}</p>
          <form method="post" action={action}>
            <input type="hidden" name="lang" value={locale} />
            <button type="submit" name="action" value="unsubscribe" class="primary">{t.confirmButton}</button>
          </form>
        </Card>
      );
    }
    return (
      <>
        {card}
        {preferenceCenter(contact, locale, action)}
      </>
    );
  }

  // ---- Preferences link: the preference center ----

  router.get('/p/:token', noStore, verify('preferences'), invalidTokenLimit, async (req, res) => {
    const linked = await linkedContact(req, res);
    if (!linked) return;
    const locale = localeOf(req, linked.contact);
    page(res, 200, locale, preferenceCenter(linked.contact, locale, selfAction(req)), switchHref(req, locale));
  });

  router.post('/p/:token', noStore, verify('preferences'), invalidTokenLimit, ...forms, exportsPerContact, pageActionsPerContact, async (req, res) => {
    const verification = res.locals.verification as VerifyResult;
    if (!verification.ok) return brokenLink(req, res, verification.reason);
    return preferencePageAction(req, res, verification.claims.contactId, (contact, locale) => preferenceCenter(contact, locale, selfAction(req)));
  });

  /** The preference center's buttons, from either link: save, unsubscribe from all optional, email a copy of the data. */
  async function preferencePageAction(req: Request, res: Response, contactId: string, view: (contact: Contact, locale: Locale) => ComponentChildren) {
    const action = formAction(req);
    if (action === 'email-export') {
      const contact = await contacts.get(contactId);
      if (!contact) return gone(req, res);
      // To the contact's own address only: the link proves nothing more than access to that inbox.
      await messages.sendSystem(contact.id, 'data-export', { requestedAt: new Date().toISOString() });
      const locale = localeOf(req, contact);
      return page(
        res,
        200,
        locale,
        <>
          <p class="status" role="status">{PAGE_STRINGS[locale].dataSent(contact.email)}</p>
          {view(contact, locale)}
        </>,
        switchHref(req, locale),
      );
    }
    if (action !== 'save' && action !== 'unsubscribe-all') return res.status(400).type('text').send('Unknown action.');
    const checked = [(req.body as Record<string, unknown>).category ?? []].flat().map(String);
    if (checked.some((key) => !categories.has(key))) return res.status(400).type('text').send('Unknown category.');
    const before = await contacts.get(contactId);
    if (!before) return gone(req, res);
    const wanted = Object.fromEntries(
      categories.list.filter((c) => !c.required).map((c) => [c.key, action === 'save' && checked.includes(c.key)]),
    );
    const contact = await contacts.setPreferences(before.id, wanted, originOf(req, 'preference-page'));
    const locale = localeOf(req, contact);
    const t = PAGE_STRINGS[locale];
    page(
      res,
      200,
      locale,
      <>
        <p class="status" role="status">{action === 'save' ? t.saved : t.allOff}</p>
        {view(contact, locale)}
      </>,
      switchHref(req, locale),
    );
  }

  // ---- "Email me a fresh link": the same answer whether the address is known or not ----

  const hashAddress = (req: Request) => {
    const normalized = normalizeEmail(String((req.body as Record<string, unknown>)?.email ?? ''));
    return crypto.createHash('sha256').update(`fresh-link:${normalized.ok ? normalized.email : ''}`).digest('hex');
  };
  const freshLinkPerIp = rateLimit({ store: rateLimits('fresh-links-per-ip'), windowMs: 15 * 60_000, limit: 10, standardHeaders: 'draft-8', legacyHeaders: false, handler: (req, res) => tooMany(req, res) });
  const freshLinkPerAddress = rateLimit({
    store: rateLimits('fresh-links-per-address'),
    windowMs: 60 * 60_000,
    limit: 3,
    standardHeaders: false,
    legacyHeaders: false,
    keyGenerator: hashAddress,
    // Over the limit the visitor sees the usual answer; only the email is not sent again.
    handler: (req, res) => sentPage(req, res),
  });
  const sentPage = (req: Request, res: Response) => {
    const locale = localeOf(req);
    const t = PAGE_STRINGS[locale];
    page(res, 200, locale, <Card heading={t.sentHeading}><p>{t.sentIntro}</p></Card>);
  };

  router.post('/links/fresh', noStore, freshLinkPerIp, express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 10 }), freshLinkPerAddress, async (req, res) => {
    const normalized = normalizeEmail(String((req.body as Record<string, unknown>).email ?? ''));
    const locale = localeOf(req);
    const t = PAGE_STRINGS[locale];
    if (!normalized.ok) {
      return page(res, 400, locale, <Card heading={t.expiredHeading}><p role="alert">{normalized.reason}</p><FreshLinkForm locale={locale} /></Card>);
    }
    // Looked up after answering: a known address and an unknown one get the same page in the same time.
    afterAnswer.run(async () => {
      const contactId = await contacts.idByEmail(normalized.email);
      if (contactId) await messages.sendSystem(contactId, 'preferences-link', {});
    });
    sentPage(req, res);
  });

  return router;
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

function Card({ heading, status, children }: { heading: string; status?: boolean; children?: ComponentChildren }) {
  return (
    <section class="card">
      {status ? (
        <div role="status">
          <h1>{heading}</h1>
        </div>
      ) : (
        <h1>{heading}</h1>
      )}
      {children}
    </section>
  );
}

function FreshLinkForm({ locale }: { locale: Locale }) {
  const t = PAGE_STRINGS[locale];
  return (
    <form method="post" action="/links/fresh">
      <input type="hidden" name="lang" value={locale} />
      <label for="fresh-email">{t.emailLabel}</label>
      <input type="email" id="fresh-email" name="email" autocomplete="email" required />
      <button type="submit" class="primary">{t.sendLink}</button>
    </form>
  );
}
