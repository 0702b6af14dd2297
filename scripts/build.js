// Bundles both commands into dist/ with esbuild: one ES module entry (src/cli/main.ts) and the
// chunks it loads with import() where a run needs them (yargs to parse, MQTT.js to connect, the
// terminal packages, TLS/WebSocket/SOCKS), so that --help loads neither yargs nor MQTT.js.
// src/ stays the source of truth; the tests run the bundle through bin/, exactly what npm installs.
//
// `node scripts/build.js --no-minify` keeps names readable for `node --cpu-prof`.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const mqttPkg = JSON.parse(readFileSync(new URL('../node_modules/mqtt/package.json', import.meta.url), 'utf8'));

// Without this, files of an earlier layout would stay and ship.
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });

await build({
  entryPoints: { main: 'src/cli/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  minify: !process.argv.includes('--no-minify'),
  // Maps without the sources: enough for a stack trace under -d to name src/ files and lines.
  sourcemap: 'linked',
  sourcesContent: false,
  legalComments: 'none',
  // The dependencies are CommonJS and require() Node's modules; an ES module has no require.
  banner: { js: "import { createRequire as __tsmqttCreateRequire } from 'node:module'; const require = __tsmqttCreateRequire(import.meta.url);" },
  define: {
    __TSMQTT_VERSION__: JSON.stringify(pkg.version),
    __MQTTJS_VERSION__: JSON.stringify(mqttPkg.version),
  },
  alias: {
    // readable-stream documents Node's own stream module as what it copies; MQTT.js needs
    // nothing more (78 KB that every connecting run would otherwise compile).
    'readable-stream': './scripts/shims/readable-stream.cjs',
    // Web Worker timers, which MQTT.js picks only in a browser; Node's timers stand in.
    'worker-timers': './scripts/shims/worker-timers.cjs',
  },
  logLevel: 'warning',
});
