/** What a person can do on the pages behind email links and the subscribe form, one-click aside. */
export const LINK_PAGE_ACTIONS = ['unsubscribe', 'resubscribe', 'save', 'unsubscribe-all', 'email-export', 'confirm', 'mute', 'unmute', 'acknowledge', 'subscribe', 'fresh-link'] as const;
export type LinkPageAction = (typeof LINK_PAGE_ACTIONS)[number];

/** What the link pages count for the operator (http/metrics.ts): one counter add, nothing read or written. */
export interface LinkPageMetrics {
  oneClickUnsubscribe(): void;
  pageAction(action: LinkPageAction): void;
}
