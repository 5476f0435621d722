// The JSON shapes that cross the wire, shared by the server and the extension (import type only).

export type Locale = 'en' | 'fr';
export const LOCALES: readonly Locale[] = ['en', 'fr'];

export type ConsentSource =
  | 'default'
  | 'one-click'
  | 'unsubscribe-page'
  | 'preference-page'
  | 'extension'
  | 'admin'
  | 'import';

export interface CategoryInfo {
  key: string;
  label: Record<Locale, string>;
  description: Record<Locale, string>;
  subscribedByDefault: boolean;
  required: boolean;
}

/** Category key → subscribed. */
export type Preferences = Record<string, boolean>;

export interface Organization {
  id: string;
  name: string;
  locale: Locale;
}

export interface Contact {
  id: string;
  organizationId: string;
  email: string;
  name: string | null;
  phone: string | null;
  jobTitle: string | null;
  locale: Locale;
  preferences: Preferences;
}

export interface ConsentHistoryEntry {
  category: string;
  subscribed: boolean;
  source: ConsentSource;
  at: string;
}

/** RFC 9457 problem details, as every error answers. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: { pointer: string; detail: string }[];
}

// ---- Self-service API used by the extension (Authorization: Bearer <session token>) ----

/** POST /api/v1/session/code → 202 SignInCodeSent (the same answer for unknown addresses). */
export interface SignInCodeRequest {
  email: string;
  locale?: Locale;
}
export interface SignInCodeSent {
  status: 'sent';
}

/** POST /api/v1/session → 200 Session, or 400/401 problem (wrong or expired code, too many tries). */
export interface SessionRequest {
  email: string;
  code: string;
}
export interface Session {
  token: string;
  expiresAt: string;
}

/** GET /api/v1/me, PUT /api/v1/me/preferences, PATCH /api/v1/me → 200 Me. DELETE /api/v1/session → 204. */
export interface Me {
  contact: {
    id: string;
    email: string;
    name: string | null;
    locale: Locale;
    organizationName: string;
  };
  categories: CategoryInfo[];
  preferences: Preferences;
}

export interface MeUpdate {
  name?: string | null;
  locale?: Locale;
}

/** The problem types the self-service sign-in answers with (`Problem.type`). */
export const SIGN_IN_PROBLEMS = {
  /** 401: the code is wrong, expired, already used, or the address has no code (one answer for all). */
  wrongCode: '/problems/wrong-code',
  /** 429: too many wrong codes for this address; try again after Retry-After seconds (a new code does not help). */
  tooManyAttempts: '/problems/too-many-attempts',
} as const;

// ---- The contact's privacy rights (self-service, Bearer session) ----

/** GET /api/v1/me/export → 200: everything held about the contact (profile, preferences, consent history, messages sent). */
export type MyDataExport = Record<string, unknown>;

/** DELETE /api/v1/me → 200: what was erased, and what is kept by law and why. The session is gone afterwards. */
export interface ErasureReceipt {
  id: string;
  erased: string[];
  kept: { data: string; why: string }[];
}
