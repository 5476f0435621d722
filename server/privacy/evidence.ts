import type { Kysely } from 'kysely';
import type { ConsentBasis, Evidence, OrganizationEvidence } from '../../contract/index.js';
import type { Categories } from '../consent/categories.js';
import type { ConsentRecords } from '../consent/consent.js';
import type { ConsentRequests } from '../consent/consent-requests.js';
import type { ConsentWordings } from '../consent/consent-wordings.js';
import type { Contacts } from '../contacts/contacts.js';
import type { Organizations } from '../organizations/organizations.js';
import type { Outbox } from '../outbox/outbox.js';
import type { Database } from '../store/schema.js';
import { nowIso } from '../store/time.js';
import { notFound } from '../errors.js';
import type { RetentionPolicy } from './retention.js';

export interface EvidenceDeps {
  db: Kysely<Database>;
  contacts: Contacts;
  organizations: Organizations;
  consent: ConsentRecords;
  consentRequests: ConsentRequests;
  outbox: Outbox;
  wordings: ConsentWordings;
  categories: Categories;
  retention: RetentionPolicy;
}

/**
 * The evidence pack: for one contact (or every contact of an organization), on what basis each
 * email was sent, what the person saw when they agreed, and when their opt-out took effect. An
 * erased contact still has one: its history and message log are kept, without personal data.
 */
export class EvidencePacks {
  constructor(private readonly deps: EvidenceDeps) {}

  async ofContact(id: string): Promise<Evidence> {
    const { db, contacts, organizations, consent, consentRequests, outbox } = this.deps;
    const contact = await contacts.get(id);
    const erased = contact ? undefined : await db.selectFrom('erasures').select('erased_at').where('contact_id', '=', id).executeTakeFirst();
    if (!contact && !erased) throw notFound('contact');
    const organization = contact ? await organizations.get(contact.organizationId) : null;
    const states = contact ? (await consent.statesOf(db, [id])).get(id)! : {};
    const history = await consent.fullHistory(db, id);
    const messages = await outbox.evidenceLog(id);
    return {
      generatedAt: nowIso(),
      contact: {
        id,
        organizationId: contact?.organizationId ?? null,
        email: contact?.email ?? null,
        name: contact?.name ?? null,
        locale: contact?.locale ?? null,
        erasedAt: erased?.erased_at ?? null,
      },
      organization: organization ? { id: organization.id, name: organization.name, lastPurchaseAt: organization.lastPurchaseAt } : null,
      categories: this.deps.categories.list
        .filter((c) => states[c.key])
        .map((c) => {
          const state = states[c.key]!;
          return {
            key: c.key,
            label: c.label,
            required: c.required,
            subscribed: state.subscribed,
            basis: state.basis,
            basisSince: state.basisSince,
            expiresAt: state.subscribed ? state.expiresAt : null,
            renewedAt: state.renewedAt,
            renewedBy: state.renewedBy === 'purchase' || state.renewedBy === 'inquiry' ? state.renewedBy : null,
            lapsedAt: state.lapsedAt,
          };
        }),
      history,
      wordings: this.wordingsOf(history.map((h) => h.wordingVersion)),
      requests: contact ? await consentRequests.of(db, id) : [],
      messages: messages.map((m) => ({
        ...m,
        basis: m.basis as ConsentBasis | null,
        unsubscribed: m.category ? unsubscribedAfter(history, m.category, m.sentAt ?? m.queuedAt) : null,
      })),
      retention: { messageLogDays: this.deps.retention.messageLogDays, consentHistoryDays: this.deps.retention.consentHistoryDays },
    };
  }

  /** One pack per contact of the organization. */
  async ofOrganization(id: string): Promise<OrganizationEvidence> {
    const organization = await this.deps.organizations.get(id);
    if (!organization) throw notFound('organization');
    const rows = await this.deps.db.selectFrom('contacts').select('id').where('organization_id', '=', id).orderBy('created_at').orderBy('id').execute();
    const contacts: Evidence[] = [];
    for (const row of rows) contacts.push(await this.ofContact(row.id));
    return {
      generatedAt: nowIso(),
      organization: { id: organization.id, name: organization.name, lastPurchaseAt: organization.lastPurchaseAt },
      contacts,
    };
  }

  private wordingsOf(versions: (string | null)[]): Evidence['wordings'] {
    const result: Evidence['wordings'] = {};
    for (const version of new Set(versions)) {
      const wording = version ? this.deps.wordings.get(version) : undefined;
      if (wording) result[wording.version] = { surface: wording.surface, texts: wording.texts };
    }
    return result;
  }
}

/** The first time after `since` the contact left the category, and how. */
function unsubscribedAfter(history: Evidence['history'], category: string, since: string): Evidence['messages'][number]['unsubscribed'] {
  const row = history.find((h) => h.category === category && !h.subscribed && h.previous === true && h.at >= since);
  return row ? { at: row.at, source: row.source } : null;
}
