// The types of the wire contract, inferred from its schemas: what requests send (input) and what
// answers hold (output). The extension imports these as types only.
import type { z } from 'zod';
import type * as s from './schemas.js';

export type Problem = z.output<typeof s.problem>;
export type Organization = z.output<typeof s.organization>;
export type OrganizationPolicy = z.output<typeof s.organizationPolicy>;
export type Preferences = z.output<typeof s.preferences>;
export type CategoryInfo = z.output<typeof s.categoryInfo>;
export type Contact = z.output<typeof s.contact>;
export type ConsentHistoryEntry = z.output<typeof s.consentHistoryEntry>;
export type ConsentWording = z.output<typeof s.consentWording>;
export type Evidence = z.output<typeof s.evidence>;
export type OrganizationEvidence = z.output<typeof s.organizationEvidence>;
export type ConsentSetting = z.output<typeof s.consentSetting>;
export type ImportReport = z.output<typeof s.importReport>;
export type MyDataExport = z.output<typeof s.myDataExport>;
export type ErasureReceipt = z.output<typeof s.erasureReceipt>;
export type AuditPage = z.output<typeof s.auditPage>;
export type AuditEntry = AuditPage['items'][number];
export type MessageAccepted = z.output<typeof s.messageAccepted>;
export type MessageState = z.output<typeof s.messageState>;
export type AdvisoryCreate = z.output<typeof s.advisoryCreate>;
export type AdvisoryAccepted = z.output<typeof s.advisoryAccepted>;
export type ServiceAlertCreate = z.output<typeof s.serviceAlertCreate>;
export type ServiceAlertAccepted = z.output<typeof s.serviceAlertAccepted>;
export type TextInBothLanguages = z.output<typeof s.textInBothLanguages>;
export type DeliveryCounts = z.output<typeof s.deliveryCounts>;
export type FanOutReport = z.output<typeof s.fanOutReport>;
export type FanOutList = z.output<typeof s.fanOutList>;
export type MyAdvisory = z.output<typeof s.myAdvisory>;
export type MyAdvisories = z.output<typeof s.myAdvisories>;

export type SignInCodeRequest = z.input<typeof s.signInCodeRequest>;
export type SignInCodeSent = z.output<typeof s.signInCodeSent>;
export type SessionRequest = z.input<typeof s.sessionRequest>;
export type Session = z.output<typeof s.session>;
export type Me = z.output<typeof s.me>;
export type MyOrganization = z.output<typeof s.myOrganization>;
export type Coverage = z.output<typeof s.coverage>;
export type MutedTickets = z.output<typeof s.mutedTickets>;
export type OrganizationPolicyUpdate = z.input<typeof s.organizationPolicyUpdate>;
export type MeUpdate = z.input<typeof s.meUpdate>;
export type AcknowledgmentCreate = z.input<typeof s.acknowledgmentCreate>;
export type StaffMember = z.output<typeof s.staffMember>;
export type ConsoleSession = z.output<typeof s.consoleSession>;
export type PasskeyChallenge = z.output<typeof s.passkeyChallenge>;
export type QueueStats = z.output<typeof s.queueStats>;
