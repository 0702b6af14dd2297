import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before } from 'node:test';
import { startBroker, type Broker, type BrokerOptions } from './broker.js';

/** 'mqttjs' is MQTT.js's own CLI (`mqtt pub|sub`), shipped inside our mqtt dependency: a peer to compare with. */
export type Tool = 'tspub' | 'tssub' | 'mosquitto_pub' | 'mosquitto_sub' | 'mosquitto_rr' | 'mqttjs' | 'sh';

const ROOT = resolve(import.meta.dirname, '..', '..');
/** An empty config folder, so a developer's own ~/.config/tspub never leaks into a test. */
const ISOLATED_CONFIG = mkdtempSync(join(tmpdir(), 'tsmqtt-xdg-'));
process.once('exit', () => rmSync(ISOLATED_CONFIG, { recursive: true, force: true }));

export interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

export interface Running {
  child: ChildProcess;
  /** stdout so far. */
  stdout(): Buffer;
  stderr(): string;
  done: Promise<Result>;
}

const running = new Set<ChildProcess>();

export interface SpawnOptions {
  input?: string | Buffer;
  env?: NodeJS.ProcessEnv;
  /** Kill the process (SIGKILL) if it is still running after this long. */
  timeoutMs?: number;
}

function command(tool: Tool): [string, string[]] {
  if (tool === 'tspub' || tool === 'tssub') return [process.execPath, [join(ROOT, 'bin', `${tool}.js`)]];
  if (tool === 'mqttjs') return [process.execPath, [join(ROOT, 'node_modules', 'mqtt', 'build', 'bin', 'mqtt.js')]];
  return [tool, []];
}

export function start(tool: Tool, args: string[], options: SpawnOptions = {}): Running {
  const [file, prefix] = command(tool);
  const child = spawn(file, [...prefix, ...args], {
    env: {
      PATH: process.env['PATH'],
      HOME: ISOLATED_CONFIG,
      XDG_CONFIG_HOME: ISOLATED_CONFIG,
      TZ: 'UTC',
      ...options.env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  running.add(child);
  const out: Buffer[] = [];
  let err = '';
  child.stdout!.on('data', (d: Buffer) => out.push(d));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  child.stdin!.on('error', () => {});
  if (options.input !== undefined) child.stdin!.end(options.input);
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 15_000);
  const done = new Promise<Result>((resolvePromise) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      resolvePromise({ code, signal, stdout: Buffer.concat(out), stderr: err });
    });
  });
  return { child, stdout: () => Buffer.concat(out), stderr: () => err, done };
}

export function run(tool: Tool, args: string[], options: SpawnOptions = {}): Promise<Result> {
  const proc = start(tool, args, { ...options, input: options.input ?? '' });
  return proc.done;
}

/** -h/-p for a broker, in the form both tsmqtt and mosquitto's clients accept. */
export function at(broker: Broker): string[] {
  return ['-h', broker.host, '-p', String(broker.port)];
}

// Subscribers started together (Promise.all) are started one after another: each waits for one
// more SUBACK than it saw before starting, which a sibling's SUBACK would otherwise satisfy.
const subscribing = new WeakMap<Broker, Promise<unknown>>();

/**
 * Starts a subscriber and resolves once the broker has acknowledged its subscription, so what is
 * published next is certain to reach it.
 */
export function subscriber(broker: Broker, tool: 'tssub' | 'mosquitto_sub', args: string[], options: SpawnOptions = {}): Promise<Running> {
  const previous = subscribing.get(broker) ?? Promise.resolve();
  const mine = previous.catch(() => {}).then(() => startSubscriber(broker, tool, args, options));
  subscribing.set(broker, mine);
  return mine;
}

async function startSubscriber(broker: Broker, tool: 'tssub' | 'mosquitto_sub', args: string[], options: SpawnOptions): Promise<Running> {
  const before = broker.subackCount();
  const proc = start(tool, [...at(broker), ...args], options);
  const exitedEarly = proc.done.then((r) => {
    throw new Error(`${tool} exited before subscribing (code ${r.code}): ${r.stderr}`);
  });
  await Promise.race([broker.waitForSubacks(before + 1), exitedEarly]);
  exitedEarly.catch(() => {});
  return proc;
}

/** Kills whatever a test left running. Register with after() in every e2e file. */
export function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

/**
 * The broker of one test file: started before its tests, stopped after them together with every
 * process they left running. Skipped files (`skip` set) start none. The returned object stands for
 * the broker once `before` has run.
 */
export function fileBroker(options: BrokerOptions = {}, skip: string | false = false): Broker {
  let broker: Broker | undefined;
  before(async () => {
    if (!skip) broker = await startBroker(options);
  });
  after(async () => {
    killAll();
    await broker?.stop();
  });
  return new Proxy({} as Broker, {
    get(_target, key) {
      if (!broker) throw new Error('the broker is used before the before() hook started it');
      const value: unknown = Reflect.get(broker, key);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(broker) : value;
    },
  });
}
