import type { RequestListener } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';

/** A self-signed certificate and its key (PEM), valid for the given names and addresses. */
export interface TestCertificate {
  cert: string;
  key: string;
}

/**
 * A fresh self-signed P-256 certificate for `hosts` (names become DNS SANs, IP literals IP SANs),
 * valid for a day; trust it by passing `cert` as a CA (or in `NODE_EXTRA_CA_CERTS`).
 */
export async function testCertificate(
  hosts: readonly string[] = ['localhost', '127.0.0.1', '::1'],
): Promise<TestCertificate> {
  const altNames = hosts.map((host) =>
    /^[\d.]+$|:/.test(host) ? { type: 7 as const, ip: host } : { type: 2 as const, value: host },
  );
  const now = Date.now();
  const pems = await generate([{ name: 'commonName', value: hosts[0] ?? 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now - 60_000),
    notAfterDate: new Date(now + 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

/** An https server on loopback, with the certificate a client must trust. */
export interface ListeningTls {
  /** `https://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  port: number;
  /** The server's self-signed certificate (PEM): the CA its clients trust. */
  cert: string;
  close(): Promise<void>;
}

/** Starts `handler` over TLS on 127.0.0.1, port 0, with `certificate` or a fresh {@link testCertificate}. */
export async function listenTls(
  handler: RequestListener,
  options: { certificate?: TestCertificate } = {},
): Promise<ListeningTls> {
  const certificate = options.certificate ?? (await testCertificate());
  const server = createServer({ cert: certificate.cert, key: certificate.key }, handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    cert: certificate.cert,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
