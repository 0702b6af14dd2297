// Broker launchers for the interop and fault suites. Each broker runs as a plain child process
// (or in-process, for aedes) with every file it writes in a temporary folder of its own, on free
// loopback ports: no system service is used, and stop() leaves nothing behind.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startRelay, type Relay } from './relay.js';

export type BrokerName = 'mosquitto' | 'aedes' | 'rabbitmq' | 'ejabberd';
export const BROKERS: readonly BrokerName[] = ['mosquitto', 'aedes', 'rabbitmq', 'ejabberd'];

/** MQTT versions by their -V spelling. */
type Version = '31' | '311' | '5';

/** Credentials every broker here accepts, and a password none accepts for that user. */
export const USER = 'tsmqtt';
const PASSWORD = 'secret';
export const WRONG_PASSWORD = 'wrong';

export interface InteropBroker {
  readonly name: BrokerName;
  readonly host: string;
  /** Where clients connect: a relay in front of the broker that counts SUBACKs. */
  readonly port: number;
  /** The broker's own port (behind the relay). */
  readonly brokerPort: number;
  /** Credentials to pass on every connection (ejabberd has no anonymous MQTT login that also refuses bad passwords). */
  readonly auth: readonly string[];
  readonly versions: readonly Version[];
  /** Milliseconds from launch until the broker accepted TCP connections. */
  readonly startMs: number;
  subacks(): number;
  waitForSubacks(n: number, timeoutMs?: number): Promise<void>;
  /** Session-present flags of the CONNACKs sent so far. */
  connacks(): boolean[];
  waitForConnacks(n: number, timeoutMs?: number): Promise<void>;
  /** The broker's log so far, for failure messages. */
  log(): string;
  /** Signals the broker's processes (SIGKILL, SIGSTOP, SIGCONT); false for in-process brokers. */
  signal(name: NodeJS.Signals): boolean;
  /** Starts the broker again on the same port and data after it died (kill -9); process brokers only. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Thrown when a broker is not installed or failed to start: the suite skips it and says why. */
class Unavailable extends Error {}

export function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

async function freePort(avoid: readonly number[] = []): Promise<number> {
  // Bounded: the kernel hands out a different ephemeral port almost every time.
  for (let i = 0; i < 20; i++) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = net.createServer();
      server.unref();
      server.on('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const { port: p } = server.address() as net.AddressInfo;
        server.close(() => resolve(p));
      });
    });
    if (!avoid.includes(port)) return port;
  }
  throw new Error('no free port found');
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/**
 * Process groups and folders still alive. A broker runs detached (its own process group), so it
 * would outlive a runner that dies without calling stop(): on exit they are killed and removed.
 */
const liveGroups = new Set<number>();
const liveDirs = new Set<string>();
process.on('exit', () => {
  for (const pgid of liveGroups) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
});

/**
 * A broker run as a child process in its own process group, so that signals reach every process
 * of it (RabbitMQ's start script and the Erlang VM under it) and nothing outlives stop().
 */
class ProcessGroup {
  child: ChildProcess | undefined;
  private exited = true;

  constructor(
    private readonly file: string,
    private readonly args: string[],
    private readonly env: NodeJS.ProcessEnv,
    private readonly cwd: string,
    private readonly logPath: string,
  ) {}

  launch(): void {
    const out = openSync(this.logPath, 'a');
    const child = spawn(this.file, this.args, { env: this.env, cwd: this.cwd, detached: true, stdio: ['ignore', out, out] });
    closeSync(out);
    this.exited = false;
    if (child.pid !== undefined) liveGroups.add(child.pid);
    child.on('exit', () => (this.exited = true));
    this.child = child;
  }

  get running(): boolean {
    return !this.exited;
  }

  signal(name: NodeJS.Signals): boolean {
    const pid = this.child?.pid;
    if (pid === undefined || this.exited) return false;
    try {
      process.kill(-pid, name);
      return true;
    } catch {
      return false;
    }
  }

  /** Waits until the port accepts connections; fails early if the process exits. */
  async waitReady(port: number, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await canConnect(port))) {
      if (this.exited) throw new Unavailable(`${what} exited during start-up`);
      if (Date.now() > deadline) throw new Unavailable(`${what} did not accept connections within ${timeoutMs} ms`);
      await sleep(50);
    }
  }

  async waitExit(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.exited && Date.now() < deadline) await sleep(20);
    return this.exited;
  }

  /** SIGTERM (SIGCONT first, in case it was frozen), then SIGKILL if it lingers. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.exited) {
      // The leader is gone but a stray member of the group may be left (a killed start script).
      this.signal('SIGKILL');
      if (this.child?.pid !== undefined) {
        try {
          process.kill(-this.child.pid, 'SIGKILL');
        } catch {
          // none left
        }
        liveGroups.delete(this.child.pid);
      }
      return;
    }
    this.signal('SIGCONT');
    this.signal('SIGTERM');
    if (!(await this.waitExit(graceMs))) {
      this.signal('SIGKILL');
      await this.waitExit(5000);
    }
    // Erlang may leave helper processes (erl_child_setup, inet_gethost) in the group for a moment.
    try {
      process.kill(-this.child!.pid!, 'SIGKILL');
    } catch {
      // none left: the usual case
    }
    liveGroups.delete(this.child!.pid!);
  }
}

interface Launched {
  brokerPort: number;
  startMs: number;
  log(): string;
  signal(name: NodeJS.Signals): boolean;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

async function withRelay(
  name: BrokerName,
  auth: readonly string[],
  versions: readonly Version[],
  launched: Launched,
): Promise<InteropBroker> {
  let relay: Relay;
  try {
    relay = await startRelay({ host: '127.0.0.1', port: launched.brokerPort });
  } catch (err) {
    await launched.stop();
    throw err;
  }
  return {
    name,
    host: '127.0.0.1',
    port: relay.port,
    brokerPort: launched.brokerPort,
    auth,
    versions,
    startMs: launched.startMs,
    subacks: () => relay.subacks(),
    waitForSubacks: (n, timeoutMs = 10_000) => relay.waitForSubacks(n, timeoutMs),
    connacks: () => relay.connacks(),
    waitForConnacks: (n, timeoutMs = 10_000) => relay.waitForConnacks(n, timeoutMs),
    log: launched.log,
    signal: launched.signal,
    restart: async () => {
      relay.dropAll();
      await launched.restart();
    },
    stop: async () => {
      await relay.stop();
      await launched.stop();
    },
  };
}

function readLog(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

async function launchProcessBroker(
  what: string,
  dir: string,
  group: ProcessGroup,
  port: number,
  timeoutMs: number,
  logPath: string,
  afterStart: () => Promise<void> = async () => {},
  cleanup: () => Promise<void> = async () => {},
): Promise<Launched> {
  liveDirs.add(dir);
  const stopAll = async (): Promise<void> => {
    await group.stop();
    await cleanup();
    rmSync(dir, { recursive: true, force: true });
    liveDirs.delete(dir);
  };
  const t0 = performance.now();
  group.launch();
  try {
    await group.waitReady(port, timeoutMs, what);
    await afterStart();
  } catch (err) {
    const tail = readLog(logPath).split('\n').slice(-15).join('\n');
    await stopAll();
    throw new Unavailable(`${(err as Error).message}\n${tail}`);
  }
  const startMs = Math.round(performance.now() - t0);
  return {
    brokerPort: port,
    startMs,
    log: () => readLog(logPath),
    signal: (name) => group.signal(name),
    restart: async () => {
      await group.stop(5000);
      // The old VM's listening socket may linger for a moment after its death.
      group.launch();
      await group.waitReady(port, timeoutMs, `${what} (restart)`);
    },
    stop: stopAll,
  };
}

// ---------------------------------------------------------------------------------------------

export interface MosquittoOptions {
  /** Keep sessions and queued messages across restart() (written on SIGTERM and every 1 s). */
  persistence?: boolean;
}

export async function startMosquitto(options: MosquittoOptions = {}): Promise<InteropBroker> {
  if (!hasCommand('mosquitto')) throw new Unavailable('mosquitto is not installed (apt-get install mosquitto)');
  if (!hasCommand('mosquitto_passwd')) throw new Unavailable('mosquitto_passwd is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'tsmqtt-interop-mosquitto-'));
  const passwords = join(dir, 'passwd');
  writeFileSync(passwords, '');
  spawnSync('mosquitto_passwd', ['-b', passwords, USER, PASSWORD], { stdio: 'ignore' });
  const port = await freePort();
  const logPath = join(dir, 'mosquitto.log');
  writeFileSync(
    join(dir, 'mosquitto.conf'),
    [
      `listener ${port} 127.0.0.1`,
      // Anonymous clients are let in; a known user with a wrong password is refused.
      'allow_anonymous true',
      `password_file ${passwords}`,
      ...(options.persistence ? ['persistence true', `persistence_location ${dir}/`, 'autosave_interval 1'] : ['persistence false']),
      // The default (1000) drops QoS 1 messages for a subscriber that falls behind, which a busy
      // 2-core machine makes happen in the 10,000-line scenario: test the clients, not that limit.
      'max_queued_messages 0',
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      'log_type notice',
      // As root mosquitto would switch to the 'mosquitto' user and lose access to our folder.
      ...(process.getuid?.() === 0 ? ['user root'] : []),
      '',
    ].join('\n'),
  );
  const group = new ProcessGroup('mosquitto', ['-c', join(dir, 'mosquitto.conf')], process.env, dir, logPath);
  const launched = await launchProcessBroker('mosquitto', dir, group, port, 10_000, logPath);
  return withRelay('mosquitto', [], ['31', '311', '5'], launched);
}

async function startAedes(): Promise<InteropBroker> {
  const t0 = performance.now();
  const { Aedes } = await import('aedes');
  const aedes = await Aedes.createBroker({
    // Anonymous clients are let in; a known user with a wrong password is refused.
    authenticate: (_client, username, password, done) => {
      if (username === undefined) return done(null, true);
      const ok = username === USER && password?.toString() === PASSWORD;
      if (ok) return done(null, true);
      const err = Object.assign(new Error('bad user name or password'), { returnCode: 4 });
      return done(err as Parameters<typeof done>[0], false);
    },
  });
  const server = net.createServer(aedes.handle);
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const startMs = Math.round(performance.now() - t0);
  return withRelay('aedes', [], ['31', '311'], {
    brokerPort: port,
    startMs,
    log: () => '',
    signal: () => false,
    restart: () => Promise.reject(new Error('aedes runs in-process: it cannot be killed and restarted')),
    stop: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
    },
  });
}

const RABBITMQ_SERVER = '/usr/lib/rabbitmq/bin/rabbitmq-server';

/**
 * RabbitMQ 3.x with its MQTT plugin, run from the Debian package's own start script (not the
 * /usr/sbin wrapper, which switches to the rabbitmq user and uses /var/lib/rabbitmq). Every
 * RABBITMQ_* location points into our folder, the node name is unique, and it gets an epmd of its
 * own on a free port so it neither meets nor leaves behind a system-wide one.
 */
async function startRabbitMQ(): Promise<InteropBroker> {
  if (!existsSync(RABBITMQ_SERVER)) throw new Unavailable('RabbitMQ is not installed (apt-get install rabbitmq-server)');
  if (!hasCommand('epmd')) throw new Unavailable('epmd (erlang-base) is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'tsmqtt-interop-rabbitmq-'));
  const ports: number[] = [];
  for (let i = 0; i < 4; i++) ports.push(await freePort(ports));
  const [epmdPort, amqpPort, distPort, mqttPort] = ports as [number, number, number, number];
  const logPath = join(dir, 'rabbitmq.out');
  writeFileSync(join(dir, 'enabled_plugins'), '[rabbitmq_mqtt].\n');
  writeFileSync(
    join(dir, 'rabbitmq.conf'),
    [
      `listeners.tcp.1 = 127.0.0.1:${amqpPort}`,
      `mqtt.listeners.tcp.1 = 127.0.0.1:${mqttPort}`,
      // Clients without credentials log in as guest/guest, which RabbitMQ has out of the box.
      'mqtt.allow_anonymous = true',
      'loopback_users = none',
      '',
    ].join('\n'),
  );
  const epmd = new ProcessGroup('epmd', ['-port', String(epmdPort), '-address', '127.0.0.1'], process.env, dir, join(dir, 'epmd.log'));
  epmd.launch();
  try {
    await epmd.waitReady(epmdPort, 5000, 'epmd');
  } catch (err) {
    await epmd.stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    HOME: dir, // where the Erlang cookie is written
    LANG: 'C.UTF-8',
    ERL_EPMD_PORT: String(epmdPort),
    RABBITMQ_NODENAME: `tsmqtt-${process.pid}-${mqttPort}@localhost`,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(amqpPort),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
    RABBITMQ_ADVANCED_CONFIG_FILE: join(dir, 'advanced.config'),
    RABBITMQ_CONF_ENV_FILE: join(dir, 'rabbitmq-env.conf'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    RABBITMQ_PLUGINS_EXPAND_DIR: join(dir, 'plugins-expand'),
    RABBITMQ_PID_FILE: join(dir, 'rabbitmq.pid'),
  };
  const group = new ProcessGroup(RABBITMQ_SERVER, [], env, dir, logPath);
  const launched = await launchProcessBroker('RabbitMQ', dir, group, mqttPort, 90_000, logPath, undefined, () => epmd.stop());
  return withRelay('rabbitmq', [], ['31', '311'], {
    ...launched,
    log: () => launched.log() + readLogs(join(dir, 'log')),
  });
}

function readLogs(folder: string): string {
  const r = spawnSync('sh', ['-c', `cat "${folder}"/*.log 2>/dev/null | tail -n 40`], { encoding: 'utf8' });
  return r.stdout ?? '';
}

const EJABBERD_LIBS = '/usr/lib/x86_64-linux-gnu';

/**
 * ejabberd's MQTT broker (mod_mqtt), run as a bare Erlang VM without distribution (so no epmd and
 * no node name), with its own config, Mnesia spool and log in our folder. MQTT logins go through
 * ejabberd's user accounts: one user is registered when it is up.
 */
async function startEjabberd(): Promise<InteropBroker> {
  if (!existsSync(join(EJABBERD_LIBS, 'ejabberd-23.01')) && !hasCommand('ejabberdctl')) {
    throw new Unavailable('ejabberd is not installed (apt-get install ejabberd)');
  }
  if (!hasCommand('erl')) throw new Unavailable('erl (erlang-base) is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'tsmqtt-interop-ejabberd-'));
  const port = await freePort();
  const logPath = join(dir, 'ejabberd.out');
  writeFileSync(
    join(dir, 'ejabberd.yml'),
    [
      'loglevel: warning',
      'hosts:',
      '  - localhost',
      'auth_method: [internal]',
      'auth_password_format: plain',
      'listen:',
      `  - port: ${port}`,
      '    ip: "127.0.0.1"',
      '    module: mod_mqtt',
      '    backlog: 100',
      'acme:',
      '  auto: false',
      'modules:',
      // The default (5000) closes a subscriber's session under a fast burst, "Message queue is
      // overloaded": the 10,000-line scenario would test that limit instead of the clients.
      '  mod_mqtt:',
      '    max_queue: unlimited',
      '',
    ].join('\n'),
  );
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    HOME: dir,
    LANG: 'C.UTF-8',
    EJABBERD_CONFIG_PATH: join(dir, 'ejabberd.yml'),
    EJABBERD_LOG_PATH: join(dir, 'ejabberd.log'),
    ERL_LIBS: EJABBERD_LIBS,
    ERL_CRASH_DUMP: join(dir, 'erl_crash.dump'),
  };
  // The user is registered by the VM itself once ejabberd is up: ejabberdctl would need Erlang
  // distribution, which this VM does not run. Registering twice (on restart) is harmless.
  const register = `case ejabberd_auth:try_register(<<"${USER}">>, <<"localhost">>, <<"${PASSWORD}">>) of {error, exists} -> ok; {error, E} -> io:format("register failed: ~p~n", [E]); _ -> io:format("registered~n") end.`;
  const args = ['-noinput', '-noshell', '+K', 'true', '-mnesia', 'dir', `"${join(dir, 'spool')}"`, '-s', 'ejabberd', '-eval', register];
  const group = new ProcessGroup('erl', args, env, dir, logPath);
  const launched = await launchProcessBroker('ejabberd', dir, group, port, 60_000, logPath, async () => {
    // The listener opens before -eval runs: wait for the account, or logins are refused at first.
    const deadline = Date.now() + 20_000;
    while (!/registered|register failed/.test(readLog(logPath))) {
      if (Date.now() > deadline) throw new Unavailable('ejabberd: the MQTT user was not registered within 20 s');
      await sleep(50);
    }
    if (/register failed/.test(readLog(logPath))) throw new Unavailable('ejabberd: could not register the MQTT user');
  });
  return withRelay('ejabberd', ['-u', USER, '-P', PASSWORD], ['311', '5'], {
    ...launched,
    log: () => launched.log() + readLog(join(dir, 'ejabberd.log')),
  });
}

export function startNamed(name: BrokerName): Promise<InteropBroker> {
  switch (name) {
    case 'mosquitto':
      return startMosquitto();
    case 'aedes':
      return startAedes();
    case 'rabbitmq':
      return startRabbitMQ();
    case 'ejabberd':
      return startEjabberd();
  }
}
