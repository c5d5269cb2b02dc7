/**
 * RFC 6749 §2.3.1: `client_secret_basic` when a secret is set (id and secret
 * form-urlencoded, then Base64 in `Authorization: Basic`); otherwise a public
 * client sends only `client_id` in the body (§3.2.1, `none` in RFC 7591 terms).
 */
export function applyClientAuthentication(
  clientId: string,
  clientSecret: string | undefined,
  headers: Headers,
  body: URLSearchParams,
): void {
  if (clientSecret === undefined) {
    body.set('client_id', clientId);
    return;
  }
  const credentials = `${formUrlEncode(clientId)}:${formUrlEncode(clientSecret)}`;
  headers.set('authorization', `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`);
}

function formUrlEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}
