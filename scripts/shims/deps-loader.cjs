// dist/loader.cjs. Loads the commands (dist/tspub.cjs, dist/tssub.cjs, and tspub's quick path
// dist/tspub-quick.cjs) and, for them, dist/deps/NAME.cjs (yargs, MQTT.js), with V8's compiled code
// kept between runs: compiling these ~300 KB is a large part of a one-shot publish. vm.Script's
// cachedData works on every Node version; the data is taken at exit, so it holds the functions the
// run compiled lazily too (Node 22's module.enableCompileCache takes it right after compiling and
// measured no gain here). The cache lives in the user's own cache folder (never a shared temporary
// folder), keyed by Node version, architecture, file size and modification time; V8 also refuses
// data that does not fit. Any failure (no home folder, read-only disk) just means compiling as usual.
// NODE_DISABLE_COMPILE_CACHE=1 turns it off, as it does for Node's own cache.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const loaded = new Map();
let cacheDir;

function cacheFolder() {
  if (cacheDir !== undefined) return cacheDir;
  cacheDir = null;
  if (process.env.NODE_DISABLE_COMPILE_CACHE) return cacheDir;
  const home = process.env.XDG_CACHE_HOME || (process.env.HOME && path.join(process.env.HOME, '.cache'));
  if (home && path.isAbsolute(home)) cacheDir = path.join(home, 'tsmqtt', `v8-${process.version}-${process.arch}`);
  return cacheDir;
}

/** FNV-1a of a path, in hex: a short stable key without loading node:crypto. */
function hashOf(text) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/**
 * What Node wraps a CommonJS module's source in (module.wrap()), spelled out: node:module would cost
 * ~0.4 ms to load, and most runs need nothing else from it.
 */
const WRAPPER = ['(function (exports, require, module, __filename, __dirname) { ', '\n});'];

/** A require for `file`: this file's own for a file beside it (the commands), which resolves the same. */
function requireFor(file) {
  return path.dirname(file) === __dirname ? require : require('node:module').createRequire(file);
}

function loadWithCodeCache(file) {
  const dir = cacheFolder();
  if (!dir) return require(file);
  const vm = require('node:vm');
  const source = fs.readFileSync(file, 'utf8');
  const { size, mtimeMs } = fs.statSync(file);
  // Two installations of tsmqtt (a global and a project one) keep separate entries.
  const prefix = `${path.basename(file, '.cjs')}-${hashOf(file)}-`;
  const cacheFile = path.join(dir, `${prefix}${size}-${Math.trunc(mtimeMs)}.bin`);
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    // first run with this file
  }
  const script = new vm.Script(WRAPPER[0] + source + WRAPPER[1], { filename: file, cachedData });
  const module = { exports: {}, filename: file, id: file, loaded: false };
  script.runInThisContext().call(module.exports, module.exports, requireFor(file), module, file, path.dirname(file));
  module.loaded = true;
  if (cachedData === undefined || script.cachedDataRejected) {
    // At exit, the functions this run compiled are included too.
    process.once('exit', () => {
      try {
        fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
        const temporary = `${cacheFile}.${process.pid}`;
        fs.writeFileSync(temporary, script.createCachedData(), { mode: 0o600 });
        fs.renameSync(temporary, cacheFile);
        // Data for an older copy of the file (an earlier version of tsmqtt) is of no further use.
        for (const old of fs.readdirSync(dir)) {
          if (old.startsWith(prefix) && old.endsWith('.bin') && path.join(dir, old) !== cacheFile) fs.rmSync(path.join(dir, old), { force: true });
        }
      } catch {
        // not cached this time
      }
    });
  }
  return module.exports;
}

/** The exports of dist/deps/NAME.cjs, loaded once. */
function loadDependency(name) {
  let exports = loaded.get(name);
  if (exports !== undefined) return exports;
  exports = loadWithCodeCache(path.join(__dirname, 'deps', `${name}.cjs`));
  loaded.set(name, exports);
  return exports;
}

module.exports = loadDependency;

/** A word that may ask for an answer dist/early.cjs gives (src/cli/early.ts decides). */
const mayAnswerEarly = (word) => word === '--help' || word === '--version' || word.startsWith('--completion');

/**
 * Runs the command dist/NAME.cjs (bin/NAME.js calls this): its own code is cached like the deps'.
 * --help, --version and --completion are answered by the much smaller dist/early.cjs if they can be.
 * A `quick` bundle (tspub's dist/tspub-quick.cjs) gets the run before the command: its
 * main(handOver) either does the run itself or calls handOver(), which runs the command.
 */
module.exports.runCommand = function runCommand(name, quick) {
  const argv = process.argv.slice(2);
  if (argv.some(mayAnswerEarly) && loadWithCodeCache(path.join(__dirname, 'early.cjs')).answerEarly(name, argv)) return;
  const command = () => loadWithCodeCache(path.join(__dirname, `${name}.cjs`)).main();
  if (quick) loadWithCodeCache(path.join(__dirname, `${quick}.cjs`)).main(command);
  else command();
};
