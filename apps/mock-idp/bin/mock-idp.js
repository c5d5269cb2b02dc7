#!/usr/bin/env node
// The `mock-idp` command. A file that exists before any build, so that npm links it on
// install (npm skips a bin whose target is missing, and `npx mock-idp` then fetches an
// unrelated package of that name from the registry). It runs the built CLI.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write(
    'mock-idp: @auth/mock-idp is not built (no dist/cli.js). In the repository, run `npm run build`.\n',
  );
  process.exit(1);
}
await import(cli.href);
