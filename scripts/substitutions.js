// Build-time substitutions: modules the bundle takes from scripts/shims/ instead of node_modules,
// each because the original does work at import that a tsmqtt run does not need. Each shim says
// why it is equivalent; test/unit/substitutions.test.ts checks it against the original.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const shimDir = fileURLToPath(new URL('./shims/', import.meta.url));

/** Bare specifier -> shim file. */
export const substitutions = {
  mqtt: 'mqtt.js',
  'readable-stream': 'readable-stream.cjs',
  'worker-timers': 'worker-timers.cjs',
  'lru-cache': 'lru-cache.cjs',
  debug: 'debug.cjs',
};

/**
 * Modules whose default export is a function and whose import is costly, evaluated on the first
 * call of that function instead of at start-up: same function, same results, paid only when used.
 * - yargs: `--help` and `--version` are answered before any parser is built (cli/program.ts).
 * - string-width (three copies, under yargs, cliui and wrap-ansi): compiles Unicode property
 *   regexes and loads ICU's segmenter at import (~35 ms), for yargs' own help layout, which
 *   tsmqtt does not use.
 */
export const lazyDefaults = ['yargs', 'string-width'];

export const substitutionPlugin = {
  name: 'tsmqtt-substitutions',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      // A shim that wraps the original imports it under its own name.
      if (!Object.hasOwn(substitutions, args.path) || args.importer.startsWith(shimDir)) return undefined;
      return { path: shimDir + substitutions[args.path] };
    });
    build.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (!lazyDefaults.includes(args.path) || args.pluginData === 'inner') return undefined;
      const { path, errors } = await build.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: 'inner',
      });
      return errors.length > 0 ? { errors } : { path, namespace: 'tsmqtt-lazy' };
    });
    build.onLoad({ filter: /.*/, namespace: 'tsmqtt-lazy' }, (args) => ({
      contents:
        `let real;\n` +
        `export default function lazyDefault(...args) {\n` +
        `  real ??= require(${JSON.stringify(args.path)}).default;\n` +
        `  return real(...args);\n` +
        `}\n`,
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
    // The mqtt shim names each part of MQTT.js it can offer; only the parts tsmqtt's code uses may
    // end up evaluated. Marking them side-effect free lets esbuild drop the others.
    build.onResolve({ filter: /^mqtt\// }, async (args) => {
      if (args.importer !== `${shimDir}mqtt.js` || args.pluginData === 'inner') return undefined;
      const { path, errors } = await build.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: 'inner',
      });
      return errors.length > 0 ? { errors } : { path, sideEffects: false };
    });
  },
};
