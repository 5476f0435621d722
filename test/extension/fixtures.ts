import { vi } from 'vitest';
import { ADVISORY_CATEGORY, TICKETS_CATEGORY } from '../../contract/constants.js';
import type { Me, MyAdvisory, MyOrganization, Problem } from '../../contract/index.js';
import type { ApiClient, ApiFailure, ApiResult } from '../../extension/shared/api-client.js';

export const ok = <T>(value: T): ApiResult<T> => ({ ok: true, value });
export const fail = (error: ApiFailure): ApiResult<never> => ({ ok: false, error });
export const problem = (status: number, type = 'about:blank', title = 'Refused'): Problem => ({ type, title, status });

/**
 * Every method a vi.fn; unset ones answer as an unreachable server, so a forgotten stub is visible,
 * except sign-out, the muted tickets, the advisories and the recent emails (none), which every
 * options page and popup test would otherwise meet.
 */
export function stubApi(overrides: Partial<ApiClient> = {}) {
  const unreachable = () => Promise.resolve(fail({ kind: 'unreachable', problem: null }));
  return {
    requestCode: vi.fn<ApiClient['requestCode']>(unreachable),
    signIn: vi.fn<ApiClient['signIn']>(unreachable),
    getMe: vi.fn<ApiClient['getMe']>(unreachable),
    updatePreferences: vi.fn<ApiClient['updatePreferences']>(unreachable),
    updateMe: vi.fn<ApiClient['updateMe']>(unreachable),
    signOut: vi.fn<ApiClient['signOut']>(() => Promise.resolve(ok(null))),
    exportMyData: vi.fn<ApiClient['exportMyData']>(unreachable),
    eraseMe: vi.fn<ApiClient['eraseMe']>(unreachable),
    getMyOrganization: vi.fn<ApiClient['getMyOrganization']>(unreachable),
    updateOrganizationPolicy: vi.fn<ApiClient['updateOrganizationPolicy']>(unreachable),
    updateAdvisoryThreshold: vi.fn<ApiClient['updateAdvisoryThreshold']>(unreachable),
    updateTicketDelivery: vi.fn<ApiClient['updateTicketDelivery']>(unreachable),
    getMutedTickets: vi.fn<ApiClient['getMutedTickets']>(() => Promise.resolve(ok([]))),
    unmuteTicket: vi.fn<ApiClient['unmuteTicket']>(unreachable),
    getMyAdvisories: vi.fn<ApiClient['getMyAdvisories']>(() => Promise.resolve(ok({ items: [] }))),
    acknowledgeAdvisory: vi.fn<ApiClient['acknowledgeAdvisory']>(unreachable),
    recentMessages: vi.fn<ApiClient['recentMessages']>(() => Promise.resolve(ok({ items: [] }))),
    ...overrides,
  };
}

export function sampleMe(preferences: Me['preferences'] = { security: true, newsletter: true, events: false }): Me {
  return {
    contact: { id: 'c1', email: 'alex@client.example', name: 'Alex Martin', locale: 'en', organizationName: 'Client Co', orgLead: false },
    categories: [
      {
        key: 'security',
        label: { en: 'Security alerts', fr: 'Alertes de sécurité' },
        description: { en: 'Incidents that affect your systems.', fr: 'Incidents qui touchent vos systèmes.' },
        subscribedByDefault: true,
        required: true,
        basis: 'exempt',
      },
      {
        key: 'newsletter',
        label: { en: 'Monthly newsletter', fr: 'Lettre mensuelle' },
        description: { en: 'Tips and news, once a month.', fr: 'Conseils et nouvelles, une fois par mois.' },
        subscribedByDefault: true,
        required: false,
        basis: 'implied-relationship',
      },
      {
        key: 'events',
        label: { en: 'Events and webinars', fr: 'Événements et webinaires' },
        description: { en: 'Invitations to our sessions.', fr: 'Invitations à nos sessions.' },
        subscribedByDefault: false,
        required: false,
        basis: 'express',
      },
    ],
    preferences,
    locked: [],
    advisoryThreshold: 'all',
    ticketDelivery: 'immediate',
    consentWording: {
      version: 'extension@1',
      text: { en: 'Switching a category on is your express consent.', fr: 'Activer une catégorie constitue votre consentement exprès.' },
    },
    pending: [],
  };
}

/** sampleMe with the security advisories category, whose switch has the "Which advisories" choice under it. */
export function sampleMeWithAdvisories(advisoryThreshold: Me['advisoryThreshold'] = 'all', subscribed = true): Me {
  const me = sampleMe({ security: true, newsletter: true, events: false, [ADVISORY_CATEGORY]: subscribed });
  const advisories: Me['categories'][number] = {
    key: ADVISORY_CATEGORY,
    label: { en: 'Security advisories', fr: 'Avis de sécurité' },
    description: { en: 'Vulnerabilities that may affect you.', fr: 'Vulnérabilités qui peuvent vous toucher.' },
    subscribedByDefault: true,
    required: false,
    basis: 'implied-relationship',
  };
  return { ...me, categories: [...me.categories, advisories], advisoryThreshold };
}

/** sampleMe with the ticket updates category, whose switch has the "How often" choice under it. */
export function sampleMeWithTicketUpdates(ticketDelivery: Me['ticketDelivery'] = 'immediate', subscribed = true): Me {
  const me = sampleMe({ security: true, newsletter: true, events: false, [TICKETS_CATEGORY]: subscribed });
  const ticketUpdates: Me['categories'][number] = {
    key: TICKETS_CATEGORY,
    label: { en: 'Ticket updates', fr: 'Suivi des demandes' },
    description: { en: 'News about your support requests.', fr: 'Nouvelles de vos demandes de soutien.' },
    subscribedByDefault: true,
    required: false,
    basis: 'exempt',
  };
  return { ...me, categories: [...me.categories, ticketUpdates], ticketDelivery };
}

/** sampleMe's contact, named its organization's lead. */
export function sampleLead(): Me {
  const me = sampleMe();
  return { ...me, contact: { ...me.contact, orgLead: true } };
}

/**
 * What the lead of sampleMe's organization sees: newsletter (lockable) and events (express-only,
 * never lockable) in the policy; Alex, the lead, receives the newsletter, Sam, by email only, does not.
 */
export function sampleOrganization(newsletterLocked = false): MyOrganization {
  const lockedCategories = newsletterLocked ? ['newsletter'] : [];
  return {
    organization: { id: 'org-1', name: 'Client Co' },
    policy: { newsletter: { default: null, locked: newsletterLocked }, events: { default: null, locked: false } },
    staff: [
      { id: 'c1', name: 'Alex Martin', email: 'alex@client.example', orgLead: true, preferences: { security: true, newsletter: true, events: false }, lockedCategories },
      { id: 'c2', name: null, email: 'sam@client.example', orgLead: false, preferences: { security: true, newsletter: newsletterLocked, events: true }, lockedCategories },
    ],
  };
}

/** A critical advisory nobody at the organization acknowledged yet, in English; `changes` moves it along. */
export function sampleAdvisory(changes: Partial<MyAdvisory> = {}): MyAdvisory {
  return {
    id: 'ADV-2026-014',
    revision: 1,
    severity: 'critical',
    title: 'Patch the VPN gateway now',
    summary: 'A flaw in the gateway lets anyone in without a password.',
    language: 'en',
    publishedAt: '2026-11-30T14:05:00.000Z',
    asksApplied: true,
    read: null,
    applied: null,
    ...changes,
  };
}

/** A promise to resolve by hand, to see a state while a request is in flight. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
