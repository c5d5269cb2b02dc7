/** The loopback ports of the demo's parts. */
export interface DemoPorts {
  gateway: number;
  client: number;
  corp: number;
  github: number;
  corpBackend: number;
  githubBackend: number;
  /** The MCP backends behind the aggregate route `/mcp`. */
  corpMcp: number;
  githubMcp: number;
}

/** The ports `examples/two-upstreams.yaml` names, which `npm start` uses. */
export const DEFAULT_PORTS: Readonly<DemoPorts> = {
  gateway: 8080,
  client: 8090,
  corp: 9001,
  github: 9002,
  corpBackend: 9101,
  githubBackend: 9102,
  corpMcp: 9111,
  githubMcp: 9112,
};

/**
 * Reads `DEMO_PORTS` (`gateway=18080,client=18090,…`, any subset), for running the demo beside
 * another one or in a test on free ports.
 *
 * @throws {Error} on an unknown part or a port that is not 1 to 65535.
 */
export function parseDemoPorts(text: string | undefined): Partial<DemoPorts> {
  const ports: Partial<DemoPorts> = {};
  for (const entry of (text ?? '').split(',').filter((item) => item.trim() !== '')) {
    const [name = '', value = ''] = entry.split('=').map((part) => part.trim());
    if (!(name in DEFAULT_PORTS)) throw new Error(`DEMO_PORTS: unknown part "${name}"`);
    const port = Number(value);
    if (!/^\d+$/.test(value) || port < 1 || port > 65_535)
      throw new Error(`DEMO_PORTS: ${name} must be a port from 1 to 65535`);
    ports[name as keyof DemoPorts] = port;
  }
  return ports;
}

/** The example config's text with each default loopback port replaced by the one in use. */
export function withPorts(configText: string, ports: DemoPorts): string {
  const byDefault = new Map(
    (Object.keys(DEFAULT_PORTS) as Array<keyof DemoPorts>).map((name) => [DEFAULT_PORTS[name], ports[name]]),
  );
  return configText.replace(
    /127\.0\.0\.1:(\d+)\b/g,
    (_whole, port: string) => `127.0.0.1:${byDefault.get(Number(port)) ?? port}`,
  );
}
