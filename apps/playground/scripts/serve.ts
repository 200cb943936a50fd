/**
 * Serves the built playground (dist/) the way `npm start` does: precompressed
 * brotli/gzip files, immutable hashed assets, loopback only by default.
 *
 *   node scripts/serve.ts [--dir dist] [--host 127.0.0.1] [--port 4173]
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { serveStatic } from './static-server.ts';

const { values } = parseArgs({ options: { dir: { type: 'string' }, host: { type: 'string' }, port: { type: 'string' } } });
const dir = resolve(import.meta.dirname, '..', values.dir ?? 'dist');
const port = Number(values.port ?? 4173);
if (!existsSync(resolve(dir, 'index.html'))) {
  console.error(`serve: ${dir}/index.html does not exist; run "npm run build -w @seqlm/playground" first`);
  process.exit(1);
}
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`serve: --port must be an integer from 0 to 65535, got "${values.port}"`);
  process.exit(1);
}
try {
  const server = await serveStatic(dir, { host: values.host ?? '127.0.0.1', port });
  console.log(`serving ${dir} at ${server.url}`);
} catch (error) {
  console.error(`serve: ${(error as Error).message}`);
  process.exit(1);
}
