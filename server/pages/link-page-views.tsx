import type { ComponentChildren } from 'preact';
import type { Acknowledgment, CategoryInfo, Contact, Locale, MyAdvisory } from '../../contract/index.js';
import type { AddressProblem } from '../contacts/email-address.js';
import { formatDate } from '../rendering/format.js';
import { CategoryChoice } from './category-choice.js';
import { PAGE_STRINGS } from './page-strings.js';
import { PreferenceCenter, type ShownWording } from './preference-center.js';

// The views of the pages behind email links: what each state shows, and its window title; nothing
// about how it was reached.

/** One state of a page: its window title and its content. */
export interface PageView {
  title: string;
  children: ComponentChildren;
}

/** What a person's action on a link page did, shown by the GET its POST redirects to. */
export type DoneNotice = 'saved' | 'allOff' | 'dataSent';

/** A card with the page's one h1; a success card is announced and looks done (icon, border, colour). */
export function Card({ heading, success, children }: { heading: string; success?: boolean; children?: ComponentChildren }) {
  return (
    <section class={success ? 'card success' : 'card'}>
      {success ? (
        <div role="status" class="success-heading">
          <span class="success-icon" aria-hidden="true">
            ✓
          </span>
          <h1>{heading}</h1>
        </div>
      ) : (
        <h1>{heading}</h1>
      )}
      {children}
    </section>
  );
}

export function FreshLinkForm({ locale, problem, typed }: { locale: Locale; problem?: AddressProblem; typed?: string }) {
  const t = PAGE_STRINGS[locale];
  return (
    <form method="post" action="/links/fresh">
      <input type="hidden" name="lang" value={locale} />
      <label for="fresh-email">{t.emailLabel}</label>
      {problem && (
        <p id="fresh-email-problem" class="problem" role="alert">
          {t.addressProblem[problem]}
        </p>
      )}
      <input
        type="email"
        id="fresh-email"
        name="email"
        autocomplete="email"
        required
        {...(problem ? { 'aria-invalid': 'true', 'aria-describedby': 'fresh-email-problem', value: typed } : {})}
      />
      <button type="submit" class="primary">
        {t.sendLink}
      </button>
    </form>
  );
}

/**
 * The contact's categories and the data copy button. Every form posts back to `action`, the link
 * the page was opened with: a page never mints a new link, so it cannot outlive the one it came from.
 */
export function PreferencesView({
  contact,
  locale,
  categories,
  action,
  wording,
  lockedBy,
  headingLevel = 1,
}: {
  contact: Contact;
  locale: Locale;
  categories: readonly CategoryInfo[];
  action: string;
  wording: ShownWording;
  /** The organization that locked some categories on, if any. */
  lockedBy: string | null;
  /** 1 on its own page; 2 under an unsubscribe card, which holds the page's h1. */
  headingLevel?: 1 | 2;
}) {
  const t = PAGE_STRINGS[locale];
  return (
    <>
      <PreferenceCenter
        locale={locale}
        email={contact.email}
        categories={categories}
        preferences={contact.preferences}
        locked={lockedBy ? { keys: contact.lockedCategories, by: lockedBy } : null}
        advisoryThreshold={contact.advisoryThreshold}
        ticketDelivery={contact.ticketDelivery}
        action={action}
        wording={wording}
        headingLevel={headingLevel}
      />
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
}

/** The preference center on its own page, under what was just done, if anything. */
export function preferencesPage(props: Parameters<typeof PreferencesView>[0], done?: DoneNotice): PageView {
  const t = PAGE_STRINGS[props.locale];
  return withDone(props.locale, props.contact, done, { title: t.centerHeading, children: <PreferencesView {...props} headingLevel={1} /> });
}

/** Where the unsubscribe card stands: asked, just done, already so before, undone, or not the person's to change. */
export type UnsubscribeState = 'confirm' | 'unsubscribed' | 'already-unsubscribed' | 'resubscribed' | 'required';

/** One category to confirm leaving (or left, with Undo only when this person's action did it), above the preference center. */
export function unsubscribePage(
  props: Parameters<typeof PreferencesView>[0] & {
    category: CategoryInfo | undefined;
    state: UnsubscribeState;
    /** This page's own wording, about the one category. */
    unsubscribeWording: ShownWording;
  },
  done?: DoneNotice,
): PageView {
  const { locale, category, state, action, unsubscribeWording, lockedBy } = props;
  const t = PAGE_STRINGS[locale];
  if (!category) return preferencesPage(props, done);
  const label = category.label[locale];
  const button = (value: 'unsubscribe' | 'resubscribe', text: string, kind: 'primary' | 'secondary') => (
    <WordingButton locale={locale} action={action} wording={unsubscribeWording} value={value} label={text} kind={kind} />
  );
  const cards: Record<UnsubscribeState, () => { heading: string; card: ComponentChildren }> = {
    required: () => ({
      heading: label,
      card: (
        <Card heading={label}>
          <p>{category.required ? t.requiredCategoryIntro : t.lockedCategoryIntro(lockedBy ?? '')}</p>
        </Card>
      ),
    }),
    unsubscribed: () => ({
      heading: t.unsubscribedHeading(label),
      card: (
        <Card heading={t.unsubscribedHeading(label)} success>
          <p>{t.unsubscribedIntro}</p>
          {button('resubscribe', t.undoButton, 'secondary')}
        </Card>
      ),
    }),
    'already-unsubscribed': () => ({
      heading: t.alreadyUnsubscribed(label),
      card: (
        <Card heading={t.alreadyUnsubscribed(label)}>
          <p>{t.alreadyUnsubscribedIntro}</p>
        </Card>
      ),
    }),
    resubscribed: () => ({ heading: t.resubscribedHeading(label), card: <Card heading={t.resubscribedHeading(label)} success /> }),
    confirm: () => ({
      heading: t.confirmHeading(label),
      card: (
        <Card heading={t.confirmHeading(label)}>
          <p>{t.confirmIntro}</p>
          {button('unsubscribe', t.confirmButton, 'primary')}
        </Card>
      ),
    }),
  };
  const { heading, card } = cards[state]();
  return withDone(locale, props.contact, done, {
    title: heading,
    children: (
      <>
        {card}
        <PreferencesView {...props} headingLevel={2} />
      </>
    ),
  });
}

/**
 * A consent wording and the one button that acts on it. The form posts the wording's version back
 * when the page chose it; a confirm link's wording is the request's own.
 */
function WordingButton(props: { locale: Locale; action: string; wording: { text: string; version?: string }; value: string; label: string; kind: 'primary' | 'secondary' }) {
  const { locale, action, wording, value, label, kind } = props;
  return (
    <>
      <p class="wording">{wording.text}</p>
      <form method="post" action={action}>
        <input type="hidden" name="lang" value={locale} />
        {wording.version && <input type="hidden" name="wording" value={wording.version} />}
        <button type="submit" name="action" value={value} class={kind}>
          {label}
        </button>
      </form>
    </>
  );
}

/** What was just done, announced above the page it was done on; the window title says it too. */
function withDone(locale: Locale, contact: Contact, done: DoneNotice | undefined, view: PageView): PageView {
  if (!done) return view;
  const t = PAGE_STRINGS[locale];
  const message = done === 'dataSent' ? t.dataSent(contact.email) : t[done];
  return {
    title: t.title[done],
    children: (
      <>
        <p class="status" role="status">
          <span class="success-icon" aria-hidden="true">
            ✓
          </span>
          <span>{message}</span>
        </p>
        {view.children}
      </>
    ),
  };
}

/** A link that cannot be used: expired ones and broken ones both offer a fresh link by email. */
export function brokenLinkPage(locale: Locale, reason: 'expired' | 'invalid'): PageView {
  const t = PAGE_STRINGS[locale];
  const heading = reason === 'expired' ? t.expiredHeading : t.invalidHeading;
  return {
    title: heading,
    children: (
      <Card heading={heading}>
        <p>{reason === 'expired' ? t.expiredIntro : t.invalidIntro}</p>
        <FreshLinkForm locale={locale} />
      </Card>
    ),
  };
}

/** The "email me a new link" form on its own (where its answer's language switch leads). */
export function freshLinkFormPage(locale: Locale): PageView {
  const t = PAGE_STRINGS[locale];
  return { title: t.sendLink, children: <Card heading={t.sendLink}><FreshLinkForm locale={locale} /></Card> };
}

/** A page that only says something: the contact is gone, too many attempts, a link is on its way, or a sample's link was opened. */
export function noticePage(locale: Locale, notice: 'gone' | 'tooMany' | 'sent' | 'sample'): PageView {
  const t = PAGE_STRINGS[locale];
  const heading = t[`${notice}Heading`];
  return {
    title: heading,
    children: (
      <Card heading={heading} success={notice === 'sent'}>
        <p>{t[`${notice}Intro`]}</p>
      </Card>
    ),
  };
}

/** The fresh-link form again, saying in the page's language what is wrong with the address typed. */
export function badAddressPage(locale: Locale, problem: AddressProblem, typed: string): PageView {
  const t = PAGE_STRINGS[locale];
  return {
    title: t.title.badAddress,
    children: (
      <Card heading={t.badAddressHeading}>
        <FreshLinkForm locale={locale} problem={problem} typed={typed} />
      </Card>
    ),
  };
}

/** A double opt-in or a reconfirmation: the email's wording again, and the one button that records express consent. */
export function confirmPage(locale: Locale, kind: 'double-opt-in' | 'reconfirmation', wording: string, action: string): PageView {
  const t = PAGE_STRINGS[locale];
  const heading = kind === 'double-opt-in' ? t.confirmSubscriptionHeading : t.reconfirmHeading;
  return {
    title: heading,
    children: (
      <Card heading={heading}>
        <WordingButton
          locale={locale}
          action={action}
          wording={{ text: wording }}
          value="confirm"
          label={kind === 'double-opt-in' ? t.confirmSubscriptionButton : t.reconfirmButton}
          kind="primary"
        />
      </Card>
    ),
  };
}

/** What confirming did: subscribed now, or already before; an expired request changed nothing. */
export function confirmedPage(locale: Locale, outcome: 'confirmed' | 'already-confirmed' | 'expired', categories: string): PageView {
  const t = PAGE_STRINGS[locale];
  if (outcome === 'expired') {
    return {
      title: t.confirmExpiredHeading,
      children: (
        <Card heading={t.confirmExpiredHeading}>
          <p>{t.confirmExpiredIntro}</p>
          <FreshLinkForm locale={locale} />
        </Card>
      ),
    };
  }
  const confirmed = outcome === 'confirmed';
  const heading = confirmed ? t.confirmedHeading(categories) : t.alreadyConfirmedHeading;
  return {
    title: heading,
    children: (
      <Card heading={heading} success>
        <p>{confirmed ? t.confirmedIntro : t.alreadyConfirmedIntro}</p>
      </Card>
    ),
  };
}

/** The public subscribe form: an address and the express-only categories; a confirmation goes by email. */
export function subscribePage(props: { locale: Locale; categories: readonly CategoryInfo[]; chosen: string[]; wording: ShownWording; problem?: 'choose' | AddressProblem; typed?: string }): PageView {
  const { locale, categories, chosen, wording, problem, typed } = props;
  const t = PAGE_STRINGS[locale];
  const addressProblem = problem && problem !== 'choose' ? problem : undefined;
  return {
    title: problem === 'choose' ? t.title.subscribeProblem : addressProblem ? t.title.badAddress : t.subscribeHeading,
    children: (
      <form method="post" action="/subscribe" class="card">
        <input type="hidden" name="lang" value={locale} />
        <input type="hidden" name="wording" value={wording.version} />
        <h1>{t.subscribeHeading}</h1>
        <p class="wording">{wording.text}</p>
        <fieldset {...(problem === 'choose' ? { 'aria-describedby': 'subscribe-problem' } : {})}>
          <legend>{t.subscribeLegend}</legend>
          {problem === 'choose' && (
            <p id="subscribe-problem" class="problem" role="alert">
              {t.chooseCategory}
            </p>
          )}
          {categories.map((category) => (
            <CategoryChoice key={category.key} id={`subscribe-${category.key}`} category={category} locale={locale} checked={chosen.includes(category.key)}>
              <p class="description" id={`subscribe-${category.key}-description`}>
                {category.description[locale]}
              </p>
            </CategoryChoice>
          ))}
        </fieldset>
        <label for="subscribe-email">{t.emailLabel}</label>
        {addressProblem && (
          <p id="subscribe-email-problem" class="problem" role="alert">
            {t.addressProblem[addressProblem]}
          </p>
        )}
        <input
          type="email"
          id="subscribe-email"
          name="email"
          autocomplete="email"
          required
          {...(typed ? { value: typed } : {})}
          {...(addressProblem ? { 'aria-invalid': 'true', 'aria-describedby': 'subscribe-email-problem' } : {})}
        />
        <div class="actions">
          <button type="submit" class="primary">
            {t.subscribeButton}
          </button>
        </div>
      </form>
    ),
  };
}

/** The subscribe form's answer, the same for every address. */
export function subscribeSentPage(locale: Locale): PageView {
  const t = PAGE_STRINGS[locale];
  return {
    title: t.title.subscribeSent,
    children: (
      <Card heading={t.sentHeading} success>
        <p>{t.subscribeSentIntro}</p>
      </Card>
    ),
  };
}

/** Where a ticket's mute stands: asked, just done, already so before (say, from an earlier visit), or just undone. */
export type MuteState = 'confirm' | 'muted' | 'already-muted' | 'unmuted';

/** One ticket to stop hearing about, or stopped (with Undo only when this visit did it), or back on. */
export function muteTicketPage(locale: Locale, ticketId: string, state: MuteState, action: string): PageView {
  const t = PAGE_STRINGS[locale];
  const form = (value: string, label: string, kind: 'primary' | 'secondary') => (
    <form method="post" action={action}>
      <input type="hidden" name="lang" value={locale} />
      <button type="submit" name="action" value={value} class={kind}>
        {label}
      </button>
    </form>
  );
  if (state === 'confirm') {
    return {
      title: t.muteHeading(ticketId),
      children: (
        <Card heading={t.muteHeading(ticketId)}>
          <p>{t.muteIntro}</p>
          {form('mute', t.muteButton, 'primary')}
        </Card>
      ),
    };
  }
  if (state === 'already-muted') {
    return {
      title: t.alreadyMutedHeading(ticketId),
      children: (
        <Card heading={t.alreadyMutedHeading(ticketId)}>
          <p>{t.alreadyMutedIntro}</p>
          {form('unmute', t.resumeButton, 'secondary')}
        </Card>
      ),
    };
  }
  const heading = state === 'muted' ? t.mutedHeading(ticketId) : t.unmutedHeading(ticketId);
  return {
    title: heading,
    children: (
      <Card heading={heading} success>
        {state === 'muted' && form('unmute', t.unmuteButton, 'secondary')}
      </Card>
    ),
  };
}

/**
 * An advisory's acknowledgment link: the advisory's title, what the organization has confirmed
 * so far and by whom, and the one button (while the asked action is not yet confirmed).
 */
export function acknowledgePage(props: { locale: Locale; advisory: MyAdvisory; organization: string; asked: Acknowledgment; done: boolean; action: string }): PageView {
  const { locale, advisory, organization, asked, done, action } = props;
  const t = PAGE_STRINGS[locale];
  const who = (a: NonNullable<MyAdvisory['read']>) => (a.byMe ? t.ackYou : (a.by ?? t.ackColleague));
  const state = (
    <ul class="acknowledgments">
      {advisory.read && <li>{t.ackReadBy(who(advisory.read), formatDate(advisory.read.at, locale))}</li>}
      {advisory.applied && <li>{t.ackAppliedBy(who(advisory.applied), formatDate(advisory.applied.at, locale))}</li>}
    </ul>
  );
  if (done) {
    return {
      title: t.ackDoneHeading(organization),
      children: (
        <Card heading={t.ackDoneHeading(organization)} success>
          <p lang={advisory.language}>{advisory.title}</p>
          {state}
        </Card>
      ),
    };
  }
  const confirmed = asked === 'read' ? advisory.read : advisory.applied;
  return {
    title: confirmed ? `${advisory.title} · ${t.ackNothingToDo}` : advisory.title,
    children: (
      <Card heading={advisory.title}>
        {confirmed ? (
          <>
            {state}
            <p>{t.ackNothingToDo}</p>
          </>
        ) : (
          <>
            <p>{asked === 'read' ? t.ackReadIntro(organization) : t.ackAppliedIntro(organization)}</p>
            {state}
            <form method="post" action={action}>
              <input type="hidden" name="lang" value={locale} />
              <button type="submit" name="action" value="acknowledge" class="primary">
                {asked === 'read' ? t.ackReadButton : t.ackAppliedButton}
              </button>
            </form>
          </>
        )}
      </Card>
    ),
  };
}
