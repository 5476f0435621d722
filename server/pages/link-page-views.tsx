import type { ComponentChildren } from 'preact';
import type { Acknowledgment, CategoryInfo, Contact, Locale, MyAdvisory } from '../../contract/index.js';
import { formatDate } from '../rendering/format.js';
import { PAGE_STRINGS } from './page-strings.js';
import { PreferenceCenter, type ShownWording } from './preference-center.js';

// The views of the pages behind email links: what each state shows, nothing about how it was reached.

export type UnsubscribeState = 'confirm' | 'unsubscribed' | 'resubscribed';

export function Card({ heading, status, children }: { heading: string; status?: boolean; children?: ComponentChildren }) {
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

export function FreshLinkForm({ locale }: { locale: Locale }) {
  const t = PAGE_STRINGS[locale];
  return (
    <form method="post" action="/links/fresh">
      <input type="hidden" name="lang" value={locale} />
      <label for="fresh-email">{t.emailLabel}</label>
      <input type="email" id="fresh-email" name="email" autocomplete="email" required />
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
}: {
  contact: Contact;
  locale: Locale;
  categories: readonly CategoryInfo[];
  action: string;
  wording: ShownWording;
  /** The organization that locked some categories on, if any. */
  lockedBy: string | null;
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

/** One category to confirm leaving (or already left, with Undo), above the preference center. */
export function UnsubscribeView(props: {
  contact: Contact;
  locale: Locale;
  categories: readonly CategoryInfo[];
  category: CategoryInfo | undefined;
  state: UnsubscribeState;
  action: string;
  /** The preference center's wording. */
  wording: ShownWording;
  /** This page's own wording, about the one category. */
  unsubscribeWording: ShownWording;
  lockedBy: string | null;
}) {
  const { contact, locale, category, state, action, unsubscribeWording, lockedBy } = props;
  const t = PAGE_STRINGS[locale];
  if (!category) return <PreferencesView {...props} />;
  const label = category.label[locale];
  const subscribed = contact.preferences[category.key] === true;
  let card: ComponentChildren;
  if (category.required || (lockedBy && contact.lockedCategories.includes(category.key))) {
    card = (
      <Card heading={label}>
        <p>{category.required ? t.requiredCategoryIntro : t.lockedCategoryIntro(lockedBy!)}</p>
      </Card>
    );
  } else if (state === 'unsubscribed' || (state === 'confirm' && !subscribed)) {
    card = (
      <Card heading={state === 'unsubscribed' ? t.unsubscribedHeading(label) : t.alreadyUnsubscribed(label)} status={state === 'unsubscribed'}>
        {state === 'unsubscribed' && <p>{t.unsubscribedIntro}</p>}
        <WordingButton locale={locale} action={action} wording={unsubscribeWording} value="resubscribe" label={t.undoButton} kind="secondary" />
      </Card>
    );
  } else if (state === 'resubscribed') {
    card = <Card heading={t.resubscribedHeading(label)} status />;
  } else {
    card = (
      <Card heading={t.confirmHeading(label)}>
        <p>{t.confirmIntro}</p>
        <WordingButton locale={locale} action={action} wording={unsubscribeWording} value="unsubscribe" label={t.confirmButton} kind="primary" />
      </Card>
    );
  }
  return (
    <>
      {card}
      <PreferencesView {...props} />
    </>
  );
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

/** What was done, announced, above the page it was done on. */
export function Done({ message, children }: { message: string; children: ComponentChildren }) {
  return (
    <>
      <p class="status" role="status">
        {message}
      </p>
      {children}
    </>
  );
}

/** A link that cannot be used: expired ones and broken ones both offer a fresh link by email. */
export function BrokenLinkView({ locale, reason }: { locale: Locale; reason: 'expired' | 'invalid' }) {
  const t = PAGE_STRINGS[locale];
  return (
    <Card heading={reason === 'expired' ? t.expiredHeading : t.invalidHeading}>
      <p>{reason === 'expired' ? t.expiredIntro : t.invalidIntro}</p>
      <FreshLinkForm locale={locale} />
    </Card>
  );
}

/** A page that only says something: the contact is gone, too many attempts, a link is on its way, or a sample's link was opened. */
export function NoticeView({ locale, notice }: { locale: Locale; notice: 'gone' | 'tooMany' | 'sent' | 'sample' }) {
  const t = PAGE_STRINGS[locale];
  return (
    <Card heading={t[`${notice}Heading`]}>
      <p>{t[`${notice}Intro`]}</p>
    </Card>
  );
}

export function BadAddressView({ locale, reason }: { locale: Locale; reason: string }) {
  const t = PAGE_STRINGS[locale];
  return (
    <Card heading={t.expiredHeading}>
      <p role="alert">{reason}</p>
      <FreshLinkForm locale={locale} />
    </Card>
  );
}

/** A double opt-in or a reconfirmation: the email's wording again, and the one button that records express consent. */
export function ConfirmView({ locale, kind, wording, action }: { locale: Locale; kind: 'double-opt-in' | 'reconfirmation'; wording: string; action: string }) {
  const t = PAGE_STRINGS[locale];
  return (
    <Card heading={kind === 'double-opt-in' ? t.confirmSubscriptionHeading : t.reconfirmHeading}>
      <WordingButton
        locale={locale}
        action={action}
        wording={{ text: wording }}
        value="confirm"
        label={kind === 'double-opt-in' ? t.confirmSubscriptionButton : t.reconfirmButton}
        kind="primary"
      />
    </Card>
  );
}

/** What confirming did: subscribed now, or already before; an expired request changed nothing. */
export function ConfirmedView({ locale, outcome, categories }: { locale: Locale; outcome: 'confirmed' | 'already-confirmed' | 'expired'; categories: string }) {
  const t = PAGE_STRINGS[locale];
  if (outcome === 'expired') {
    return (
      <Card heading={t.confirmExpiredHeading}>
        <p>{t.confirmExpiredIntro}</p>
        <FreshLinkForm locale={locale} />
      </Card>
    );
  }
  const confirmed = outcome === 'confirmed';
  return (
    <Card heading={confirmed ? t.confirmedHeading(categories) : t.alreadyConfirmedHeading} status>
      <p>{confirmed ? t.confirmedIntro : t.alreadyConfirmedIntro}</p>
    </Card>
  );
}

/** The public subscribe form: an address and the express-only categories; a confirmation goes by email. */
export function SubscribeView(props: { locale: Locale; categories: readonly CategoryInfo[]; chosen: string[]; wording: ShownWording; problem?: string }) {
  const { locale, categories, chosen, wording, problem } = props;
  const t = PAGE_STRINGS[locale];
  return (
    <form method="post" action="/subscribe" class="card">
      <input type="hidden" name="lang" value={locale} />
      <input type="hidden" name="wording" value={wording.version} />
      <h1>{t.subscribeHeading}</h1>
      <p class="wording">{wording.text}</p>
      {problem && <p role="alert">{problem}</p>}
      <fieldset>
        <legend>{t.subscribeLegend}</legend>
        {categories.map((category) => {
          const id = `subscribe-${category.key}`;
          return (
            <div class="category" key={category.key}>
              <input type="checkbox" id={id} name="category" value={category.key} checked={chosen.includes(category.key)} aria-describedby={`${id}-description`} />
              <div>
                <label for={id}>{category.label[locale]}</label>
                <p class="description" id={`${id}-description`}>
                  {category.description[locale]}
                </p>
              </div>
            </div>
          );
        })}
      </fieldset>
      <label for="subscribe-email">{t.emailLabel}</label>
      <input type="email" id="subscribe-email" name="email" autocomplete="email" required />
      <div class="actions">
        <button type="submit" class="primary">
          {t.subscribeButton}
        </button>
      </div>
    </form>
  );
}

/** The subscribe form's answer, the same for every address. */
export function SubscribeSentView({ locale }: { locale: Locale }) {
  const t = PAGE_STRINGS[locale];
  return (
    <Card heading={t.sentHeading}>
      <p>{t.subscribeSentIntro}</p>
    </Card>
  );
}

/** One ticket to stop hearing about, or stopped (with Undo), or back on. */
export function MuteTicketView({ locale, ticketId, state, action }: { locale: Locale; ticketId: string; state: 'confirm' | 'muted' | 'unmuted'; action: string }) {
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
    return (
      <Card heading={t.muteHeading(ticketId)}>
        <p>{t.muteIntro}</p>
        {form('mute', t.muteButton, 'primary')}
      </Card>
    );
  }
  return (
    <Card heading={state === 'muted' ? t.mutedHeading(ticketId) : t.unmutedHeading(ticketId)} status>
      {state === 'muted' && form('unmute', t.unmuteButton, 'secondary')}
    </Card>
  );
}

/**
 * An advisory's acknowledgment link: the advisory's title, what the organization has confirmed
 * so far and by whom, and the one button (while the asked action is not yet confirmed).
 */
export function AcknowledgeView(props: { locale: Locale; advisory: MyAdvisory; organization: string; asked: Acknowledgment; done: boolean; action: string }) {
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
    return (
      <Card heading={t.ackDoneHeading(organization)} status>
        <p lang={advisory.language}>{advisory.title}</p>
        {state}
      </Card>
    );
  }
  const confirmed = asked === 'read' ? advisory.read : advisory.applied;
  return (
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
  );
}
