import type { CategoryInfo, Locale, MyOrganization } from '../../contract/index.js';
import { t } from '../shared/i18n.js';

interface Props {
  staff: MyOrganization['staff'];
  categories: CategoryInfo[];
  locale: Locale;
}

type Person = MyOrganization['staff'][number];

const nameOf = (person: Person) => person.name ?? person.email;

/** A long address may wrap before its @, never inside a word: the column stays narrow and readable. */
function PersonName({ person }: { person: Person }) {
  if (person.name !== null) return <>{person.name}</>;
  const at = person.email.lastIndexOf('@');
  return (
    <>
      {person.email.slice(0, at)}
      <wbr />
      {person.email.slice(at)}
    </>
  );
}

function receives(person: Person, category: CategoryInfo): boolean {
  if (category.required || person.lockedCategories.includes(category.key)) return true;
  return person.preferences[category.key] ?? category.subscribedByDefault;
}

/** One row per person, one column per category: a mark for the eye, words for screen readers. */
export function StaffTable({ staff, categories, locale }: Props) {
  const byName = [...staff].sort((a, b) => nameOf(a).localeCompare(nameOf(b), locale));
  return (
    <div class="table-scroll">
      <table class="staff">
        <caption>{t('options_org_staff_caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('options_org_staff_person')}</th>
            {categories.map((category) => (
              <th key={category.key} scope="col">
                {category.label[locale]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {byName.map((person) => (
            <tr key={person.id}>
              <th scope="row">
                <PersonName person={person} />
              </th>
              {categories.map((category) => (
                <ReceivesCell key={category.key} receives={receives(person, category)} />
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ReceivesCell({ receives }: { receives: boolean }) {
  return (
    <td class={receives ? 'receives' : 'does-not-receive'}>
      <span aria-hidden="true">{receives ? '✓' : '—'}</span>
      <span class="visually-hidden">{t(receives ? 'options_org_receives' : 'options_org_does_not_receive')}</span>
    </td>
  );
}
