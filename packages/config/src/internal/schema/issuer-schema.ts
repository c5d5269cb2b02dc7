import { issuerProblem } from '@auth/protocol';
import { checkedString } from './primitives.js';

export const issuerSchema = checkedString(issuerProblem, 'uri').meta({
  description:
    'Issuer identifier of the gateway (RFC 8414): https, or http on a loopback host; no query, fragment or trailing slash.',
});
