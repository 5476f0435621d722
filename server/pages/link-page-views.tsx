import type { ComponentChildren } from 'preact';
import type { CategoryInfo, Contact, Locale } from '../../contract/index.js';
import { PAGE_STRINGS } from './page-strings.js';
import { PreferenceCenter } from './preference-center.js';

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
export function PreferencesView({ contact, locale, categories, action }: { contact: Contact; locale: Locale; categories: readonly CategoryInfo[]; action: string }) {
  const t = PAGE_STRINGS[locale];
  return (
    <>
      <PreferenceCenter locale={locale} email={contact.email} categories={categories} preferences={contact.preferences} action={action} />
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
}) {
  const { contact, locale, category, state, action } = props;
  const t = PAGE_STRINGS[locale];
  if (!category) return <PreferencesView {...props} />;
  const label = category.label[locale];
  const subscribed = contact.preferences[category.key] === true;
  let card: ComponentChildren;
  if (category.required) {
    card = (
      <Card heading={label}>
        <p>{t.requiredCategoryIntro}</p>
      </Card>
    );
  } else if (state === 'unsubscribed' || (state === 'confirm' && !subscribed)) {
    card = (
      <Card heading={state === 'unsubscribed' ? t.unsubscribedHeading(label) : t.alreadyUnsubscribed(label)} status={state === 'unsubscribed'}>
        {state === 'unsubscribed' && <p>{t.unsubscribedIntro}</p>}
        <form method="post" action={action}>
          <input type="hidden" name="lang" value={locale} />
          <button type="submit" name="action" value="resubscribe" class="secondary">
            {t.undoButton}
          </button>
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
          <button type="submit" name="action" value="unsubscribe" class="primary">
            {t.confirmButton}
          </button>
        </form>
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

/** A page that only says something: the contact is gone, too many attempts, or a link is on its way. */
export function NoticeView({ locale, notice }: { locale: Locale; notice: 'gone' | 'tooMany' | 'sent' }) {
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
