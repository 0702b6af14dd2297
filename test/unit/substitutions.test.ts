// The bundle replaces or defers some dependencies for start-up time (scripts/substitutions.js,
// scripts/shims/, scripts/deps/). Each substitution must behave as the original; these tests
// compare them. (End-to-end tests run the bundle itself.)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { build, transform } from 'esbuild';
import { toClientOptions } from '../../src/core/connect.js';
import type { ConnectionConfig } from '../../src/core/config.js';

const require = createRequire(import.meta.url);
const scripts = new URL('../../scripts/', import.meta.url);
// Plain JavaScript modules of the build: imported by URL, so untyped.
const load = (path: string): Promise<any> => import(new URL(path, scripts).href);
const shim = (name: string): any => require(new URL(`shims/${name}`, scripts).pathname);

describe("mqtt-packet's number cache is off (writeCache: false)", () => {
  const mqttPacket = require('mqtt-packet');
  const generateBoth = (packet: object, opts?: object): [Buffer, Buffer] => {
    mqttPacket.writeToStream.cacheNumbers = true;
    const cached = mqttPacket.generate(packet, opts);
    mqttPacket.writeToStream.cacheNumbers = false;
    const generated = mqttPacket.generate(packet, opts);
    return [cached, generated];
  };
  const numbers = [0, 1, 2, 127, 128, 255, 256, 4095, 32767, 32768, 65534, 65535];

  test('the client options turn it off', () => {
    const config = { protocolVersion: 4, clientId: '', cleanSession: true, keepalive: 60, connectTimeoutMs: 1000 };
    assert.equal(toClientOptions(config as ConnectionConfig).writeCache, false);
  });

  test('every two-byte number field is written with the same bytes without the cache', () => {
    for (const n of numbers) {
      const topic = 't'.repeat(n % 300);
      for (const packet of [
        { cmd: 'publish', topic, payload: Buffer.from('p'), qos: 1, messageId: Math.max(n, 1), retain: false, dup: false },
        { cmd: 'publish', topic: topic || 'x', payload: Buffer.alloc(0), qos: 0, retain: true, dup: false },
        { cmd: 'puback', messageId: Math.max(n, 1) },
        { cmd: 'pubrec', messageId: Math.max(n, 1) },
        { cmd: 'pubrel', messageId: Math.max(n, 1) },
        { cmd: 'pubcomp', messageId: Math.max(n, 1) },
        { cmd: 'subscribe', messageId: Math.max(n, 1), subscriptions: [{ topic: 'a/#', qos: 1 }] },
        { cmd: 'unsubscribe', messageId: Math.max(n, 1), unsubscriptions: ['a/#'] },
        { cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId: 'c', keepalive: n },
      ]) {
        const [cached, generated] = generateBoth(packet);
        assert.deepEqual(generated, cached, `${packet.cmd} with ${n}`);
      }
    }
    const [cached, generated] = generateBoth(
      { cmd: 'publish', topic: 'a', payload: Buffer.from('x'), qos: 1, messageId: 7, properties: { topicAlias: 3, messageExpiryInterval: 60 } },
      { protocolVersion: 5 },
    );
    assert.deepEqual(generated, cached, 'MQTT 5 publish with properties');
  });
});

describe('readable-stream: its READABLE_STREAM=disable mode, fixed at build time', () => {
  test("exports exactly what readable-stream exports in that mode: Node's own stream classes", () => {
    const original = spawnSync(
      process.execPath,
      ['-e', "const r = require('readable-stream'); console.log(JSON.stringify(Object.keys(r).sort()))"],
      { env: { ...process.env, READABLE_STREAM: 'disable' }, encoding: 'utf8' },
    );
    assert.equal(original.status, 0, original.stderr);
    const substitute = shim('readable-stream.cjs');
    assert.deepEqual(Object.keys(substitute).sort(), JSON.parse(original.stdout));
    const stream = require('node:stream');
    for (const name of ['Readable', 'Writable', 'Duplex', 'Transform', 'PassThrough', 'pipeline', 'finished', 'Stream']) {
      assert.equal(substitute[name], stream[name], name);
    }
    assert.equal(substitute.default, substitute);
  });
});

describe('worker-timers: never chosen by MQTT.js in Node', () => {
  test("MQTT.js's 'auto' timer is the native one", () => {
    const getTimer = require('mqtt/lib/get-timer').default;
    const id = getTimer('auto').set(() => {}, 1000);
    // Native setInterval returns a Timeout object; worker-timers returns a number.
    assert.equal(typeof id, 'object');
    getTimer('auto').clear(id);
  });
  test('the stand-in runs and stops timers like the native ones', async () => {
    const timers = shim('worker-timers.cjs');
    let ticks = 0;
    await new Promise<void>((resolve) => {
      const id = timers.setInterval(() => {
        ticks++;
        if (ticks === 2) {
          timers.clearInterval(id);
          resolve();
        }
      }, 1);
    });
    assert.equal(ticks, 2);
    await new Promise<void>((resolve) => timers.setTimeout(resolve, 1));
  });
});

describe('lru-cache: loaded when MQTT.js first uses it', () => {
  test('LRUCache is the real class, resolved on first read', () => {
    const real = require.resolve('lru-cache');
    const lazy = shim('lru-cache.cjs');
    assert.equal(lazy.LRUCache, require('lru-cache').LRUCache);
    assert.ok(require.cache[real]);
    const cache = new lazy.LRUCache({ max: 2 });
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3);
    assert.deepEqual([...cache.keys()].sort(), ['b', 'c']);
  });
});

describe('debug: the real module only when DEBUG is set', () => {
  const run = (env: NodeJS.ProcessEnv, code: string): string => {
    const r = spawnSync(process.execPath, ['-e', code], { env, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim();
  };
  const path = JSON.stringify(new URL('shims/debug.cjs', scripts).pathname);
  const { DEBUG: _ignored, ...withoutDebug } = process.env;

  test('without DEBUG: disabled loggers that do nothing, as the real ones would be', () => {
    const out = run(
      withoutDebug,
      `const d = require(${path}); const real = require('debug')('x');
       const log = d('mqttjs:client'); log('%s', 'nothing');
       console.log(JSON.stringify([Boolean(log.enabled), Boolean(real.enabled), log.namespace, log.extend('sub').namespace, d === require('debug')]))`,
    );
    assert.equal(out, '[false,false,"mqttjs:client","mqttjs:client:sub",false]');
  });
  test('with DEBUG: the real debug module', () => {
    const out = run(
      { ...withoutDebug, DEBUG: 'mqttjs*' },
      `const d = require(${path}); console.log(d === require('debug'), d('mqttjs:client').enabled)`,
    );
    assert.equal(out, 'true true');
  });
});

describe('the MQTT.js part of the bundle (scripts/deps/mqtt.js)', () => {
  test("exports the same classes and objects as the 'mqtt' entry point", async () => {
    const deps = await load('deps/mqtt.js');
    const mqtt: any = await import('mqtt');
    for (const name of ['MqttClient', 'Store', 'DefaultMessageIdProvider', 'UniqueMessageIdProvider', 'KeepaliveManager', 'ReasonCodes']) {
      assert.equal(deps[name], mqtt[name], name);
      assert.notEqual(deps[name], undefined, name);
    }
  });
});

describe('built-in modules deferred in the commands', () => {
  /** The stand-in for `name` as CommonJS, over `requireModule`. */
  const standIn = async (name: string, requireModule: (id: string) => unknown): Promise<Record<string, any>> => {
    const { lazyBuiltinSource } = await load('substitutions.js');
    const { code } = await transform(lazyBuiltinSource(name), { format: 'cjs', loader: 'js' });
    const module = { exports: {} as Record<string, any> };
    new Function('module', 'exports', 'require', code)(module, module.exports, requireModule);
    return module.exports;
  };

  test('its default export loads the module on the first read, then gives the same values', async () => {
    const { lazyBuiltins } = await load('substitutions.js');
    for (const name of lazyBuiltins as string[]) {
      const loaded: string[] = [];
      const lazy = await standIn(name, (id) => {
        loaded.push(id);
        return require(id);
      });
      assert.deepEqual(loaded, [], `${name} is not loaded before use`);
      const real = require(`node:${name}`);
      for (const key of Object.keys(real)) assert.equal(lazy['default'][key], real[key], `${name}.${key}`);
      assert.deepEqual(loaded, [`node:${name}`], `${name} is loaded once`);
    }
  });

  test("its named exports are the module's functions, each calling the module's own", async () => {
    const { lazyBuiltins } = await load('substitutions.js');
    for (const name of lazyBuiltins as string[]) {
      const real = require(`node:${name}`);
      const functions = Object.keys(real).filter((key) => {
        const descriptor = Object.getOwnPropertyDescriptor(real, key);
        return typeof descriptor?.value === 'function' && !/^[A-Z]/.test(key);
      });
      // A module whose functions say what they were called with.
      const echo = Object.fromEntries(functions.map((key) => [key, (...args: unknown[]) => [key, ...args]]));
      const loaded: string[] = [];
      const lazy = await standIn(name, (id) => {
        loaded.push(id);
        return echo;
      });
      assert.deepEqual(Object.keys(lazy).filter((key) => key !== 'default').sort(), [...functions].sort(), name);
      assert.deepEqual(loaded, [], `${name} is not loaded before use`);
      for (const key of functions) assert.deepEqual(lazy[key](1, 'two'), [key, 1, 'two'], `${name}.${key}`);
      assert.deepEqual(loaded, [`node:${name}`], `${name} is loaded once`);
    }
  });
});

describe('string-width, evaluated on first call', () => {
  test('gives the same widths as the original', async () => {
    const { dependencyPlugin } = await load('substitutions.js');
    const result = await build({
      stdin: { contents: "import stringWidth from 'string-width'; module.exports = stringWidth;", resolveDir: new URL('..', scripts).pathname },
      bundle: true,
      write: false,
      format: 'cjs',
      platform: 'node',
      plugins: [dependencyPlugin],
      logLevel: 'silent',
    });
    const code = result.outputFiles[0]!.text;
    assert.match(code, /lazyDefault/);
    const module = { exports: {} as unknown };
    new Function('module', 'exports', 'require', code)(module, module.exports, require);
    const lazyWidth = module.exports as (s: string) => number;
    const { default: realWidth } = await import('string-width');
    for (const s of ['', 'abc', '古池や', '👩‍👩‍👧', '\u001b[31mred\u001b[39m', 'e\u0301', '한국어', '\t']) {
      assert.equal(lazyWidth(s), realWidth(s), JSON.stringify(s));
    }
  });
});

describe('dist/deps/ loader: compiled code kept between runs', () => {
  const loader = new URL('shims/deps-loader.cjs', scripts).pathname;

  test('writes the cache at the first run, reuses it after, honours NODE_DISABLE_COMPILE_CACHE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsmqtt-loader-'));
    try {
      mkdirSync(join(dir, 'deps'));
      copyFileSync(loader, join(dir, 'deps-loader.cjs'));
      writeFileSync(join(dir, 'deps', 'sample.cjs'), "exports.answer = (n) => n * 2; exports.file = __filename;\n");
      const cache = join(dir, 'cache');
      const run = (extra: NodeJS.ProcessEnv = {}): string => {
        const code = `const m = require(${JSON.stringify(join(dir, 'deps-loader.cjs'))})('sample'); console.log(m.answer(21), m.file)`;
        const r = spawnSync(process.execPath, ['-e', code], { env: { ...process.env, XDG_CACHE_HOME: cache, ...extra }, encoding: 'utf8' });
        assert.equal(r.status, 0, r.stderr);
        return r.stdout;
      };
      const cacheFiles = (): string[] =>
        existsSync(cache) ? readdirSync(join(cache, 'tsmqtt', `v8-${process.version}-${process.arch}`)) : [];

      assert.equal(run({ NODE_DISABLE_COMPILE_CACHE: '1' }), `42 ${join(dir, 'deps', 'sample.cjs')}\n`);
      assert.deepEqual(cacheFiles(), []);
      assert.equal(run(), `42 ${join(dir, 'deps', 'sample.cjs')}\n`);
      const [written] = cacheFiles();
      assert.match(written ?? '', /^sample-[0-9a-f]{8}-\d+-\d+\.bin$/);
      const folder = join(cache, 'tsmqtt', `v8-${process.version}-${process.arch}`);
      const before = statSync(join(folder, written!)).mtimeMs;
      assert.equal(run(), `42 ${join(dir, 'deps', 'sample.cjs')}\n`);
      // Accepted by V8, so not written again.
      assert.equal(statSync(join(folder, written!)).mtimeMs, before);
      assert.equal(statSync(folder).mode & 0o777, 0o700);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('modules the commands import that get a deps file of their own', () => {
  test('a transport of MQTT.js and the terminal packages load from dist/deps/ on first use', async () => {
    const { commandPlugin, dependencyPlugin, extraDependencySource } = await load('substitutions.js');
    const dir = mkdtempSync(join(tmpdir(), 'tsmqtt-extra-'));
    try {
      const extra = new Map<string, string>();
      const common = { bundle: true, format: 'cjs', platform: 'node', target: 'node20', logLevel: 'silent' } as const;
      const resolveDir = new URL('..', scripts).pathname;
      await build({
        ...common,
        stdin: {
          contents:
            "export async function check() {\n" +
            "  const ws = await import('mqtt/lib/connect/ws');\n" +
            "  const { default: ora } = await import('ora');\n" +
            "  const { Chalk } = await import('chalk');\n" +
            "  return [typeof (ws.streamBuilder ?? ws.default?.streamBuilder), typeof ora, new Chalk({ level: 1 }).red('x')];\n" +
            '}\n',
          resolveDir,
          // An ES module, as src/ is: esbuild then gives CommonJS modules Node's import semantics.
          sourcefile: 'command.mjs',
        },
        outfile: join(dir, 'command.cjs'),
        plugins: [commandPlugin(extra), dependencyPlugin],
      });
      assert.deepEqual([...extra.keys()].sort(), ['chalk', 'mqtt-lib-connect-ws', 'ora']);
      // Neither ora's spinner table nor the WebSocket code is in the command itself.
      const command = readFileSync(join(dir, 'command.cjs'), 'utf8');
      assert.doesNotMatch(command, /dots12|permessage-deflate/);
      for (const [name, module] of extra) {
        await build({
          ...common,
          stdin: { contents: extraDependencySource(module), resolveDir },
          outfile: join(dir, 'deps', `${name}.cjs`),
          plugins: [dependencyPlugin],
        });
      }
      // What the build puts beside the commands: the loader they share with bin/.
      copyFileSync(new URL('shims/deps-loader.cjs', scripts).pathname, join(dir, 'loader.cjs'));
      const code = `require(${JSON.stringify(join(dir, 'command.cjs'))}).check().then((r) => console.log(JSON.stringify(r)))`;
      const r = spawnSync(process.execPath, ['-e', code], { env: { ...process.env, XDG_CACHE_HOME: join(dir, 'cache') }, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, `${JSON.stringify(['function', 'function', '\u001b[31mx\u001b[39m'])}\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
