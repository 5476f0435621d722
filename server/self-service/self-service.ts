import type { Kysely } from 'kysely';
import { ADVISORY_CATEGORY, SIGN_IN_PROBLEMS, TICKETS_CATEGORY, type TicketDelivery, type AdvisoryThreshold, type Me, type MyOrganization, type MeUpdate, type MyRecentMessages, type Preferences, type Session } from '../../contract/index.js';
import type { Categories } from '../consent/categories.js';
import type { ChangeOrigin } from '../consent/consent.js';
import type { Contacts } from '../contacts/contacts.js';
import { DomainError, notFound } from '../errors.js';
import type { Messages } from '../messages/messages.js';
import type { Organizations } from '../organizations/organizations.js';
import type { Database } from '../store/schema.js';
import { CODE_TTL_MINUTES, type SignInCodes } from './sign-in-codes.js';
import type { ActiveSession, Sessions } from './sessions.js';
import type { AfterAnswer } from '../after-answer.js';
import type { DataExport } from '../privacy/data-export.js';
import type { Erasure } from '../privacy/erasure.js';
import type { ConsentWordings } from '../consent/consent-wordings.js';
import type { ConsentRequests } from '../consent/consent-requests.js';
import type { OrganizationPolicies, PolicyChange } from '../consent/organization-policy.js';
import type { AuditRecord } from '../privacy/audit-log.js';
import type { TicketMutes } from '../tickets/ticket-mutes.js';
import type { Outbox } from '../outbox/outbox.js';

export interface SelfServiceDeps {
  db: Kysely<Database>;
  contacts: Contacts;
  organizations: Organizations;
  categories: Categories;
  messages: Messages;
  codes: SignInCodes;
  sessions: Sessions;
  /** The blind index of a normalized address (contacts are found by it, never by the address). */
  emailIndex: (normalizedEmail: string) => string;
  afterAnswer: AfterAnswer;
  dataExport: DataExport;
  erasure: Erasure;
  wordings: ConsentWordings;
  requests: ConsentRequests;
  brandName: string;
  policies: OrganizationPolicies;
  mutes: TicketMutes;
  audit: (entry: AuditRecord) => Promise<void>;
  /** The one owner of messages, for the contact's latest ones. */
  outbox: Pick<Outbox, 'recent'>;
}

/** How many of the contact's latest messages "Why did I get these emails?" lists. */
export const RECENT_MESSAGES = 30;

const slug = (type: string) => type.replace(/^\/problems\//, '');
const wrongCode = (triesLeft: number) =>
  new DomainError('unauthorized', slug(SIGN_IN_PROBLEMS.wrongCode), 'The code is wrong or has expired.', 'Check the code, or ask for a new one.', undefined, undefined, {
    triesLeft,
  });
const tooManyAttempts = (retryAfterSeconds: number) =>
  new DomainError(
    'too-many',
    slug(SIGN_IN_PROBLEMS.tooManyAttempts),
    'Too many wrong codes.',
    `Too many wrong codes for this address: try again in ${Math.ceil(retryAfterSeconds / 60)} minute(s). A new code does not shorten the wait.`,
    undefined,
    retryAfterSeconds,
  );

/** What a contact does for themselves from the browser extension: sign in by code, see and change their own data. */
export class SelfService {
  constructor(private readonly deps: SelfServiceDeps) {}

  /**
   * Emails a sign-in code if the (normalized) address is a contact's. The work runs after the
   * caller has answered, so a known and an unknown address get the same answer in the same time.
   */
  sendCodeLater(email: string): void {
    this.deps.afterAnswer.run(() => this.sendCode(email));
  }

  /** Resolves once every code asked for so far has been handled (tests). */
  idle(): Promise<void> {
    return this.deps.afterAnswer.idle();
  }

  private async sendCode(email: string): Promise<void> {
    const contactId = await this.deps.contacts.idByEmail(email);
    if (!contactId) return;
    const codeId = await this.deps.codes.issue(contactId);
    await this.deps.messages.sendSystem(contactId, 'sign-in-code', { codeId, expiresInMinutes: CODE_TTL_MINUTES });
  }

  async signIn(email: string, code: string): Promise<Session> {
    const checked = await this.deps.codes.check(this.deps.emailIndex(email), code);
    if (!checked.ok) throw checked.reason === 'locked' ? tooManyAttempts(checked.retryAfterSeconds) : wrongCode(checked.triesLeft);
    return this.deps.sessions.open(checked.contactId);
  }

  session(token: string): Promise<ActiveSession | null> {
    return this.deps.sessions.resolve(token);
  }

  signOut(sessionId: string): Promise<void> {
    return this.deps.sessions.revoke(sessionId);
  }

  async me(contactId: string): Promise<Me> {
    const contact = await this.deps.contacts.get(contactId);
    if (!contact) throw notFound('contact');
    const organization = await this.deps.organizations.get(contact.organizationId);
    return {
      contact: {
        id: contact.id,
        email: contact.email,
        name: contact.name,
        locale: contact.locale,
        organizationName: organization?.name ?? '',
        orgLead: contact.orgLead,
      },
      categories: [...this.deps.categories.list],
      preferences: contact.preferences,
      locked: contact.lockedCategories,
      advisoryThreshold: contact.advisoryThreshold,
      ticketDelivery: contact.ticketDelivery,
      consentWording: this.wording(),
      pending: await this.deps.requests.pending(contactId),
    };
  }

  /** The extension's consent wording, current version, filled in for both languages. */
  private wording(): Me['consentWording'] {
    const { wordings, brandName } = this.deps;
    const version = wordings.currentVersion('extension');
    return { version, text: { en: wordings.text(version, 'en', { brand: brandName }), fr: wordings.text(version, 'fr', { brand: brandName }) } };
  }

  /**
   * Merges the given categories; unknown or required-off ones are refused whole (400). Switching
   * on an express-only category sends a confirmation to the contact's address instead: it stays
   * off, and pending, until the person confirms from their inbox (double opt-in).
   */
  async setPreferences(contactId: string, wanted: Preferences, origin: ChangeOrigin, shown: { wording?: string; locale?: string } = {}): Promise<Me> {
    const { categories, contacts, wordings } = this.deps;
    const contact = await contacts.get(contactId);
    if (!contact) throw notFound('contact');
    const wording = wordings.shown('extension', shown.wording, shown.locale ?? contact.locale);
    const settings = Object.fromEntries(
      Object.entries(wanted).map(([key, on]) => [key, on && categories.isExpressOnly(key) ? { subscribed: true, confirm: true } : on]),
    );
    if (!(await contacts.changeConsent(contactId, settings, { ...origin, wording }, 'extension'))) throw notFound('contact');
    return this.me(contactId);
  }

  async update(contactId: string, update: MeUpdate): Promise<Me> {
    await this.deps.contacts.update(contactId, update);
    return this.me(contactId);
  }

  /** Which security advisories the contact receives (all, high and critical, critical only): recorded like any change. */
  async setAdvisoryThreshold(contactId: string, advisoryThreshold: AdvisoryThreshold, origin: ChangeOrigin, shown: { wording?: string; locale?: string } = {}): Promise<Me> {
    const contact = await this.deps.contacts.get(contactId);
    if (!contact) throw notFound('contact');
    const wording = this.deps.wordings.shown('extension', shown.wording, shown.locale ?? contact.locale);
    const subscribed = contact.preferences[ADVISORY_CATEGORY] === true;
    await this.deps.contacts.changeConsent(contactId, { [ADVISORY_CATEGORY]: { subscribed, advisoryThreshold } }, { ...origin, wording }, 'extension');
    return this.me(contactId);
  }

  /** Ticket updates at once, or one email a day at 08:00 in the organization's time zone: recorded like any change. */
  async setTicketDelivery(contactId: string, ticketDelivery: TicketDelivery, origin: ChangeOrigin, shown: { wording?: string; locale?: string } = {}): Promise<Me> {
    const contact = await this.deps.contacts.get(contactId);
    if (!contact) throw notFound('contact');
    const wording = this.deps.wordings.shown('extension', shown.wording, shown.locale ?? contact.locale);
    const subscribed = contact.preferences[TICKETS_CATEGORY] === true;
    await this.deps.contacts.changeConsent(contactId, { [TICKETS_CATEGORY]: { subscribed, ticketDelivery } }, { ...origin, wording }, 'extension');
    return this.me(contactId);
  }

  /** The contact's latest messages, newest first: what was sent, and why what was not (a code). */
  async recentMessages(contactId: string): Promise<MyRecentMessages> {
    return { items: await this.deps.outbox.recent(contactId, RECENT_MESSAGES) };
  }

  /** The tickets the contact stopped hearing about ("stop updates about this ticket" in an email). */
  mutedTickets(contactId: string) {
    return this.deps.mutes.list(contactId);
  }

  /** Updates about the ticket come again; 404 when it was not muted. */
  async unmuteTicket(contactId: string, ticketId: string): Promise<void> {
    if (!(await this.deps.mutes.unmute(contactId, ticketId))) throw notFound('muted ticket');
  }

  /** An organization lead's view: the organization's policy and who on its staff receives what. */
  async organization(contactId: string): Promise<MyOrganization> {
    const lead = await this.lead(contactId);
    const staff = await this.deps.contacts.list({ organizationId: lead.organizationId, limit: 200 });
    const organization = await this.deps.organizations.get(lead.organizationId);
    return {
      organization: { id: lead.organizationId, name: organization?.name ?? '' },
      policy: await this.deps.policies.get(lead.organizationId),
      staff: staff.items.map((c) => ({ id: c.id, name: c.name, email: c.email, orgLead: c.orgLead, preferences: c.preferences, lockedCategories: c.lockedCategories })),
    };
  }

  /** The lead sets the organization's defaults and locks (never a person's own choice); audited like an admin's call. */
  async setOrganizationPolicy(contactId: string, changes: Record<string, PolicyChange>, origin: ChangeOrigin): Promise<MyOrganization> {
    const lead = await this.lead(contactId);
    const { changed } = await this.deps.policies.set(lead.organizationId, changes, { ...origin, source: 'organization-policy' });
    await this.deps.audit({
      keyId: null,
      action: 'PUT /api/v1/me/organization/policy',
      target: lead.organizationId,
      outcome: 200,
      requestId: null,
      detail: `organization lead ${contactId} set the policy for ${Object.keys(changes).join(', ')}; ${changed} consent change(s) for its staff`,
    });
    return this.organization(contactId);
  }

  private async lead(contactId: string) {
    const contact = await this.deps.contacts.get(contactId);
    if (!contact) throw notFound('contact');
    if (!contact.orgLead) throw new DomainError('forbidden', 'not-organization-lead', 'Only your organization’s lead may do this.', 'Ask the MSP to name you your organization’s lead.');
    return contact;
  }

  /** The contact's own copy of everything held about them. */
  export(contactId: string) {
    return this.deps.dataExport.of(contactId);
  }

  /** The contact's own erasure; their sessions go with them. */
  erase(contactId: string) {
    return this.deps.erasure.erase(contactId, 'the contact (browser extension)');
  }
}
