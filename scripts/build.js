// Bundles both commands into one file, dist/main.cjs, with esbuild. src/ stays the source of truth;
// the tests run the bundle through bin/, exactly what npm installs.
//
// One CommonJS file rather than ES module chunks: on Node 24 the ES module loader (resolving and
// linking chunks, and a module facade for each of Node's modules) cost a one-shot publish ~10 ms
// more (docs/performance.md). What a run does not need is still not evaluated: esbuild turns each
// import() of src/ (the commands, yargs-parser, MQTT.js's client, TLS, WebSocket, SOCKS, chalk,
// ora) into a module initialised on first use, and Node's compile cache keeps the compiled code.
//
// `node scripts/build.js --no-minify` keeps names readable for `node --cpu-prof`.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { writeNotices } from './notices.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const mqttPkg = JSON.parse(readFileSync(new URL('../node_modules/mqtt/package.json', import.meta.url), 'utf8'));

// Without this, files of an earlier layout would stay and ship.
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });

const result = await build({
  entryPoints: ['src/cli/main.ts'],
  metafile: true,
  outfile: 'dist/main.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node22',
  minify: !process.argv.includes('--no-minify'),
  // Maps without the sources: enough for a stack trace under -d to name src/ files and lines.
  sourcemap: 'linked',
  sourcesContent: false,
  legalComments: 'none',
  define: {
    __TSMQTT_VERSION__: JSON.stringify(pkg.version),
    __MQTTJS_VERSION__: JSON.stringify(mqttPkg.version),
    // yargs-parser, an ES module, asks for its own URL to make a require(); in a CommonJS bundle
    // the bundle's file is that place.
    'import.meta.url': '__tsmqttUrl',
  },
  banner: { js: "const __tsmqttUrl = require('node:url').pathToFileURL(__filename).href;" },
  alias: {
    // readable-stream documents Node's own stream module as what it copies; MQTT.js needs
    // nothing more (78 KB that every connecting run would otherwise compile).
    'readable-stream': './scripts/shims/readable-stream.cjs',
    // Web Worker timers, which MQTT.js picks only in a browser; Node's timers stand in.
    'worker-timers': './scripts/shims/worker-timers.cjs',
  },
  logLevel: 'warning',
});

// The bundle is what npm installs: the licences of what it contains travel with it.
writeNotices(result.metafile, 'dist/THIRD-PARTY-NOTICES');
