import type { ComponentType } from 'preact';
import type { Role } from '../contract/index.js';
import type { PageProps } from './page.js';
import type { ConsoleStrings } from './strings.js';
import { Dashboard } from './pages/dashboard.js';
import { Advisories } from './pages/advisories.js';
import { Security } from './pages/security.js';
import { Audit } from './pages/audit.js';
import { Staff } from './pages/staff.js';
import { ApiKeys } from './pages/api-keys.js';
import { Contacts } from './pages/contacts.js';
import { Organizations } from './pages/organizations.js';
import { Suppressions } from './pages/suppressions.js';
import { Webhooks } from './pages/webhooks.js';

/** The console's pages: where each lives, its name in the menu, and which roles see it (admin sees all). */
export interface ConsolePage {
  path: string;
  label: (t: ConsoleStrings) => string;
  roles: Role[];
  component: ComponentType<PageProps>;
}

export const PAGES: ConsolePage[] = [
  { path: '/console', label: (t) => t.navDashboard, roles: ['support', 'sender'], component: Dashboard },
  { path: '/console/advisories', label: (t) => t.navAdvisories, roles: ['sender'], component: Advisories },
  { path: '/console/contacts', label: (t) => t.navContacts, roles: ['support'], component: Contacts },
  { path: '/console/organizations', label: (t) => t.navOrganizations, roles: ['support', 'sender'], component: Organizations },
  { path: '/console/suppressions', label: (t) => t.navSuppressions, roles: ['support'], component: Suppressions },
  { path: '/console/security', label: (t) => t.navSecurity, roles: ['support', 'sender'], component: Security },
  { path: '/console/audit', label: (t) => t.navAudit, roles: [], component: Audit },
  { path: '/console/staff', label: (t) => t.navStaff, roles: [], component: Staff },
  { path: '/console/api-keys', label: (t) => t.navApiKeys, roles: [], component: ApiKeys },
  { path: '/console/webhooks', label: (t) => t.navWebhooks, roles: [], component: Webhooks },
];

export const visibleTo = (role: Role) => PAGES.filter((page) => role === 'admin' || page.roles.includes(role));
