import { ADVISORY_CATEGORY, ADVISORY_THRESHOLDS, TICKET_DELIVERIES, TICKETS_CATEGORY, type TicketDelivery, type AdvisoryThreshold, type CategoryInfo, type Locale, type Preferences } from '../../contract/index.js';
import { CategoryChoice } from './category-choice.js';
import { PAGE_STRINGS } from './page-strings.js';

export interface PreferenceCenterProps {
  locale: Locale;
  email: string;
  categories: readonly CategoryInfo[];
  preferences: Preferences;
  /** Where the form posts: the preferences link of this contact. */
  action: string;
  /** The consent wording shown above the choices; its version goes back with the form. */
  wording: ShownWording;
  /** Categories the contact's organization locked on, and its name. */
  locked: { keys: string[]; by: string } | null;
  /** Which security advisories the contact receives. */
  advisoryThreshold: AdvisoryThreshold;
  /** Ticket updates at once or daily. */
  ticketDelivery: TicketDelivery;
  /** The page's h1 on its own page; an h2 under an unsubscribe card. */
  headingLevel: 1 | 2;
}

/** A select under a category's description: one of its own settings. */
function CategorySetting<T extends string>(props: { id: string; name: string; label: string; values: readonly T[]; labels: Record<T, string>; current: T }) {
  return (
    <p class="threshold">
      <label for={props.id}>{props.label}</label>{' '}
      <select id={props.id} name={props.name}>
        {props.values.map((value) => (
          <option key={value} value={value} selected={value === props.current}>
            {props.labels[value]}
          </option>
        ))}
      </select>
    </p>
  );
}

/** A consent wording as a page shows it: the version it records, and the filled-in text. */
export interface ShownWording {
  version: string;
  text: string;
}

/** Every category with its description; required ones shown on and locked. Works without JavaScript. */
export function PreferenceCenter({ locale, email, categories, preferences, action, wording, locked, advisoryThreshold, ticketDelivery, headingLevel }: PreferenceCenterProps) {
  const t = PAGE_STRINGS[locale];
  const Heading = headingLevel === 1 ? 'h1' : 'h2';
  return (
    <form method="post" action={action} class="card">
      <input type="hidden" name="lang" value={locale} />
      <input type="hidden" name="wording" value={wording.version} />
      <Heading id="center-heading">{t.centerHeading}</Heading>
      <p class="muted email">{t.centerIntro(email)}</p>
      <p class="wording">{wording.text}</p>
      <fieldset aria-labelledby="center-heading">
        {categories.map((category) => {
          const id = `category-${category.key}`;
          const lockedOn = !category.required && !!locked && locked.keys.includes(category.key);
          return (
            <CategoryChoice
              key={category.key}
              id={id}
              category={category}
              locale={locale}
              checked={category.required || lockedOn || preferences[category.key] === true}
              disabled={category.required || lockedOn}
            >
              <p class="description" id={`${id}-description`}>
                {category.description[locale]}
                {category.required && <span class="lock"> {t.required}</span>}
                {lockedOn && <span class="lock"> {t.lockedBy(locked.by)}</span>}
              </p>
              {category.key === ADVISORY_CATEGORY && (
                <CategorySetting id="advisory-threshold" name="advisoryThreshold" label={t.thresholdLabel} values={ADVISORY_THRESHOLDS} labels={t.threshold} current={advisoryThreshold} />
              )}
              {category.key === TICKETS_CATEGORY && (
                <CategorySetting id="ticket-delivery" name="ticketDelivery" label={t.deliveryLabel} values={TICKET_DELIVERIES} labels={t.delivery} current={ticketDelivery} />
              )}
            </CategoryChoice>
          );
        })}
      </fieldset>
      <div class="actions">
        <button type="submit" name="action" value="save" class="primary">
          {t.save}
        </button>
        <button type="submit" name="action" value="unsubscribe-all" class="secondary">
          {t.unsubscribeAll}
        </button>
      </div>
    </form>
  );
}
