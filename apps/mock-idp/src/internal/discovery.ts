import type { IdpContext } from './idp-context.js';

/** OIDC Discovery 1.0 §3 metadata, advertising only what is implemented. */
export function discoveryDocument(ctx: IdpContext): Record<string, unknown> {
  const base = ctx.issuer;
  return {
    issuer: ctx.issuer,
    authorization_endpoint: `${base}/authorize`,
    token_endpoint: `${base}/token`,
    userinfo_endpoint: `${base}/userinfo`,
    jwks_uri: `${base}/jwks`,
    revocation_endpoint: `${base}/revoke`,
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['ES256'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    code_challenge_methods_supported: ['S256'],
    claims_supported: [
      'iss',
      'sub',
      'aud',
      'exp',
      'iat',
      'auth_time',
      'nonce',
      'name',
      'email',
      'preferred_username',
    ],
    prompt_values_supported: ['none', 'login', 'select_account'],
    // RFC 9207 §3
    authorization_response_iss_parameter_supported: true,
  };
}
