#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { checkCommand } from './commands/check-command.js';
import type { RunningServer } from './commands/serve-command.js';

const USAGE = `Usage:
  auth-server serve --config FILE [--listen HOST:PORT] [--log-level LEVEL] [--log-format json|pretty]
  auth-server check --config FILE
  auth-server --help | --version

Commands:
  serve   run the gateway: authorization server, protected routes, health
  check   validate a configuration file and print what it configures

Options:
  -c, --config FILE     the YAML configuration (see examples/ and docs/)
  --listen HOST:PORT    where to listen, plain HTTP (or AUTH_SERVER_LISTEN, or the
                        config's server.listen); default: the issuer's port on
                        127.0.0.1 for a loopback issuer, 0.0.0.0 otherwise
  --port N              this port on the default host (tests); not with --listen
  --log-level LEVEL     trace, debug, info (default; or LOG_LEVEL), warn, error
  --log-format FORMAT   json (default; or LOG_FORMAT): one JSON object per line;
                        pretty: short human lines, for a terminal
  -h, --help            this text
  -v, --version         the version of @auth/server
`;

/** The package's version, read from its package.json (one level above both src/ and dist/). */
function version(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}

async function main(argv: string[]): Promise<number> {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
    process.stdout.write(`auth-server ${version()}\n`);
    return 0;
  }
  if (argv[0] === 'help' || argv[0] === '--help' || argv[0] === '-h') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (argv.length === 0) {
    process.stderr.write(USAGE);
    return 2;
  }
  const [command, ...rest] = argv;
  let values: {
    config?: string | undefined;
    port?: string | undefined;
    listen?: string | undefined;
    'log-level'?: string | undefined;
    'log-format'?: string | undefined;
    help?: boolean | undefined;
  };
  try {
    ({ values } = parseArgs({
      args: rest,
      options: {
        config: { type: 'string', short: 'c' },
        port: { type: 'string' },
        listen: { type: 'string' },
        'log-level': { type: 'string' },
        'log-format': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if ((command !== 'serve' && command !== 'check') || !values.config) {
    process.stderr.write(USAGE);
    return 2;
  }
  const logFormat = values['log-format'] ?? process.env.LOG_FORMAT ?? 'json';
  if (logFormat !== 'json' && logFormat !== 'pretty') {
    process.stderr.write(`auth-server: --log-format must be json or pretty, not "${logFormat}"\n${USAGE}`);
    return 2;
  }
  if (command === 'check') {
    const result = await checkCommand(values.config, process.env);
    process.stdout.write(result.stdout);
    process.stderr.write(result.stderr);
    return result.exitCode;
  }

  // Loaded only for `serve`, so `check` starts fast.
  const [{ serveCommand }, { StartupError }, { createLogger }] = await Promise.all([
    import('./commands/serve-command.js'),
    import('./commands/startup-error.js'),
    import('./logging/create-logger.js'),
  ]);
  const logger = createLogger({
    level: values['log-level'] ?? process.env.LOG_LEVEL ?? 'info',
    format: logFormat,
  });
  if (values.port !== undefined && values.listen !== undefined) {
    process.stderr.write(`auth-server: use --listen or --port, not both\n${USAGE}`);
    return 2;
  }
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65_535)) {
    process.stderr.write(
      `auth-server: --port must be a port number (0 to 65535), not "${values.port}"\n${USAGE}`,
    );
    return 2;
  }
  let running: RunningServer;
  try {
    running = await serveCommand(values.config, {
      env: process.env,
      logger,
      ...(port === undefined ? {} : { port }),
      ...(values.listen === undefined ? {} : { listen: values.listen }),
    });
  } catch (error) {
    // One JSON line naming the cause (no stack: messages of start-up errors carry no secret).
    const failure =
      error instanceof StartupError
        ? { reason: error.code, ...error.details }
        : { reason: 'internal', err: { name: (error as Error).name } };
    logger.fatal({ event: 'startup.failed', ...failure }, `start-up failed: ${(error as Error).message}`);
    await new Promise<void>((resolve) => logger.flush(() => resolve()));
    // Whatever a failed start left open (a Redis client still reconnecting) must not keep the process alive.
    process.exit(1);
  }
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'shutting down');
      running.stop().then(resolve, (error: unknown) => {
        logger.error({ err: { message: (error as Error).message } }, 'shutdown failed');
        resolve();
      });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`auth-server: ${(error as Error).message}\n`);
    process.exitCode = 1;
  },
);
