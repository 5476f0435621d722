import * as openid from 'openid-client';
import { DomainError } from '../errors.js';

/** What one login sends the IdP and checks its answer against. */
export interface LoginChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** The IdP as single sign-on needs it: where to send the browser, and the checked claims of its answer. */
export interface OidcClient {
  authorizationUrl(checks: LoginChecks): Promise<string>;
  /**
   * Exchanges the callback's code (PKCE) and checks the ID token — signature, issuer, audience,
   * expiry, nonce — and the state; the token's claims. Throws `idp-refused` or `idp-unavailable`.
   */
  claims(callbackUrl: URL, checks: LoginChecks): Promise<Record<string, unknown>>;
}

export interface OidcClientSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** An `http:` issuer: development and tests only (production requires https). */
  allowHttp: boolean;
}

export const idpUnavailable = () =>
  new DomainError('upstream', 'idp-unavailable', 'The identity provider does not answer.', 'Try again in a minute, or sign in with a passkey.');
export const idpRefused = (detail: string) => new DomainError('unauthorized', 'idp-refused', 'Single sign-on refused.', detail);

/** A network failure or a timeout, as opposed to an answer the IdP gave. */
const unreachable = (error: unknown) =>
  (error instanceof TypeError && /fetch failed/i.test(error.message)) ||
  (error instanceof openid.ClientError && ['OAUTH_TIMEOUT', 'OAUTH_ABORT'].includes(error.code ?? ''));

/**
 * `openid-client` behind the OidcClient seam. Discovery runs on first use and is kept (tried
 * again after a failure), so the server starts even while the IdP is unreachable.
 */
export function openIdClient(settings: OidcClientSettings): OidcClient {
  let configuration: Promise<openid.Configuration> | null = null;
  const configured = () => {
    configuration ??= openid.discovery(new URL(settings.issuer), settings.clientId, settings.clientSecret, undefined, {
      timeout: 10,
      ...(settings.allowHttp ? { execute: [openid.allowInsecureRequests] } : {}),
    });
    configuration.catch(() => (configuration = null));
    return configuration.catch(() => {
      throw idpUnavailable();
    });
  };
  return {
    async authorizationUrl({ state, nonce, codeVerifier }) {
      const config = await configured();
      return openid
        .buildAuthorizationUrl(config, {
          redirect_uri: settings.redirectUri,
          scope: 'openid email profile',
          response_type: 'code',
          state,
          nonce,
          code_challenge: await openid.calculatePKCECodeChallenge(codeVerifier),
          code_challenge_method: 'S256',
        })
        .toString();
    },
    async claims(callbackUrl, { state, nonce, codeVerifier }) {
      const config = await configured();
      try {
        const tokens = await openid.authorizationCodeGrant(config, callbackUrl, { expectedState: state, expectedNonce: nonce, pkceCodeVerifier: codeVerifier, idTokenExpected: true });
        const claims = tokens.claims();
        if (!claims) throw idpRefused('The identity provider sent no ID token.');
        return claims as Record<string, unknown>;
      } catch (error) {
        if (error instanceof DomainError) throw error;
        if (unreachable(error)) throw idpUnavailable();
        throw idpRefused(error instanceof Error ? error.message : 'The identity provider’s answer did not check out.');
      }
    },
  };
}
