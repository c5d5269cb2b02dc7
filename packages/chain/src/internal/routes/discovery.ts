import { endpoint, type ServerContext } from '../context.js';

/** Authorization server metadata (RFC 8414 §2, OIDC Discovery §3): only what is implemented. */
export function serverMetadata(ctx: ServerContext): Record<string, unknown> {
  return {
    issuer: ctx.issuer,
    authorization_endpoint: endpoint(ctx, '/oauth/authorize'),
    token_endpoint: endpoint(ctx, '/oauth/token'),
    jwks_uri: endpoint(ctx, '/.well-known/jwks.json'),
    ...(ctx.registration ? { registration_endpoint: endpoint(ctx, '/oauth/register') } : {}),
    // draft-ietf-oauth-client-id-metadata-document §5 (MCP 2025-11-25: clients prefer it to registration).
    ...(ctx.metadataDocuments.enabled ? { client_id_metadata_document_supported: true } : {}),
    revocation_endpoint: endpoint(ctx, '/oauth/revoke'),
    introspection_endpoint: endpoint(ctx, '/oauth/introspect'),
    userinfo_endpoint: endpoint(ctx, '/oauth/userinfo'),
    scopes_supported: ctx.scopesSupported,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    token_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
    revocation_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    code_challenge_methods_supported: ['S256'],
    authorization_response_iss_parameter_supported: true,
    // OIDC Core §6 / RFC 9101: answered with request_not_supported / request_uri_not_supported.
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    subject_types_supported: ['public'],
    // OIDC Discovery §3: RS256 MUST be listed; the signing key's algorithm comes first.
    id_token_signing_alg_values_supported: [...ctx.keys.idTokenKeys.keys()],
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'name', 'email'],
    // The OIDC Core §3.1.2.1 values honoured (metadata from OpenID Connect's Initiating User
    // Registration spec): none is answered login_required, login reaches every upstream, consent
    // shows the consent page again.
    prompt_values_supported: ['none', 'login', 'consent'],
  };
}
