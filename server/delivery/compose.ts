import type Mail from 'nodemailer/lib/mailer/index.js';
import type { Acknowledgment, CategoryInfo, Locale } from '../../contract/index.js';
import type { Tokens } from '../tokens/tokens.js';
import type { Renderer, TemplateName } from '../rendering/render.js';
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

export interface Composer {
  compose(input: ComposeInput): Promise<{ mail: Mail.Options; subject: string }>;
}

/** How reports about a message find their way back to it: its envelope sender (VERP) and any relay metadata headers. */
/** A header value nodemailer sends exactly as given (one line of printable ASCII made here), rather than MIME-encoding it. */
export type PreparedHeader = { prepared: true; value: string };

export interface ReturnPath {
  envelopeFrom(messageId: string): string | undefined;
  headers(messageId: string): Record<string, PreparedHeader>;
}

export function createComposer(deps: {
  renderer: Renderer;
  links: LinkBuilder;
  from: string;
  returnPath?: ReturnPath;
  /** The last field of every Feedback-ID (FEEDBACK_ID_SENDER). */
  feedbackSenderId: string;
}): Composer {
  const domain = /@([^>\s]+)>?\s*$/.exec(deps.from)?.[1] ?? 'localhost';
  return {
    async compose({ messageId, template, data, category, recipient, attachments, withLinks = true, acknowledge }) {
      // A required category may not be left, so its mail offers no way to leave it.
      const unsubscribe = withLinks && category && !category.required ? deps.links.unsubscribeUrl(recipient.contactId, category.key) : undefined;
      const preferences = withLinks ? deps.links.preferencesUrl(recipient.contactId) : undefined;
      const muteTicket = withLinks && template === 'ticket-update' && data.ticketId !== undefined ? deps.links.muteTicketUrl(recipient.contactId, String(data.ticketId)) : undefined;
      const rendered = await deps.renderer.render(template, data, {
        locale: recipient.locale,
        recipientName: recipient.name,
        ...(category ? { categoryLabel: category.label[recipient.locale] } : {}),
        links: {
          ...(preferences ? { preferences } : {}),
          ...(unsubscribe ? { unsubscribe } : {}),
          ...(muteTicket ? { muteTicket } : {}),
          ...(withLinks && acknowledge ? acknowledgeLinks(deps.links, recipient.contactId, acknowledge) : {}),
        },
      });
      const headers: Record<string, string | PreparedHeader> = { 'Content-Language': recipient.locale === 'fr' ? 'fr-CA' : 'en-CA' };
      if (unsubscribe) {
        headers['List-Unsubscribe'] = `<${unsubscribe}>`;
        headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
      }
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
      Object.assign(headers, deps.returnPath?.headers(messageId));
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
          headers,
          ...(envelopeFrom ? { envelope: { from: envelopeFrom, to: recipient.email } } : {}),
          ...(attachments ? { attachments } : {}),
        },
      };
    },
  };
}

function acknowledgeLinks(links: LinkBuilder, contactId: string, { advisoryId, applied }: { advisoryId: string; applied: boolean }) {
  return {
    acknowledgeRead: links.acknowledgeUrl(contactId, advisoryId, 'read'),
    ...(applied ? { acknowledgeApplied: links.acknowledgeUrl(contactId, advisoryId, 'applied') } : {}),
  };
}
