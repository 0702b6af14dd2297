// Same inputs, same outcome: each command line of a representative set is run with and without
// -d, and must end with the same exit code, the same stderr (less -d's packet lines) and the same
// messages at a subscriber. -d observes a run; it never changes it. Node's deprecation and
// permission options do not change it either.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { hasMosquitto, startBroker, type Broker } from '../helpers/broker.js';
import { killAll, run, subscriber, type Result } from '../helpers/cli.js';
import { hasOpenssl, makePki, type Pki } from '../helpers/pki.js';
import { startWsBroker, type WsBroker } from '../helpers/ws-broker.js';

const skip = !hasMosquitto || !hasOpenssl ? 'needs mosquitto and openssl' : false;

let broker: Broker;
let pki: Pki;
let sockDir: string;
let garbage: net.Server;
let ws: WsBroker;

before(async () => {
  if (skip) return;
  pki = makePki();
  sockDir = mkdtempSync(join(tmpdir(), 'tsmqtt-same-'));
  broker = await startBroker({
    extraPorts: 1,
    config: (p) => [
      `listener ${p[0]} 127.0.0.1`,
      `cafile ${pki.ca}`,
      `certfile ${pki.serverLocalhost.cert}`,
      `keyfile ${pki.serverLocalhost.key}`,
      `listener 0 ${join(sockDir, 'mosq.sock')}`,
    ],
  });
  // Not an MQTT broker: answers anything with an HTTP error and closes.
  ws = await startWsBroker({ plain: http.createServer() });
  garbage = net.createServer((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
  await new Promise<void>((resolve) => garbage.listen(0, '127.0.0.1', resolve));
});
after(async () => {
  killAll();
  await broker?.stop();
  pki?.remove();
  garbage?.close();
  await ws?.stop();
  if (sockDir) rmSync(sockDir, { recursive: true, force: true });
});

/** Stderr without -d's packet lines ("Client ... sending/received ..."). */
const withoutPacketLines = (stderr: string): string => neutral(stderr.replace(/^Client .*(sending|received) .*\n/gm, ''));
/** Node's own warnings name the process id. */
const neutral = (stderr: string): string => stderr.replace(/^\(node:\d+\)/gm, '(node:PID)');

interface Case {
  name: string;
  /** tspub's arguments less the broker's address. */
  args: () => string[];
  /** How the subscriber reaches the broker, when the case delivers messages (topic: same/<name>). */
  delivers?: number;
  code: number;
  stderr?: RegExp;
  /** Standard input (for -l and -s). */
  input?: string;
  /** The environment of the run, for Node's own options. */
  env?: NodeJS.ProcessEnv;
}

/** Node's permission model, with what a network client needs: read files, and (Node 25+) the network. */
function permissionModel(): string {
  const flags = process.allowedNodeEnvironmentFlags;
  const on = flags.has('--permission') ? '--permission' : '--experimental-permission';
  return `${on} --allow-fs-read=*${flags.has('--allow-net') ? ' --allow-net' : ''}`;
}

const tcp = (): string[] => ['-h', broker.host, '-p', String(broker.port)];
const tls = (): string[] => ['-h', 'localhost', '-p', String(broker.extraPorts[0]), '--cafile', pki.ca];
const unix = (): string[] => ['--unix', join(sockDir, 'mosq.sock')];

const cases: Case[] = [
  { name: 'plain', args: () => [...tcp(), '-m', 'one'], delivers: 1, code: 0 },
  { name: 'qos1', args: () => [...tcp(), '-q', '1', '-m', 'one'], delivers: 1, code: 0 },
  { name: 'qos2', args: () => [...tcp(), '-q', '2', '-m', 'one'], delivers: 1, code: 0 },
  { name: 'retain', args: () => [...tcp(), '-r', '-q', '1', '-m', 'kept'], delivers: 1, code: 0 },
  { name: 'v31', args: () => [...tcp(), '-V', '31', '-m', 'one'], delivers: 1, code: 0 },
  { name: 'v311', args: () => [...tcp(), '-V', '311', '-m', 'one'], delivers: 1, code: 0 },
  { name: 'v5', args: () => [...tcp(), '-V', '5', '-m', 'one'], delivers: 1, code: 0 },
  { name: 'props', args: () => [...tcp(), '-D', 'publish', 'user-property', 'k', 'v', '-D', 'publish', 'content-type', 'text/plain', '-m', 'one'], delivers: 1, code: 0 },
  { name: 'will', args: () => [...tcp(), '--will-topic', 'same/will', '--will-payload', 'gone', '-m', 'one'], delivers: 1, code: 0 },
  { name: 'kept', args: () => [...tcp(), '-c', '-i', 'same-kept', '-q', '1', '-m', 'one'], delivers: 1, code: 0 },
  { name: 'repeat', args: () => [...tcp(), '--repeat', '3', '-q', '1', '-m', 'again'], delivers: 3, code: 0 },
  { name: 'lines', args: () => [...tcp(), '-l'], input: 'a\nb\nc\n', delivers: 3, code: 0 },
  { name: 'lines-qos1', args: () => [...tcp(), '-l', '-q', '1'], input: 'a\nb\n\nd', delivers: 4, code: 0 },
  { name: 'lines-qos2', args: () => [...tcp(), '-l', '-q', '2'], input: 'x\ny\n', delivers: 2, code: 0 },
  { name: 'stdin', args: () => [...tcp(), '-s'], input: 'all\nof it', delivers: 1, code: 0 },
  // Every run takes the one path: under a deprecation that throws, and under the permission model.
  { name: 'deprecations-throw', args: () => [...tcp(), '-q', '1', '-m', 'one'], env: { NODE_OPTIONS: '--pending-deprecation --throw-deprecation' }, delivers: 1, code: 0 },
  { name: 'deprecations-throw-lines', args: () => [...tcp(), '-l', '-q', '1'], input: 'a\nb\n', env: { NODE_OPTIONS: '--pending-deprecation --throw-deprecation' }, delivers: 2, code: 0 },
  { name: 'permission-model', args: () => [...tcp(), '-q', '1', '-m', 'one'], env: { NODE_OPTIONS: permissionModel() }, delivers: 1, code: 0, stderr: /^(\(node:\d+\) ExperimentalWarning: .*\n(\(Use .*\n)?)*$/ },
  // Another broker (aedes behind ws: mosquitto's Debian build has no WebSocket listener), so no
  // subscriber here; test/e2e/transports.test.ts checks what arrives over WebSocket.
  { name: 'websocket', args: () => ['-L', `ws://127.0.0.1:${ws.port}/same/ws`, '-q', '1', '-m', 'one'], code: 0 },
  { name: 'tls', args: () => [...tls(), '-q', '1', '-m', 'secret'], delivers: 1, code: 0 },
  { name: 'unix', args: () => [...unix(), '-m', 'local'], delivers: 1, code: 0 },
  // Once two paths, once two outcomes: a usage error now, before any connection, on every run.
  { name: 'v5-password', args: () => [...tcp(), '-V', '5', '-P', 's', '-m', 'b'], code: 1, stderr: /^tspub: a password \(-P\) needs a username \(-u\)\n/ },
  { name: 'refused', args: () => ['-h', '127.0.0.1', '-p', '1', '-m', 'x'], code: 1, stderr: /^tspub: connection refused by 127\.0\.0\.1:1: is a broker running there\?\n$/ },
  { name: 'not-a-broker', args: () => ['-h', '127.0.0.1', '-p', String((garbage.address() as net.AddressInfo).port), '-q', '1', '-m', 'x'], code: 2, stderr: /^tspub: 127\.0\.0\.1:\d+ answered CONNECT with something that is not MQTT \(.*\): is it an MQTT broker, or does it expect TLS \(--cafile, --tls-use-os-certs\)\?\n$/ },
];

/** Runs tspub with `extra` (-d or nothing) and a subscriber when the case delivers messages. */
async function outcome(c: Case, index: number, extra: string[]): Promise<{ result: Result; arrived: string }> {
  const topic = `same/${c.name}/${index}`;
  const sub = c.delivers ? await subscriber(broker, 'tssub', [...tcp(), '-t', topic, '-C', String(c.delivers), '-W', '20', '-v']) : undefined;
  const result = await run('tspub', [...c.args(), '-t', topic, ...extra], { ...(c.input === undefined ? {} : { input: c.input }), ...(c.env ? { env: c.env } : {}) });
  const arrived = sub ? (await sub.done).stdout.toString().replaceAll(topic, 'TOPIC') : '';
  return { result, arrived };
}

describe('the same command line gives the same outcome with and without -d', { skip }, () => {
  for (const [index, c] of cases.entries()) {
    test(c.name, async () => {
      const plain = await outcome(c, index * 2, []);
      const debug = await outcome(c, index * 2 + 1, ['-d']);
      assert.equal(plain.result.code, c.code, plain.result.stderr);
      assert.equal(debug.result.code, plain.result.code, debug.result.stderr);
      assert.equal(withoutPacketLines(debug.result.stderr), neutral(plain.result.stderr));
      if (c.stderr) assert.match(plain.result.stderr, c.stderr);
      else assert.equal(plain.result.stderr, '');
      assert.equal(debug.arrived, plain.arrived);
      if (c.delivers) assert.equal(plain.arrived.split('\n').filter((l) => l.startsWith('TOPIC')).length, c.delivers, plain.arrived);
      if (c.name !== 'v5-password' && c.name !== 'refused') assert.match(debug.result.stderr, /sending CONNECT/);
    });
  }
});
