// Bundles the two commands into dist/ with esbuild. src/ stays the source of truth; the tests run
// the bundle through bin/, exactly what npm installs.
//
// Layout, for start-up time (see README, "Performance"):
//   dist/loader.cjs                  what bin/ calls: loads a command, and the command its deps, each
//                                    with V8's compiled code kept between runs (scripts/shims/deps-loader.cjs)
//   dist/early.cjs                   --help, --version and --completion of both commands, answered
//                                    without loading the command (src/cli/early.ts)
//   dist/tspub-quick.cjs             what every tspub run starts with: the plain one-shot publish
//                                    (src/cli/tspub-quick.ts), a third smaller than dist/tspub.cjs, to
//                                    which it hands every other run
//   dist/tspub.cjs, dist/tssub.cjs   the commands: src/ plus the small dependencies; CommonJS, because
//                                    an ES module entry costs Node 20 its ESM loader (~7 ms)
//   dist/deps/explore.cjs            tssub --explore's interactive view (src/explore/main.ts), loaded
//                                    only by that mode; its hand-off (src/explore/command.ts) is in tssub
//   dist/deps/NAME.cjs               yargs and MQTT.js (scripts/deps/), the parts of MQTT.js imported
//                                    by path (a transport) and the terminal packages (chalk, ora),
//                                    each loaded on first use
//
// `node scripts/build.js --no-minify` keeps names readable for `node --cpu-prof`.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commandPlugin, dependencyPlugin, deferredDependencies, extraDependencySource } from './substitutions.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const mqttPkg = JSON.parse(readFileSync(new URL('../node_modules/mqtt/package.json', import.meta.url), 'utf8'));

const root = fileURLToPath(new URL('..', import.meta.url));
/** Other modules the commands import that get a deps file of their own: deps name -> module. */
const extraDependencies = new Map();

// Without this, files of an earlier layout would stay and ship.
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });

const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  minify: !process.argv.includes('--no-minify'),
  legalComments: 'linked',
  outExtension: { '.js': '.cjs' },
  // import() as require() when it runs: the loader compiles the bundles with vm.Script, which has
  // no loader for a real import() (node:tls, node:dns/promises are imported so, on first use).
  supported: { 'dynamic-import': false },
  // ES modules bundled into CommonJS (yargs 18, chalk 5, ora 9) may read import.meta.url. It is
  // made when first read: only yargs reads it, and pathToFileURL's first call costs ~0.6 ms.
  define: { 'import.meta.url': '__tsmqttImportMeta.url' },
  banner: {
    js:
      'let __tsmqttImportMetaUrl;\n' +
      "const __tsmqttImportMeta = { get url() { return (__tsmqttImportMetaUrl ??= require('node:url').pathToFileURL(__filename).href); } };",
  },
  logLevel: 'warning',
};

/** tssub's `import('./main.js')` of the explorer loads dist/deps/explore.cjs instead of bundling it. */
const explorePlugin = {
  name: 'tsmqtt-explore',
  setup(b) {
    b.onResolve({ filter: /^\.\/main\.js$/ }, (args) =>
      args.importer.endsWith(`src${sep}explore${sep}command.ts`) ? { path: 'explore', namespace: 'tsmqtt-deps' } : undefined,
    );
  },
};

await build({
  ...common,
  entryPoints: {
    tspub: 'src/cli/tspub.ts',
    'tspub-quick': 'src/cli/tspub-quick.ts',
    tssub: 'src/cli/tssub.ts',
    early: 'src/cli/early.ts',
  },
  outdir: 'dist',
  define: {
    ...common.define,
    __TSMQTT_VERSION__: JSON.stringify(pkg.version),
    __MQTTJS_VERSION__: JSON.stringify(mqttPkg.version),
  },
  plugins: [explorePlugin, commandPlugin(extraDependencies), dependencyPlugin],
});

// After the commands, which name the other modules they import (extraDependencies).
await Promise.all([
  build({
    ...common,
    entryPoints: { loader: 'scripts/shims/deps-loader.cjs' },
    outdir: 'dist',
  }),
  build({
    ...common,
    entryPoints: Object.fromEntries(deferredDependencies.map((name) => [name, `scripts/deps/${name}.js`])),
    outdir: 'dist/deps',
    plugins: [dependencyPlugin],
  }),
  // The explorer shares no module with a typed error with tssub (main.ts says why).
  build({
    ...common,
    entryPoints: { explore: 'src/explore/main.ts' },
    outdir: 'dist/deps',
  }),
  ...[...extraDependencies].map(([name, module]) =>
    build({
      ...common,
      stdin: { contents: extraDependencySource(module), resolveDir: root, sourcefile: `${name}.js` },
      outfile: `dist/deps/${name}.cjs`,
      plugins: [dependencyPlugin],
    }),
  ),
]);
