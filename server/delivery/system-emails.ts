import type Mail from 'nodemailer/lib/mailer/index.js';

/**
 * A message's data made ready to render, or why it can no longer go. `to` sends it to another
 * address than the contact's (the notice of an email change goes to the replaced one), and then
 * without any link into the contact's preferences.
 */
export type CompletedData = { data: Record<string, unknown>; attachments?: Mail.Attachment[]; to?: string } | { skip: string };

export type CompleteData = (template: string, contactId: string, stored: Record<string, unknown>) => Promise<CompletedData>;

export interface SystemEmailSources {
  /** The code of a sign-in-code row still waiting to be used, or null. */
  codeFor(codeId: string): Promise<string | null>;
  preferencesUrl(contactId: string): string;
  exportOf(contactId: string): Promise<unknown>;
  /** A double opt-in or reconfirmation still open: its wording in both languages, its link and dates; null once confirmed or expired. */
  consentRequest(requestId: string): Promise<{ data: Record<string, unknown> } | null>;
}

/**
 * What the service's own emails carry that is never stored — a sign-in code, a preferences link,
 * the data export — made right before sending from what the queued message references.
 * Category mail is sent with the data it was queued with.
 */
export function completeSystemEmails(sources: SystemEmailSources): CompleteData {
  return async (template, contactId, stored) => {
    switch (template) {
      case 'sign-in-code': {
        const code = typeof stored.codeId === 'string' ? await sources.codeFor(stored.codeId) : null;
        if (!code) return { skip: 'The sign-in code was used, replaced by a newer one, or expired before it could be sent.' };
        return { data: { code, expiresInMinutes: stored.expiresInMinutes } };
      }
      case 'preferences-link':
        return { data: { url: sources.preferencesUrl(contactId) } };
      case 'data-export': {
        const content = JSON.stringify(await sources.exportOf(contactId), null, 2);
        return { data: stored, attachments: [{ filename: 'my-data.json', contentType: 'application/json', content }] };
      }
      case 'confirm-subscription':
      case 'reconfirm-consent': {
        const request = typeof stored.requestId === 'string' ? await sources.consentRequest(stored.requestId) : null;
        if (!request) return { skip: 'The request was confirmed or expired before it could be sent.' };
        return request;
      }
      case 'email-changed':
        return { data: { changedAt: stored.changedAt }, to: String(stored.previousEmail) };
      default:
        return { data: stored };
    }
  };
}
