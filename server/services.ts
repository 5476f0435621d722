import type { Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from './store/schema.js';
import type { Config } from './config/config.js';
import type { Store } from './store/db.js';
import type { Categories } from './consent/categories.js';
import { ConsentRecords } from './consent/consent.js';
import { Contacts } from './contacts/contacts.js';
import { Organizations } from './organizations/organizations.js';
import { ApiKeys } from './api-keys/api-keys.js';
import { WebhookEndpoints } from './events/webhook-endpoints.js';
import { EVENT_RETENTION_DAYS, EventLog } from './events/event-log.js';
import { EventDispatcher } from './events/event-dispatcher.js';
import { Tokens } from './tokens/tokens.js';
import { Outbox, type SenderIdentity } from './outbox/outbox.js';
import { Messages } from './messages/messages.js';
import { createComposer, linkBuilder } from './delivery/compose.js';
import { SendWorker } from './delivery/send-worker.js';
import type { Mailer } from './delivery/transport.js';
import type { Renderer } from './rendering/render.js';
import { FanOuts } from './advisories/fan-outs.js';
import { AdvisoryAcknowledgments } from './advisories/acknowledgments.js';
import { AdvisoryEscalations } from './advisories/escalations.js';
import { FanOutReports } from './advisories/fan-out-report.js';
import { SignInCodes } from './self-service/sign-in-codes.js';
import { SignInFailures } from './self-service/sign-in-failures.js';
import { Sessions } from './self-service/sessions.js';
import { SelfService } from './self-service/self-service.js';
import type { FieldCrypto } from './crypto/field-crypto.js';
import { ContactCodec } from './contacts/contact-codec.js';
import { SuppressionList } from './consent/suppressions.js';
import { AuditLog } from './privacy/audit-log.js';
import { DataExport } from './privacy/data-export.js';
import { Erasure } from './privacy/erasure.js';
import { EvidencePacks } from './privacy/evidence.js';
import { completeSystemEmails } from './delivery/system-emails.js';
import { expireRateLimits, rateLimitStores } from './http/rate-limit-stores.js';
import type { Expire, RetentionPolicy } from './privacy/retention.js';
import { AfterAnswer } from './after-answer.js';
import { systemClock, type Clock } from './consent/clock.js';
import { ConsentWordings } from './consent/consent-wordings.js';
import { ConsentRequests } from './consent/consent-requests.js';
import { ImpliedConsent } from './consent/implied-consent.js';
import { OrganizationPolicies } from './consent/organization-policy.js';
import { CoverageGuard } from './consent/coverage.js';
import { TicketMutes } from './tickets/ticket-mutes.js';
import { TicketDigests } from './tickets/ticket-digests.js';
import { formatDate } from './rendering/format.js';
import { StaffAccounts } from './staff/staff-accounts.js';
import { Passkeys } from './staff/passkeys.js';
import { StaffSessions } from './staff/staff-sessions.js';
import { StaffConsole } from './staff/staff-console.js';
import { StaffSecondFactors } from './staff/second-factors.js';
import { StaffSso } from './staff/sso.js';
import { SsoLogins } from './staff/sso-logins.js';
import { openIdClient } from './staff/oidc-client.js';
import { createAdvisoryTests } from './advisories/advisory-tests.js';
import { MessageReferences } from './deliverability/message-references.js';
import { DeliveryFeedback } from './deliverability/delivery-feedback.js';
import { relayHeaders } from './deliverability/relays/relay-headers.js';
import { createMetrics } from './http/metrics.js';
import { LINK_PAGE_ACTIONS } from './pages/page-actions.js';

export interface ServiceDeps {
  config: Config;
  store: Store;
  categories: Categories;
  logger: Logger;
  renderer: Renderer;
  mailer: Mailer;
  /** Opened once the store is migrated (it keeps its hashing key there). */
  fieldCrypto: FieldCrypto;
  /** The time consent lapses and renewals are counted by (tests run years in milliseconds). */
  clock?: Clock;
}

/** The one composition root of the domain services, shared by the HTTP server and the worker. */
export function createServices(deps: ServiceDeps) {
  const { config, store, categories, logger } = deps;
  const { db, dialect } = store;
  // One registry per process, whatever serves it: `GET /metrics`, METRICS_PORT, or both.
  const metrics = createMetrics({
    processMetrics: config.metricsToken !== null || config.metricsPort !== null,
    vocabulary: { linkPageActions: LINK_PAGE_ACTIONS },
  });
  const eventLog = new EventLog(db, dialect);
  const consent = new ConsentRecords(categories, dialect, eventLog);
  const organizations = new Organizations(db);
  const suppressions = new SuppressionList(db, deps.fieldCrypto);
  const outbox = new Outbox(db, dialect, deps.fieldCrypto, eventLog);
  const clock = deps.clock ?? systemClock;
  const wordings = new ConsentWordings();
  const consentRequests = new ConsentRequests({ db, consent, outbox, wordings, categories, clock, brandName: config.brand.name, formatDate });
  const impliedConsent = new ImpliedConsent(db, consent, organizations, consentRequests, clock);
  const organizationPolicies = new OrganizationPolicies(db, consent, categories);
  const ticketMutes = new TicketMutes(db);
  const ticketDigests = new TicketDigests(db, deps.fieldCrypto, outbox, clock);
  const auditLog = new AuditLog(db);
  const coverage = new CoverageGuard({ db, categories, outbox, audit: (entry, trx) => auditLog.record(entry, trx), events: eventLog });
  consent.observe((trx, contactId, changed, at) => coverage.afterChange(trx, contactId, changed, at));
  const tokens = new Tokens(config.tokenSecrets, config.linkTtlDays);
  const codes = new SignInCodes(db, deps.fieldCrypto.derivedKey('sign-in-code'), new SignInFailures(db, dialect));
  const sessions = new Sessions(db, tokens);
  const signInAccess = {
    revokeAll: async (contactId: string, trx: Transaction<Database>) => {
      await sessions.revokeAll(contactId, trx);
      await codes.discard(contactId, trx);
    },
  };
  const contacts = new Contacts(db, organizations, consent, categories, new ContactCodec(deps.fieldCrypto), suppressions, outbox, signInAccess, consentRequests, eventLog);
  const apiKeys = new ApiKeys(db, config.adminApiKey);
  const outboundPolicy = { production: config.production, allowedInternalHosts: config.webhookInternalHosts };
  const webhookEndpoints = new WebhookEndpoints({
    db,
    crypto: deps.fieldCrypto,
    policy: outboundPolicy,
    changed: () => eventLog.endpointsChanged(),
    disabledForFailures: (trx, id, reason) => auditLog.record({ keyId: null, action: 'webhook endpoint disabled', target: id, outcome: 200, requestId: null, detail: reason }, trx),
  });
  const acknowledgments = new AdvisoryAcknowledgments(
    db,
    async (ids) => new Map([...(await contacts.recipients(ids))].map(([id, c]) => [id, c.name])),
    clock,
    eventLog,
  );
  const dataExport = new DataExport(db, contacts, organizations, consent, outbox, (contactId) => acknowledgments.ofContact(contactId));
  const erasure = new Erasure(db, dialect, contacts, consent, suppressions, outbox, deps.fieldCrypto, coverage, eventLog);
  const links = linkBuilder(config.publicUrl, tokens);
  const fanOuts = new FanOuts(db, dialect, categories, outbox, deps.renderer);
  const fanOutReports = new FanOutReports(db, acknowledgments);
  const references = new MessageReferences(deps.fieldCrypto.derivedKey('message-reference'), config.bounceDomain);
  const composer = createComposer({
    renderer: deps.renderer,
    links,
    from: config.mailFrom,
    feedbackSenderId: config.feedbackSenderId,
    returnPath: { envelopeFrom: (messageId) => references.envelopeFrom(messageId), headers: (messageId) => relayHeaders(config.relayWebhooks, references.reference(messageId)) },
  });
  const completeData = completeSystemEmails({
    codeFor: (codeId) => codes.codeFor(codeId),
    preferencesUrl: (contactId) => links.preferencesUrl(contactId),
    exportOf: (contactId) => dataExport.of(contactId),
    consentRequest: async (requestId) => {
      const request = await consentRequests.forEmail(requestId);
      if (!request) return null;
      return {
        data: {
          url: links.confirmUrl(request.contactId, request.id, Date.parse(request.expiresAt)),
          statement: { en: consentRequests.statement(request, 'en'), fr: consentRequests.statement(request, 'fr') },
          ...(request.kind === 'reconfirmation' ? { lapsesAt: request.lapsesAt } : { expiresAt: request.expiresAt }),
        },
      };
    },
  });
  const identities = new Map<string, Promise<string>>();
  const sendingEvidence = {
    senderIdentity: (unsubscribe: SenderIdentity['unsubscribe']) => {
      let id = identities.get(unsubscribe);
      if (!id) {
        id = outbox.identify({
          from: config.mailFrom,
          postalAddress: config.brand.postalAddress,
          unsubscribe,
          linksValidDays: unsubscribe === 'none' ? null : config.linkTtlDays,
        });
        identities.set(unsubscribe, id);
        id.catch(() => identities.delete(unsubscribe));
      }
      return id;
    },
    sent: (template: string, contactId: string) => impliedConsent.renewOnSent(template, contactId),
  };
  const worker = new SendWorker(
    {
      queue: outbox,
      fanOuts,
      audience: {
        recipients: (ids) => contacts.recipients(ids),
        consent: (ids) => consent.statesOf(db, ids),
        category: (key) => categories.get(key),
      },
      suppressions,
      composer,
      completeData,
      mailer: deps.mailer,
      evidence: sendingEvidence,
      mutes: ticketMutes,
      digests: ticketDigests,
      metrics: metrics.sending,
      logger: logger.child({ component: 'worker' }),
    },
    {
      concurrency: config.sendConcurrency,
      ratePerSecond: config.sendRate,
      maxAttempts: config.sendMaxAttempts,
      retryBaseMs: config.sendRetryBaseMs,
      leaseMs: config.sendLeaseMs,
    },
  );
  const dispatcher = new EventDispatcher(
    { dialect, crypto: deps.fieldCrypto, endpoints: webhookEndpoints, events: eventLog, policy: outboundPolicy, logger: logger.child({ component: 'events' }), metrics: metrics.webhooks },
    { pollMs: 500, retryBaseMs: config.webhookRetryBaseMs, timeoutMs: config.webhookTimeoutMs, leaseMs: Math.max(config.sendLeaseMs, config.webhookTimeoutMs * 2 + 2_000) },
  );
  const messages = new Messages(db, outbox, consent, categories, contacts, suppressions, deps.renderer, () => worker.notify());
  const escalations = new AdvisoryEscalations(db, fanOuts, (entry, trx) => auditLog.record(entry, trx), clock, config.advisoryEscalateAfterMs, logger.child({ component: 'escalations' }), () => worker.notify());
  const evidence = new EvidencePacks({ db, contacts, organizations, consent, consentRequests, outbox, wordings, categories, retention: config.retention });
  const evidencePage = { brandName: config.brand.name, wordings, category: (key: string) => categories.get(key) };
  const staffAccounts = new StaffAccounts(db, deps.fieldCrypto);
  const publicUrl = new URL(config.publicUrl);
  const staffSessions = new StaffSessions(db, deps.fieldCrypto.derivedKey('console-csrf'), clock);
  const passkeys = new Passkeys(db, { id: publicUrl.hostname, name: `${config.brand.name} console`, origin: publicUrl.origin });
  const staffSecondFactors = new StaffSecondFactors(db, deps.fieldCrypto, clock, `${config.brand.name} console`);
  const staffConsole = new StaffConsole(staffAccounts, passkeys, staffSessions, staffSecondFactors, (entry) => auditLog.record(entry));
  const staffSso = config.oidc
    ? new StaffSso(
        config.oidc,
        openIdClient({ ...config.oidc, redirectUri: `${config.publicUrl}/console/sso/callback`, allowHttp: !config.production }),
        new SsoLogins(db, deps.fieldCrypto),
        staffAccounts,
        passkeys,
        staffSecondFactors,
        (staffId) => staffConsole.startSession(staffId),
        (entry) => auditLog.record(entry),
      )
    : null;
  const sampleLink = `${config.publicUrl}/links/sample`;
  const advisoryTests = createAdvisoryTests({
    fanOuts,
    addressOf: async (callerId) => (callerId.startsWith('staff:') ? ((await staffAccounts.get(callerId.slice('staff:'.length)))?.email ?? null) : null),
    send: (mail) => deps.mailer.send(mail),
    from: config.mailFrom,
    previewLink: sampleLink,
  });
  const deliveryFeedback = new DeliveryFeedback({
    db,
    metrics: metrics.feedback,
    suppressions,
    clock,
    events: eventLog,
    recipientOf: async (contactId, trx) => {
      const contact = await contacts.opened(contactId, trx);
      return contact ? { email: contact.email, organizationId: contact.organizationId } : null;
    },
    withdrawAfterComplaint: (contactId, trx, at) => consent.withdrawLeavable(trx, contactId, { source: 'complaint', at }),
  });
  const afterAnswer = new AfterAnswer((error) => logger.error({ err: error }, 'work after an answer failed'));
  const selfService = new SelfService({
    db,
    contacts,
    organizations,
    categories,
    messages,
    codes,
    sessions,
    emailIndex: (email) => deps.fieldCrypto.emailIndex(email),
    afterAnswer,
    dataExport,
    erasure,
    wordings,
    requests: consentRequests,
    brandName: config.brand.name,
    policies: organizationPolicies,
    mutes: ticketMutes,
    audit: (entry) => auditLog.record(entry),
    outbox,
  });
  return {
    categories,
    consent,
    wordings,
    consentRequests,
    impliedConsent,
    organizationPolicies,
    coverage,
    ticketMutes,
    ticketDigests,
    clock,
    organizations,
    contacts,
    suppressions,
    apiKeys,
    webhookEndpoints,
    tokens,
    links,
    outbox,
    fanOuts,
    acknowledgments,
    escalations,
    fanOutReports,
    advisoryTests,
    sampleLink,
    references,
    deliveryFeedback,
    staffAccounts,
    staffSessions,
    staffConsole,
    staffSso,
    composer,
    messages,
    selfService,
    auditLog,
    dataExport,
    erasure,
    evidence,
    evidencePage,
    afterAnswer,
    fieldCrypto: deps.fieldCrypto,
    rateLimits: rateLimitStores(db, dialect, deps.fieldCrypto.derivedKey('rate-limit')),
    worker,
    dispatcher,
    eventLog,
    metrics,
    mailer: deps.mailer,
    renderer: deps.renderer,
  };
}

export type Services = ReturnType<typeof createServices>;

/** What each table's owner keeps, and for how long: the retention job's work (privacy/retention.ts). */
export function retentionOwners(policy: RetentionPolicy) {
  return {
    messages: (trx, clock) => Outbox.expireLog(trx, clock.daysAgo(policy.messageLogDays)),
    signInCodes: (trx, clock) => SignInCodes.expire(trx, clock.now),
    sessions: (trx, clock) => Sessions.expire(trx, clock.now),
    signInFailures: (trx, clock) => SignInFailures.expire(trx, clock.now, clock.daysAgo(1)),
    consentHistory: (trx, clock) => ConsentRecords.expireHistory(trx, clock.daysAgo(policy.consentHistoryDays)),
    consentRequests: (trx, clock) => ConsentRequests.expire(trx, clock.daysAgo(30), clock.daysAgo(policy.consentHistoryDays)),
    auditLog: (trx, clock) => AuditLog.expire(trx, clock.daysAgo(policy.auditLogDays)),
    events: (trx, clock) => EventLog.expire(trx, clock.daysAgo(EVENT_RETENTION_DAYS)),
    rateLimits: (trx, clock) => expireRateLimits(trx, clock.now),
    staffSessions: (trx, clock) => StaffSessions.expire(trx, clock.now),
    staffSsoLogins: (trx, clock) => SsoLogins.expire(trx, clock.now),
  } satisfies Record<string, Expire>;
}
