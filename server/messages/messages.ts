import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { MessageAccepted, MessageState, schemas, SystemTemplate as ContractSystemTemplate } from '../../contract/index.js';
import type { Database } from '../store/schema.js';
import { isUniqueViolation } from '../store/unique-violation.js';
import type { Categories } from '../consent/categories.js';
import type { ConsentRecords } from '../consent/consent.js';
import { emailOrThrow } from '../contacts/contacts.js';
import { notSubscribedReason, ON_SUPPRESSION_LIST } from '../consent/basis.js';
import { isUuid } from '../store/ids.js';
import { invalid, notFound } from '../errors.js';
import type { NewMessage, Outbox } from '../outbox/outbox.js';
import type { Renderer, TemplateName } from '../rendering/render.js';
import type { SuppressionList } from '../consent/suppressions.js';
import type { Contacts } from '../contacts/contacts.js';

/**
 * The service's own emails and what each stores. Codes, links and the data export are never
 * stored: they are made when the message is sent (see system-emails.ts).
 */
export interface SystemEmailData {
  'sign-in-code': { codeId: string; expiresInMinutes: number };
  'preferences-link': Record<string, never>;
  'data-export': { requestedAt: string };
  /** To the replaced address, kept sealed in the outbox until sent. */
  'email-changed': { previousEmail: string; changedAt: string };
}
export type SystemTemplate = keyof SystemEmailData & ContractSystemTemplate;

export type SendRequest = z.output<typeof schemas.messageCreate>;

export class Messages {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly outbox: Outbox,
    private readonly consent: ConsentRecords,
    private readonly categories: Categories,
    private readonly contacts: Contacts,
    private readonly suppressions: SuppressionList,
    private readonly renderer: Renderer,
    private readonly onQueued: () => void = () => {},
  ) {}

  /**
   * Queues one email, or records it as suppressed when the contact is not subscribed. The row is
   * the idempotency record too: the same key from the same API key answers the first answer.
   */
  async send(request: SendRequest, apiKeyId: string): Promise<MessageAccepted> {
    if (request.idempotencyKey) {
      const first = await this.byIdempotencyKey(apiKeyId, request.idempotencyKey);
      if (first) return first;
    }
    const category = this.categories.get(request.category);
    const errors = [
      ...(category ? [] : [{ pointer: '#/category', detail: 'Unknown category.' }]),
      // Off the event loop: Markdown is rendered in its own thread, within a time budget.
      ...(await this.renderer.problems(request.template as TemplateName, request.data)).map((p) => ({
        pointer: `#/data/${p.field}`,
        detail: `${p.field} ${p.message}`,
      })),
    ];
    if (errors.length) {
      const missing = errors.filter((e) => e.pointer.startsWith('#/data/')).map((e) => e.pointer.slice(7));
      throw invalid(missing.length ? `Template data is missing or invalid: ${missing.join(', ')}.` : 'Some fields are not valid.', errors);
    }
    const contact = await this.resolve(request.to);
    const consent = (await this.consent.statesOf(this.db, [contact.id])).get(contact.id)![request.category];
    const suppressedAddress = (await this.suppressions.reasonFor(contact.email)) !== null;
    const toQueue = { contactId: contact.id, category: request.category, template: request.template, data: request.data, apiKeyId, idempotencyKey: request.idempotencyKey ?? null };
    const message: NewMessage =
      consent?.subscribed !== true
        ? { ...toQueue, status: 'suppressed', reason: 'not-subscribed', detail: notSubscribedReason(consent) }
        : suppressedAddress
          ? { ...toQueue, status: 'suppressed', reason: 'suppression-list', detail: ON_SUPPRESSION_LIST }
          : { ...toQueue, status: 'queued' };
    let row;
    try {
      row = await this.outbox.enqueue(message);
    } catch (error) {
      // The same key sent twice at the same moment: the other request answered first.
      const first = isUniqueViolation(error) && request.idempotencyKey ? await this.byIdempotencyKey(apiKeyId, request.idempotencyKey) : null;
      if (first) return first;
      throw error;
    }
    if (row.status === 'queued') this.onQueued();
    return { id: row.id, status: message.status };
  }

  /**
   * Queues one of the service's own emails (sign-in code, preferences link). They belong to no
   * category, so no opt-out blocks them; only the suppression list does.
   */
  async sendSystem<T extends SystemTemplate>(contactId: string, template: T, data: SystemEmailData[T]): Promise<MessageAccepted> {
    const contact = (await this.contacts.recipients([contactId])).get(contactId);
    if (!contact) throw notFound('contact');
    const suppressed = (await this.suppressions.reasonFor(contact.email)) !== null;
    const toQueue = { contactId, category: null, template, data };
    const row = await this.outbox.enqueue(suppressed ? { ...toQueue, status: 'suppressed', reason: 'suppression-list', detail: ON_SUPPRESSION_LIST } : { ...toQueue, status: 'queued' });
    if (row.status === 'queued') this.onQueued();
    return { id: row.id, status: row.first_status as MessageAccepted['status'] };
  }

  async get(id: string): Promise<Omit<MessageState, 'bounced' | 'complained'>> {
    const row = isUuid(id)
      ? await this.db.selectFrom('messages').select(['id', 'status', 'attempts', 'last_error']).where('id', '=', id).executeTakeFirst()
      : undefined;
    if (!row) throw notFound('message');
    return { id: row.id, status: row.status, attempts: Number(row.attempts), ...(row.last_error ? { lastError: row.last_error } : {}) };
  }

  private async byIdempotencyKey(apiKeyId: string, key: string): Promise<MessageAccepted | null> {
    const row = await this.db
      .selectFrom('messages')
      .select(['id', 'first_status'])
      .where('api_key_id', '=', apiKeyId)
      .where('idempotency_key', '=', key)
      .executeTakeFirst();
    return row ? { id: row.id, status: row.first_status as MessageAccepted['status'] } : null;
  }

  private async resolve(to: SendRequest['to']): Promise<{ id: string; email: string }> {
    const id = 'contactId' in to ? (isUuid(to.contactId) ? to.contactId : null) : await this.contacts.idByEmail(emailOrThrow(to.email, 'to/email'));
    const contact = id ? (await this.contacts.recipients([id])).get(id) : undefined;
    if (!contact) {
      const field = 'contactId' in to ? 'contactId' : 'email';
      throw invalid('Unknown contact.', [{ pointer: `#/to/${field}`, detail: `No contact has this ${field === 'email' ? 'address' : 'id'}.` }]);
    }
    return contact;
  }
}
