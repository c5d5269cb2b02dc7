import * as z from 'zod';
import { listenAddressProblem } from '../../listen-address.js';
import { checkedString } from './primitives.js';
import { strictObject } from './strict-object.js';

/** Prometheus metrics of the reference server (apps/server README, "Metrics"). */
export const metricsSchema = strictObject({
  enabled: z.boolean().default(true).meta({ description: 'Whether Prometheus metrics are served.' }),
  path: z
    .string()
    .regex(/^\/[A-Za-z0-9._~/-]*$/, {
      error: 'must be a path starting with "/" (letters, digits, . _ ~ - /)',
    })
    .default('/metrics')
    .meta({ description: 'Path of the Prometheus text exposition.' }),
  listen: checkedString(listenAddressProblem).optional().meta({
    description:
      'HOST:PORT of a separate listener serving only the metrics (e.g. 0.0.0.0:9464, reachable by Prometheus, not routed by the load balancer). Absent: the main listener serves them when the issuer is on loopback; otherwise they are not served.',
  }),
})
  .prefault({})
  .meta({ description: 'Prometheus metrics of the reference server.' });
