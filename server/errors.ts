/** Why a domain operation refused; the HTTP layer alone turns each kind into a status (http/problem.ts). */
export type FailureKind = 'invalid' | 'unauthorized' | 'forbidden' | 'not-found' | 'conflict' | 'too-many' | 'upstream';

/** The problem members a failure may add (contract `problem`). */
export interface ProblemExtensions {
  triesLeft?: number;
}

export interface FieldError {
  /** A JSON pointer to the field (`#/email`). */
  pointer: string;
  detail: string;
}

/** The one error domain code throws at its callers: a kind, a stable code, and what to tell them. */
export class DomainError extends Error {
  constructor(
    readonly kind: FailureKind,
    /** Stable and public: the problem type's last segment (`erased-address`). */
    readonly code: string,
    readonly title: string,
    readonly detail?: string,
    readonly fields?: FieldError[],
    /** When trying again may succeed (too-many). */
    readonly retryAfterSeconds?: number,
    /** Members of the problem beyond RFC 9457's own, each named in the contract's `problem`. */
    readonly extensions?: ProblemExtensions,
  ) {
    super(detail ?? title);
    this.name = 'DomainError';
  }
}

export const invalid = (detail: string, fields?: FieldError[]) => new DomainError('invalid', 'validation', 'Your request is not valid.', detail, fields);
export const notFound = (what = 'resource') => new DomainError('not-found', 'not-found', 'Not found.', `No such ${what}.`);
export const conflict = (detail: string) => new DomainError('conflict', 'conflict', 'Already exists.', detail);
