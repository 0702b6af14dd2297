// Build-time substitutions (esbuild plugins), each because the original does work at start-up that a
// tsmqtt run does not need. Each shim says why it is equivalent; test/unit/substitutions.test.ts
// checks it against the original.
import { builtinModules, createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const shimDir = fileURLToPath(new URL('./shims/', import.meta.url));

/** Bare specifier -> file in scripts/shims/, used wherever the dependency bundles import it. */
export const substitutions = {
  'readable-stream': 'readable-stream.cjs',
  'worker-timers': 'worker-timers.cjs',
  'lru-cache': 'lru-cache.cjs',
  debug: 'debug.cjs',
};

/**
 * Modules whose default export is a function and whose import is costly, evaluated on the first
 * call of that function instead: same function, same results, paid only when used. string-width
 * (three copies, under yargs, cliui and wrap-ansi, one more under ora) compiles Unicode property
 * regexes and loads ICU's segmenter at import (~35 ms here), for yargs' own help layout, which
 * tsmqtt does not use.
 */
export const lazyDefaults = ['string-width'];

/**
 * Packages of the terminal mode (~60 KB with cli-spinners' table), which only a run on a terminal
 * uses: imported by the commands, each becomes a deps file of its own, like the parts of MQTT.js
 * below, so that no other run even parses them.
 */
export const deferredPackages = ['chalk', 'ora'];

/**
 * The big dependencies live in files of their own, dist/deps/NAME.cjs, built from scripts/deps/NAME.js
 * and loaded by the commands on first use (scripts/shims/deps-loader.cjs, which also keeps their
 * compiled code between runs), so that a run parses and evaluates only what it needs: `--help` and
 * `--version` neither; a publish both, after its command line was checked.
 */
export const deferredDependencies = ['yargs', 'mqtt'];

/**
 * Node built-in modules the commands import but not every run uses: crypto (a random MQTT 3.1 client
 * id), fs/promises (-f), net and tls (not for --help), readline, tty (which loads net), timers/promises
 * (--repeat-delay, reconnects). Loading crypto, net and fs/promises costs ~11 ms here; the commands
 * get a stand-in that loads the module on first use (lazyBuiltinSource). A dynamic import() loads
 * the module itself, when it runs.
 */
export const lazyBuiltins = ['crypto', 'fs/promises', 'net', 'tls', 'readline', 'dns', 'tty', 'timers/promises'];

const requireHere = createRequire(import.meta.url);

/** Source of the module bundled into dist/deps/NAME.cjs for an extra dependency: all of its exports. */
export function extraDependencySource(module) {
  return /^mqtt\//.test(module)
    ? `module.exports = require(${JSON.stringify(module)});\n`
    : `export * from ${JSON.stringify(module)};\nexport { default } from ${JSON.stringify(module)};\n`;
}

/**
 * Source of a stand-in for a built-in module, an ES module, so that the bundle refers to its exports
 * directly (a CommonJS one is copied property by property into a namespace object at start-up, for
 * every export of the module: ~0.8 ms of a one-shot publish for crypto, net and fs/promises). Its
 * default export (`import net from 'node:net'`) has a getter per export of the module, each loading
 * it on first read; each function (`import { randomBytes } from 'node:crypto'`) is one that loads
 * it on first call. Only what the commands use is bundled. Classes (capitalised) and other values
 * have no named export: importing one by name fails the build, use the default export for them.
 */
export function lazyBuiltinSource(name) {
  const real = requireHere(`node:${name}`);
  const names = Object.keys(real).filter((key) => key !== 'default');
  // The descriptor, not the value: reading some (crypto.fips) warns.
  const isFunction = (key) => typeof Object.getOwnPropertyDescriptor(real, key)?.value === 'function';
  const functions = names.filter((key) => isFunction(key) && !/^[A-Z]/.test(key));
  return (
    'let real;\n' +
    `const load = () => (real ??= require(${JSON.stringify(`node:${name}`)}));\n` +
    'function lazyModule() {\n' +
    '  const lazy = {};\n' +
    `  for (const name of ${JSON.stringify(names)}) {\n` +
    '    Object.defineProperty(lazy, name, { enumerable: true, get: () => load()[name] });\n' +
    '  }\n' +
    '  return lazy;\n' +
    '}\n' +
    'export default /* @__PURE__ */ lazyModule();\n' +
    functions.map((key) => `export function ${key}(...args) {\n  return load().${key}(...args);\n}\n`).join('')
  );
}

async function resolveNormally(build, args) {
  return build.resolve(args.path, {
    kind: args.kind,
    resolveDir: args.resolveDir,
    importer: args.importer,
    pluginData: 'inner',
  });
}

/** For every bundle: the commands and their dependencies. */
export const dependencyPlugin = {
  name: 'tsmqtt-dependency-substitutions',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData === 'inner') return undefined;
      if (Object.hasOwn(substitutions, args.path)) {
        // A shim that wraps the original imports it under its own name.
        if (args.importer.startsWith(shimDir)) return undefined;
        return { path: shimDir + substitutions[args.path] };
      }
      if (lazyDefaults.includes(args.path)) {
        const { path, errors } = await resolveNormally(build, args);
        return errors.length > 0 ? { errors } : { path, namespace: 'tsmqtt-lazy' };
      }
      return undefined;
    });
    build.onLoad({ filter: /.*/, namespace: 'tsmqtt-lazy' }, (args) => ({
      contents:
        'let real;\n' +
        'export default function lazyDefault(...args) {\n' +
        `  real ??= require(${JSON.stringify(args.path)}).default;\n` +
        '  return real(...args);\n' +
        '}\n',
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};

/**
 * For the two commands (dist/tspub.cjs, dist/tssub.cjs): yargs and mqtt come from dist/deps/. So
 * does any part of MQTT.js imported by path (`await import('mqtt/lib/connect/ws')` for WebSocket)
 * and any of `deferredPackages`: each gets a deps file of its own, named in `extraDependencies`
 * (deps name -> module) for the dependency build, so that no run parses code it does not use.
 */
export function commandPlugin(extraDependencies) {
  return {
    name: 'tsmqtt-deferred-dependencies',
    setup(build) {
      build.onResolve({ filter: /^[a-z]/ }, (args) => {
        if (args.importer.startsWith(shimDir)) return undefined;
        let name;
        if (/^mqtt\/./.test(args.path)) name = `mqtt-${args.path.slice('mqtt/'.length).replace(/[^A-Za-z0-9]+/g, '-')}`;
        else if (deferredPackages.includes(args.path)) name = args.path;
        else return undefined;
        extraDependencies.set(name, args.path);
        return { path: name, namespace: 'tsmqtt-deps' };
      });
      build.onResolve({ filter: /^(yargs|mqtt)$/ }, (args) =>
        args.path === 'mqtt' ? { path: `${shimDir}mqtt.js` } : { path: args.path, namespace: 'tsmqtt-deferred' },
      );
      // yargs' default export is the factory the commands call once they parse a command line.
      build.onLoad({ filter: /^yargs$/, namespace: 'tsmqtt-deferred' }, () => ({
        contents:
          'let real;\n' +
          'export default function yargs(...args) {\n' +
          "  real ??= require('tsmqtt-deps/yargs').default;\n" +
          '  return real(...args);\n' +
          '}\n',
        loader: 'js',
      }));
      build.onResolve({ filter: /^(node:)?[a-z/_]+$/ }, (args) => {
        const name = args.path.replace(/^node:/, '');
        if (args.namespace === 'tsmqtt-lazy-builtin' || args.kind === 'dynamic-import') return undefined;
        if (!lazyBuiltins.includes(name) || !builtinModules.includes(name)) return undefined;
        return { path: name, namespace: 'tsmqtt-lazy-builtin' };
      });
      build.onLoad({ filter: /.*/, namespace: 'tsmqtt-lazy-builtin' }, (args) => ({
        contents: lazyBuiltinSource(args.path),
        loader: 'js',
      }));
      // One loader for the commands and their deps (dist/loader.cjs, shared, not bundled twice).
      build.onResolve({ filter: /^tsmqtt-loader$/ }, () => ({ path: './loader.cjs', external: true }));
      build.onResolve({ filter: /^tsmqtt-deps\// }, (args) => ({
        path: args.path.slice('tsmqtt-deps/'.length),
        namespace: 'tsmqtt-deps',
      }));
      build.onLoad({ filter: /.*/, namespace: 'tsmqtt-deps' }, async (args) => {
        const load = `require('tsmqtt-loader')(${JSON.stringify(args.path)})`;
        if (!deferredPackages.includes(args.path)) {
          return { contents: `module.exports = ${load};\n`, resolveDir: shimDir, loader: 'js' };
        }
        // An ES module package: the commands must see its own exports (an ES module), not the
        // CommonJS object of the deps file as a default export.
        const names = Object.keys(await import(args.path)).filter((name) => name !== 'default');
        return {
          contents:
            `const deps = ${load};\n` +
            'export default deps.default;\n' +
            (names.length > 0 ? `export const { ${names.join(', ')} } = deps;\n` : ''),
          resolveDir: shimDir,
          loader: 'js',
        };
      });
    },
  };
}
