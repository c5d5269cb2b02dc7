/** Error codes of an authorization response (RFC 6749 §4.1.2.1). */
export type AuthorizationErrorCode =
  | 'invalid_request'
  | 'unauthorized_client'
  | 'access_denied'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'server_error'
  | 'temporarily_unavailable';

/** Error codes of a token endpoint response (RFC 6749 §5.2). */
export type TokenErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope';

/** Error codes of a protected resource's Bearer challenge (RFC 6750 §3.1). */
export type BearerErrorCode = 'invalid_request' | 'invalid_token' | 'insufficient_scope';

/** Error codes of dynamic client registration (RFC 7591 §3.2.2). */
export type RegistrationErrorCode =
  | 'invalid_redirect_uri'
  | 'invalid_client_metadata'
  | 'invalid_software_statement'
  | 'unapproved_software_statement';

/** Error codes an OpenID Provider adds to the authorization response (OIDC Core §3.1.2.6). */
export type OpenIdAuthorizationErrorCode =
  | 'interaction_required'
  | 'login_required'
  | 'account_selection_required'
  | 'consent_required'
  | 'invalid_request_uri'
  | 'invalid_request_object'
  | 'request_not_supported'
  | 'request_uri_not_supported'
  | 'registration_not_supported';

/**
 * Every OAuth `error` value the gateway sends or understands: the codes above, plus
 * `unsupported_token_type` (revocation, RFC 7009 §2.2.1) and `invalid_target` (resource
 * indicators, RFC 8707 §2).
 */
export type OAuthErrorCode =
  | AuthorizationErrorCode
  | TokenErrorCode
  | BearerErrorCode
  | RegistrationErrorCode
  | OpenIdAuthorizationErrorCode
  | 'unsupported_token_type'
  | 'invalid_target';
