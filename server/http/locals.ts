import type { Acknowledgment, Role } from '../../contract/index.js';

/** Who called the admin API: an API key's id (`bootstrap` for ADMIN_API_KEY) and its role. */
export interface Caller {
  keyId: string;
  role: Role;
}

/** A signed-in contact's live session. */
export interface ActiveSession {
  id: string;
  contactId: string;
}

/** A link token checked: the contact it names, or why it cannot be used (the page says so). */
export type LinkCheck =
  | {
      ok: true;
      claims: {
        contactId: string;
        category?: string;
        /** A confirm link's request. */
        tokenId?: string;
        /** A mute link's ticket. */
        ticketId?: string;
        /** An acknowledgment link's advisory (the original's id) and action. */
        advisoryId?: string;
        action?: Acknowledgment;
      };
    }
  | { ok: false; reason: 'expired' | 'invalid' };

/** What a route tells the audit trail about its call. */
export interface AuditNote {
  action: string;
  target: string | null;
  detail?: string;
}

// What the HTTP layer keeps on each response, declared once for every route.
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      caller?: Caller;
      session?: ActiveSession;
      audit?: AuditNote;
      link?: LinkCheck;
    }
  }
}
