import crypto from 'node:crypto';
import type Mail from 'nodemailer/lib/mailer/index.js';
import type { Acknowledgment, CategoryInfo, Locale } from '../../contract/index.js';
import type { Tokens } from '../tokens/tokens.js';
import type { RenderContext, Renderer, TemplateName } from '../rendering/render.js';
import { toSingleLine } from '../rendering/single-line.js';
import { hasPlaceholder, placeholder, plainAddress, SharedMime, type Slot } from './shared-mime.js';
import { feedbackIdHeader } from './feedback-id.js';
import { listIdHeader } from './list-id.js';

export interface Recipient {
  contactId: string;
  email: string;
  name: string | null;
  locale: Locale;
}

export interface LinkBuilder {
  unsubscribeUrl(contactId: string, category: string): string;
  preferencesUrl(contactId: string): string;
  /** A double opt-in or reconfirmation button: the request's own link, valid until the request expires (ms). */
  confirmUrl(contactId: string, requestId: string, expiresAt: number): string;
  muteTicketUrl(contactId: string, ticketId: string): string;
  /** An advisory's acknowledgment button: one action on one advisory, for the contact's organization. */
  acknowledgeUrl(contactId: string, advisoryId: string, action: Acknowledgment): string;
}

/** Links under PUBLIC_URL that name the contact by a signed opaque id only. */
export function linkBuilder(publicUrl: string, tokens: Tokens): LinkBuilder {
  return {
    unsubscribeUrl: (contactId, category) => `${publicUrl}/u/${tokens.link('unsubscribe', contactId, category)}`,
    preferencesUrl: (contactId) => `${publicUrl}/p/${tokens.link('preferences', contactId)}`,
    muteTicketUrl: (contactId, ticketId) => `${publicUrl}/t/${tokens.muteLink(contactId, ticketId)}`,
    acknowledgeUrl: (contactId, advisoryId, action) => `${publicUrl}/a/${tokens.acknowledgeLink(contactId, advisoryId, action)}`,
    confirmUrl: (contactId, requestId, expiresAt) => `${publicUrl}/c/${tokens.confirmLink(contactId, requestId, expiresAt)}`,
  };
}

export interface ComposeInput {
  messageId: string;
  template: TemplateName;
  data: Record<string, unknown>;
  /** Absent for system emails (sign-in code, preferences link). */
  category: CategoryInfo | undefined;
  recipient: Recipient;
  attachments?: Mail.Attachment[];
  /** False for mail to an address that is not the contact's own: no link into its preferences. */
  withLinks?: boolean;
  /** An advisory of the support team's: its buttons acknowledge it (the fix too, when `applied`). */
  acknowledge?: { advisoryId: string; applied: boolean };
}

export interface Composed {
  mail: Mail.Options;
  subject: string;
}

export interface Composer {
  compose(input: ComposeInput): Promise<Composed>;
  /**
   * A fan-out's message: the same email as `compose` makes, from MIME built once per fan-out,
   * locale and variant, with only this recipient's values filled in.
   */
  composeFanOut(input: ComposeInput & { fanOutId: string }): Promise<Composed>;
}

/** How reports about a message find their way back to it: its envelope sender (VERP) and any relay metadata headers. */
/** A header value nodemailer sends exactly as given (one line of printable ASCII made here), rather than MIME-encoding it. */
export type PreparedHeader = { prepared: true; value: string };

export interface ReturnPath {
  envelopeFrom(messageId: string): string | undefined;
  headers(messageId: string): Record<string, PreparedHeader>;
}

type Links = RenderContext['links'];

export function createComposer(deps: {
  renderer: Renderer;
  links: LinkBuilder;
  from: string;
  returnPath?: ReturnPath;
  /** The last field of every Feedback-ID (FEEDBACK_ID_SENDER). */
  feedbackSenderId: string;
}): Composer {
  const domain = /@([^>\s]+)>?\s*$/.exec(deps.from)?.[1] ?? 'localhost';
  const fromAddress = /<([^>]+)>\s*$/.exec(deps.from)?.[1] ?? deps.from.trim();
  const shared = new SharedMessages();

  function linksOf({ template, data, category, recipient, withLinks = true, acknowledge }: ComposeInput): Links {
    if (!withLinks) return {};
    // A required category may not be left, so its mail offers no way to leave it.
    const unsubscribe = category && !category.required ? deps.links.unsubscribeUrl(recipient.contactId, category.key) : undefined;
    const muteTicket = template === 'ticket-update' && data.ticketId !== undefined ? deps.links.muteTicketUrl(recipient.contactId, String(data.ticketId)) : undefined;
    return {
      preferences: deps.links.preferencesUrl(recipient.contactId),
      ...(unsubscribe ? { unsubscribe } : {}),
      ...(muteTicket ? { muteTicket } : {}),
      ...(acknowledge ? acknowledgeLinks(deps.links, recipient.contactId, acknowledge) : {}),
    };
  }

  /** What every recipient of this email shares. */
  function sharedHeaders({ template, category, recipient, acknowledge }: ComposeInput, links: Links): Record<string, string | PreparedHeader> {
    const headers: Record<string, string | PreparedHeader> = { 'Content-Language': recipient.locale === 'fr' ? 'fr-CA' : 'en-CA' };
    if (links.unsubscribe) headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
    // Sent as built: nodemailer would encode it whole (the id's angle brackets too) for an accent or a quote.
    if (category) headers['List-Id'] = { prepared: true, value: listIdHeader(category.label[recipient.locale], category.key, domain) };
    // Made by the service for one person's action or situation: out-of-office replies stay quiet (RFC 3834).
    else headers['Auto-Submitted'] = 'auto-generated';
    headers['Feedback-ID'] = feedbackIdHeader({
      stream: category?.key ?? template,
      campaign: acknowledge?.advisoryId,
      mailType: category ? 'category' : 'system',
      senderId: deps.feedbackSenderId,
    });
    return headers;
  }

  /** This recipient's own: how to leave, and how reports find the message. */
  function recipientHeaders(messageId: string, links: Links): Record<string, string | PreparedHeader> {
    return { ...(links.unsubscribe ? { 'List-Unsubscribe': `<${links.unsubscribe}>` } : {}), ...deps.returnPath?.headers(messageId) };
  }

  function renderContext({ recipient, category }: ComposeInput, links: Links, recipientName: string | null): RenderContext {
    return { locale: recipient.locale, recipientName, ...(category ? { categoryLabel: category.label[recipient.locale] } : {}), links };
  }

  async function compose(input: ComposeInput): Promise<Composed> {
    const { messageId, template, data, recipient, attachments } = input;
    const links = linksOf(input);
    const rendered = await deps.renderer.render(template, data, renderContext(input, links, recipient.name));
    const envelopeFrom = deps.returnPath?.envelopeFrom(messageId);
    return {
      subject: rendered.subject,
      mail: {
        from: deps.from,
        to: { name: recipient.name ?? '', address: recipient.email },
        subject: rendered.subject,
        html: rendered.html,
        text: rendered.text,
        messageId: `<${messageId}@${domain}>`,
        headers: { ...sharedHeaders(input, links), ...recipientHeaders(messageId, links) },
        ...(envelopeFrom ? { envelope: { from: envelopeFrom, to: recipient.email } } : {}),
        ...(attachments ? { attachments } : {}),
      },
    };
  }

  /** The email with stand-ins for this recipient's values, rendered and built once for everyone alike; null when it cannot be shared. */
  async function buildShared(input: ComposeInput, links: Links, named: boolean): Promise<{ mime: SharedMime; subject: string } | null> {
    const stand = Object.fromEntries(Object.keys(links).map((slot) => [slot, placeholder(slot as Slot)]));
    const rendered = await deps.renderer.render(input.template, input.data, renderContext(input, stand, named ? placeholder('recipientName') : null));
    if (hasPlaceholder(rendered.subject)) return null;
    const mime = await SharedMime.build({ from: deps.from, subject: rendered.subject, headers: sharedHeaders(input, links) }, rendered.html, rendered.text);
    return mime ? { mime, subject: rendered.subject } : null;
  }

  return {
    compose,
    async composeFanOut(input) {
      const { fanOutId, messageId, template, data, category, recipient, attachments, withLinks = true, acknowledge } = input;
      const links = linksOf(input);
      if (attachments || !withLinks || links.muteTicket || !plainAddress(recipient.email)) return compose(input);
      const name = recipient.name === null ? '' : toSingleLine(recipient.name);
      const key = [fanOutId, contentKey(data), template, recipient.locale, category?.key, Object.keys(links).sort().join(','), name !== '', acknowledge?.applied].join('|');
      const built = await shared.get(key, () => buildShared(input, links, name !== ''));
      if (!built) return compose(input);
      const envelopeFrom = deps.returnPath?.envelopeFrom(messageId) ?? fromAddress;
      const raw = built.mime.fill({
        date: new Date(),
        messageId: `<${messageId}@${domain}>`,
        to: { name: recipient.name, address: recipient.email },
        headers: Object.fromEntries(Object.entries(recipientHeaders(messageId, links)).map(([name, header]) => [name, typeof header === 'string' ? header : header.value])),
        values: { ...(name ? { recipientName: name } : {}), ...links },
      });
      return { subject: built.subject, mail: { envelope: { from: envelopeFrom, to: recipient.email }, raw, messageId: `<${messageId}@${domain}>` } };
    },
  };
}

const contentKeys = new WeakMap<object, string>();

/** A fan-out's content, named by its digest: the same object (one batch's) is hashed once. */
function contentKey(data: Record<string, unknown>): string {
  let key = contentKeys.get(data);
  if (!key) {
    key = crypto.createHash('sha256').update(JSON.stringify(data)).digest('base64url');
    contentKeys.set(data, key);
  }
  return key;
}

/** The last few shared emails built (a fan-out's variants: locale, with or without a name and a way to leave). */
class SharedMessages {
  private readonly built = new Map<string, Promise<{ mime: SharedMime; subject: string } | null>>();

  get(key: string, build: () => Promise<{ mime: SharedMime; subject: string } | null>) {
    let entry = this.built.get(key);
    if (!entry) {
      entry = build();
      // A failure (Markdown over its time budget on a busy machine) is tried again by the next message.
      entry.catch(() => this.built.delete(key));
      this.built.set(key, entry);
      if (this.built.size > 32) this.built.delete(this.built.keys().next().value!);
    }
    return entry;
  }
}

function acknowledgeLinks(links: LinkBuilder, contactId: string, { advisoryId, applied }: { advisoryId: string; applied: boolean }) {
  return {
    acknowledgeRead: links.acknowledgeUrl(contactId, advisoryId, 'read'),
    ...(applied ? { acknowledgeApplied: links.acknowledgeUrl(contactId, advisoryId, 'applied') } : {}),
  };
}
