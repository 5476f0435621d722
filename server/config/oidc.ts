import { ROLES, type Role } from '../../contract/index.js';

/** Single sign-on for staff by OpenID Connect (server/staff/sso.ts); off unless OIDC_ISSUER is set. */
export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The ID token claim holding the IdP's roles (Entra ID's app roles: `roles`); a string or an array. */
  roleClaim: string;
  /** The IdP's role values → console roles. */
  roleMap: ReadonlyMap<string, Role>;
  /** The IdP's name on the sign-in button ("Sign in with <label>"); null: the console's own words for single sign-on. */
  label: string | null;
  /** `amr` values that count as a multi-factor sign-in at the IdP (none: always confirm here). */
  mfaAmr: readonly string[];
}

export interface OidcEnv {
  OIDC_ISSUER?: string | undefined;
  OIDC_CLIENT_ID?: string | undefined;
  OIDC_CLIENT_SECRET?: string | undefined;
  OIDC_ROLE_CLAIM: string;
  OIDC_ROLE_MAP?: string | undefined;
  OIDC_LABEL?: string | undefined;
  OIDC_MFA_AMR: string;
}

const list = (value: string) =>
  value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);

/** `Console.Admin=admin,Console.Support=support`: each IdP value once, each role one of ours. */
function parseRoleMap(value: string, problems: string[]): Map<string, Role> {
  const map = new Map<string, Role>();
  for (const entry of list(value)) {
    const at = entry.lastIndexOf('=');
    const claim = entry.slice(0, at).trim();
    const role = entry.slice(at + 1).trim();
    if (at <= 0 || !claim) problems.push(`OIDC_ROLE_MAP: "${entry}" is not claim-value=role`);
    else if (!ROLES.includes(role as Role)) problems.push(`OIDC_ROLE_MAP: "${role}" is not a role (${ROLES.join(', ')})`);
    else if (map.has(claim)) problems.push(`OIDC_ROLE_MAP: "${claim}" is mapped twice`);
    else map.set(claim, role as Role);
  }
  if (!map.size && !problems.some((p) => p.startsWith('OIDC_ROLE_MAP'))) problems.push('OIDC_ROLE_MAP maps no role');
  return map;
}

/** The single sign-on settings, or null when OIDC_ISSUER is not set; every problem is pushed to `problems`. */
export function oidcConfig(e: OidcEnv, production: boolean, problems: string[]): OidcConfig | null {
  if (!e.OIDC_ISSUER) {
    const stray = (['OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'OIDC_ROLE_MAP'] as const).filter((key) => e[key]);
    if (stray.length) problems.push(`${stray.join(', ')} set without OIDC_ISSUER: single sign-on needs its issuer`);
    return null;
  }
  for (const key of ['OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'OIDC_ROLE_MAP'] as const) {
    if (!e[key]) problems.push(`${key} is required with OIDC_ISSUER`);
  }
  if (production && !e.OIDC_ISSUER.startsWith('https:')) problems.push('OIDC_ISSUER must be https: in production');
  const roleMap = e.OIDC_ROLE_MAP ? parseRoleMap(e.OIDC_ROLE_MAP, problems) : new Map<string, Role>();
  return {
    issuer: e.OIDC_ISSUER,
    clientId: e.OIDC_CLIENT_ID ?? '',
    clientSecret: e.OIDC_CLIENT_SECRET ?? '',
    roleClaim: e.OIDC_ROLE_CLAIM,
    roleMap,
    label: e.OIDC_LABEL ?? null,
    // Empty: the IdP's word is never enough, every sign-in is confirmed here.
    mfaAmr: list(e.OIDC_MFA_AMR),
  };
}
