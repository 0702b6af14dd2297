import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** True where the real broker is installed; CI installs it, a laptop may not have it. */
export const hasMosquitto = spawnSync('sh', ['-c', 'command -v mosquitto'], { stdio: 'ignore' }).status === 0;
export const hasMosquittoClients =
  spawnSync('sh', ['-c', 'command -v mosquitto_sub && command -v mosquitto_pub'], { stdio: 'ignore' }).status === 0;

/** In CI the real broker is mandatory: a silent fallback would hide a broken set-up. */
if (process.env['CI'] && (!hasMosquitto || !hasMosquittoClients)) {
  throw new Error('CI=true but mosquitto or mosquitto-clients is not installed (.ci/run installs them)');
}

export interface Broker {
  readonly kind: 'mosquitto' | 'aedes';
  readonly host: string;
  readonly port: number;
  /** Ports of the extra listeners asked for with `extraPorts`, in order. */
  readonly extraPorts: number[];
  /** SUBACKs sent so far: the reliable sign that a subscriber is ready. */
  subackCount(): number;
  /** Waits until at least `n` SUBACKs have been sent in total. */
  waitForSubacks(n: number, timeoutMs?: number): Promise<void>;
  /** The broker's log (mosquitto only; '' for aedes). */
  log(): string;
  /** Sends a signal to the broker process (SIGSTOP to make it unresponsive); mosquitto only. */
  signal(name: NodeJS.Signals): boolean;
  /** Stops the broker process (SIGTERM: it saves its persistence file), keeping port and config. */
  halt(): Promise<void>;
  /** Starts the broker again on the same port with the same config, after halt(); mosquitto only. */
  resume(): Promise<void>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

export interface BrokerOptions {
  /** Extra mosquitto.conf lines (mosquitto only); a function gets the extra listeners' ports. */
  config?: string[] | ((extraPorts: number[]) => string[]);
  /** How many more free ports to pick for listeners the config opens (TLS, unix...). */
  extraPorts?: number;
  /** Keep sessions and queued messages across halt()/resume() (in the broker's temp dir). */
  persistence?: boolean;
}

async function startMosquitto(options: BrokerOptions): Promise<Broker> {
  const dir = mkdtempSync(join(tmpdir(), 'tsmqtt-broker-'));
  const logPath = join(dir, 'mosquitto.log');
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const extraPorts: number[] = [];
    while (extraPorts.length < (options.extraPorts ?? 0)) {
      const extra = await freePort();
      if (extra !== port && !extraPorts.includes(extra)) extraPorts.push(extra);
    }
    const extraConfig = typeof options.config === 'function' ? options.config(extraPorts) : (options.config ?? []);
    const lines = [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      ...(options.persistence ? ['persistence true', `persistence_location ${dir}/`] : ['persistence false']),
      `log_dest file ${logPath}`,
      'log_type all',
      // As root mosquitto would switch to the 'mosquitto' user and lose access to our temp dir.
      ...(process.getuid?.() === 0 ? ['user root'] : []),
      ...extraConfig,
    ];
    writeFileSync(join(dir, 'mosquitto.conf'), `${lines.join('\n')}\n`);
    writeFileSync(logPath, '');
    const launch = (): { child: ChildProcess; exited: () => boolean; stderr: () => string } => {
      const proc: ChildProcess = spawn('mosquitto', ['-c', join(dir, 'mosquitto.conf')], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let err = '';
      proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
      let gone = false;
      proc.on('exit', () => (gone = true));
      return { child: proc, exited: () => gone, stderr: () => err };
    };
    let current = launch();
    const exited = (): boolean => current.exited();
    try {
      await waitUntil(async () => exited() || (await canConnect(port)), 5000, `mosquitto on port ${port}`);
    } catch (err) {
      current.child.kill('SIGKILL');
      throw err;
    }
    if (exited()) {
      // Another process may have taken the port between freePort() and the bind: try another.
      if (attempt < 3) continue;
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`mosquitto failed to start: ${current.stderr()}${readFileSync(logPath, 'utf8')}`);
    }
    const halt = async (): Promise<void> => {
      const { child } = current;
      if (exited()) return;
      child.kill('SIGCONT');
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([gone, sleep(3000)]);
      if (!exited()) {
        child.kill('SIGKILL');
        await gone;
      }
    };
    const readLog = (): string => (existsSync(logPath) ? readFileSync(logPath, 'utf8') : '');
    const subackCount = (): number => readLog().split('Sending SUBACK').length - 1;
    return {
      kind: 'mosquitto',
      host: '127.0.0.1',
      port,
      extraPorts,
      subackCount,
      waitForSubacks: (n, timeoutMs = 5000) => waitUntil(() => subackCount() >= n, timeoutMs, `${n} SUBACK(s)`),
      log: readLog,
      signal: (name) => !exited() && current.child.kill(name),
      halt,
      resume: async () => {
        await halt();
        // The port was ours a moment ago; a lingering socket may hold it for a short while.
        for (let i = 0; ; i++) {
          current = launch();
          await waitUntil(async () => exited() || (await canConnect(port)), 5000, `mosquitto again on port ${port}`);
          if (!exited()) return;
          if (i >= 20) throw new Error(`mosquitto failed to start again: ${current.stderr()}`);
          await sleep(250);
        }
      },
      stop: async () => {
        await halt();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
}

async function startAedes(): Promise<Broker> {
  const { Aedes } = await import('aedes');
  const aedes = await Aedes.createBroker();
  let subacks = 0;
  aedes.on('subscribe', () => subacks++);
  const server = net.createServer(aedes.handle);
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    kind: 'aedes',
    host: '127.0.0.1',
    port,
    extraPorts: [],
    subackCount: () => subacks,
    waitForSubacks: (n, timeoutMs = 5000) => waitUntil(() => subacks >= n, timeoutMs, `${n} SUBACK(s)`),
    log: () => '',
    signal: () => false,
    halt: () => Promise.reject(new Error('halt() needs mosquitto')),
    resume: () => Promise.reject(new Error('resume() needs mosquitto')),
    stop: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
    },
  };
}

/** Starts mosquitto on a free loopback port, or the embedded aedes broker where mosquitto is missing. */
export async function startBroker(options: BrokerOptions = {}): Promise<Broker> {
  const broker = hasMosquitto ? await startMosquitto(options) : await startAedes();
  noteBroker(broker.kind === 'mosquitto' ? mosquittoVersion() : 'aedes (embedded, no mosquitto installed)');
  return broker;
}

/**
 * Tells the run's report which broker served the tests (scripts/test.js names the file): one line
 * per broker started, since the fallback to aedes would otherwise go unnoticed.
 */
export function noteBroker(what: string): void {
  const file = process.env['TSMQTT_TEST_BROKER_LOG'];
  if (file) appendFileSync(file, `${what}\n`);
}

let version: string | undefined;
function mosquittoVersion(): string {
  // `mosquitto -h` prints "mosquitto version 2.0.21" first and exits 3.
  version ??= /mosquitto version (\S+)/.exec(spawnSync('mosquitto', ['-h'], { encoding: 'utf8' }).stdout)?.[1];
  return `mosquitto ${version ?? '(version unknown)'}`;
}
