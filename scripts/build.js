// Bundles the two entry points into dist/ with esbuild. src/ stays the source of truth; the
// tests run the bundle through bin/, exactly what npm installs.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { substitutionPlugin } from './substitutions.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const mqttPkg = JSON.parse(readFileSync(new URL('../node_modules/mqtt/package.json', import.meta.url), 'utf8'));

// Chunk names carry a content hash: without this, stale chunks would pile up and ship.
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });

await build({
  entryPoints: { tspub: 'src/cli/tspub.ts', tssub: 'src/cli/tssub.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  // `node scripts/build.js --no-minify` keeps names readable for `node --cpu-prof`.
  minify: !process.argv.includes('--no-minify'),
  legalComments: 'linked',
  chunkNames: 'chunks/[name]-[hash]',
  define: {
    __TSMQTT_VERSION__: JSON.stringify(pkg.version),
    __MQTTJS_VERSION__: JSON.stringify(mqttPkg.version),
  },
  // MQTT.js and some of its dependencies are CommonJS and call require() for Node built-ins.
  banner: { js: "import { createRequire as __tsmqttCreateRequire } from 'node:module'; const require = __tsmqttCreateRequire(import.meta.url);" },
  plugins: [substitutionPlugin],
  logLevel: 'warning',
});
