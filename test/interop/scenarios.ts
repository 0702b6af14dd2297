// The interop scenario table. Every scenario is run twice on the same broker, once with
// tspub/tssub and once with mosquitto_pub/mosquitto_sub given the same arguments, and returns an
// outcome made only of what a script could observe (exit codes, stdout bytes, what arrived), so
// the two runs can be compared for equality. stderr wording is not compared: it differs by design.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { InteropBroker } from './brokers.js';
import { USER, WRONG_PASSWORD } from './brokers.js';
import { run, start, type Family, type Result, type Running } from './clients.js';

export type Outcome = Record<string, string | number | boolean | null>;

export interface Ctx {
  broker: InteropBroker;
  family: Family;
  /** A topic prefix for this scenario; the same for both families (runs are one after another). */
  base: string;
  /** A client id unique to this scenario and family. */
  id: string;
  /** -h/-p and the broker's credentials. */
  at: string[];
  pub(args: string[], input?: string | Buffer, timeoutMs?: number): Promise<Result>;
  /** Runs a subscriber to completion (for those that exit on their own: -E, -W, refusals). */
  subRun(args: string[], timeoutMs?: number): Promise<Result>;
  /** Starts a subscriber and returns once its SUBACK went by (or it exited). */
  sub(args: string[], timeoutMs?: number): Promise<Running>;
  tmp: string;
}

export interface Scenario {
  id: string;
  title: string;
  /** true when the scenario applies to the broker, or the reason it does not (shown as n.a.). */
  applies?(broker: InteropBroker): true | string;
  run(ctx: Ctx): Promise<Outcome>;
}

/** Exit status as a script sees it: the code, or the signal that ended the process. */
function exit(r: Result): string | number {
  return r.code ?? `killed:${r.signal}`;
}

/** stdout as text where it is short and printable, else its size and hash. */
function summary(buf: Buffer): string {
  const text = buf.toString('utf8');
  if (buf.length <= 200 && Buffer.from(text, 'utf8').equals(buf) && !/[\u0000-\u0008\u000e-\u001f]/.test(text)) return text;
  return `${buf.length} bytes sha256:${createHash('sha256').update(buf).digest('hex').slice(0, 16)}`;
}

function needs(version: '31' | '311' | '5', quirk: string) {
  return (b: InteropBroker): true | string => (b.versions.includes(version) ? true : quirk);
}
const noV5 = 'no MQTT 5';
const noV31 = 'no MQTT 3.1';

/** One message from a publisher of the family to a subscriber of the family. */
function delivery(pubQos: string, subQos: string, extra: string[] = []) {
  return async (ctx: Ctx): Promise<Outcome> => {
    const t = `${ctx.base}/t`;
    const sub = await ctx.sub([...extra, '-q', subQos, '-t', t, '-C', '1', '-W', '10', '-F', '%q %r %p']);
    const pub = await ctx.pub([...extra, '-q', pubQos, '-t', t, '-m', 'hello']);
    const got = await sub.done;
    return { pub: exit(pub), pubOut: summary(pub.stdout), sub: exit(got), got: summary(got.stdout) };
  };
}

async function clearRetained(ctx: Ctx, topic: string, extra: string[] = []): Promise<void> {
  await ctx.pub([...extra, '-q', '1', '-r', '-n', '-t', topic]);
}

/** Deterministic bytes covering every byte value (a small LCG), so a failure can be reproduced. */
function binary(size: number): Buffer {
  const buf = Buffer.alloc(size);
  let x = 0x12345678;
  for (let i = 0; i < size; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    buf[i] = x >>> 24;
  }
  return buf;
}

export const SCENARIOS: readonly Scenario[] = [
  { id: 'qos0', title: 'QoS 0 publish and subscribe', run: delivery('0', '0') },
  { id: 'qos1', title: 'QoS 1 publish and subscribe', run: delivery('1', '1') },
  { id: 'qos2', title: 'QoS 2 publish and subscribe', run: delivery('2', '2') },
  { id: 'downgrade', title: 'QoS 2 publish to a QoS 1 subscription', run: delivery('2', '1') },
  {
    id: 'qos2-debug',
    title: 'QoS 2 publish with -d: same exit code as without',
    async run(ctx) {
      const t = `${ctx.base}/t`;
      const sub = await ctx.sub(['-q', '2', '-t', t, '-C', '1', '-W', '10']);
      // -d output goes to stdout in mosquitto_pub and to stderr in tspub: only the exit code counts.
      const pub = await ctx.pub(['-d', '-q', '2', '-t', t, '-m', 'hello']);
      const got = await sub.done;
      return { pub: exit(pub), sub: exit(got), got: summary(got.stdout) };
    },
  },
  {
    id: 'qos2-lines',
    title: 'QoS 2 with -l (one line), then end of input',
    async run(ctx) {
      const t = `${ctx.base}/t`;
      const sub = await ctx.sub(['-q', '2', '-t', t, '-C', '1', '-W', '10']);
      const pub = await ctx.pub(['-q', '2', '-t', t, '-l'], 'line\n', 15_000);
      const got = await sub.done;
      return { pub: exit(pub), pubOut: summary(pub.stdout), sub: exit(got), got: summary(got.stdout) };
    },
  },
  { id: 'v31', title: '-V 31 (MQTT 3.1)', applies: needs('31', noV31), run: delivery('1', '1', ['-V', '31']) },
  { id: 'v311', title: '-V 311 (MQTT 3.1.1)', applies: needs('311', 'no MQTT 3.1.1'), run: delivery('1', '1', ['-V', '311']) },
  { id: 'v5', title: '-V 5 (MQTT 5)', applies: needs('5', noV5), run: delivery('1', '1', ['-V', '5']) },
  {
    id: 'v5-refused',
    title: '-V 5 against a broker without MQTT 5: exit codes',
    applies: (b) => (b.versions.includes('5') ? 'broker speaks MQTT 5' : true),
    async run(ctx) {
      const pub = await ctx.pub(['-V', '5', '-t', `${ctx.base}/t`, '-m', 'x'], undefined, 15_000);
      const sub = await ctx.subRun(['-V', '5', '-t', `${ctx.base}/t`, '-W', '5'], 15_000);
      return { pub: exit(pub), pubOut: summary(pub.stdout), sub: exit(sub), subOut: summary(sub.stdout) };
    },
  },
  {
    id: 'v31-refused',
    title: '-V 31 against a broker without MQTT 3.1: exit codes',
    applies: (b) => (b.versions.includes('31') ? 'broker speaks MQTT 3.1' : true),
    async run(ctx) {
      const pub = await ctx.pub(['-V', '31', '-t', `${ctx.base}/t`, '-m', 'x'], undefined, 15_000);
      const sub = await ctx.subRun(['-V', '31', '-t', `${ctx.base}/t`, '-W', '5'], 15_000);
      return { pub: exit(pub), sub: exit(sub), subOut: summary(sub.stdout) };
    },
  },
  {
    id: 'retained',
    title: 'retained message set, seen by a new subscriber, cleared',
    async run(ctx) {
      const t = `${ctx.base}/t`;
      const set = await ctx.pub(['-q', '1', '-r', '-t', t, '-m', 'kept']);
      const seen = await ctx.subRun(['-t', t, '-C', '1', '-W', '5', '-F', '%r %p']);
      const clear = await ctx.pub(['-q', '1', '-r', '-n', '-t', t]);
      const after = await ctx.subRun(['-t', t, '-W', '2']);
      return { set: exit(set), seen: exit(seen), got: summary(seen.stdout), clear: exit(clear), after: exit(after), afterOut: summary(after.stdout) };
    },
  },
  {
    id: 'retained-wildcard',
    title: 'retained message seen through a wildcard subscription',
    async run(ctx) {
      const t = `${ctx.base}/a/b`;
      const set = await ctx.pub(['-q', '1', '-r', '-t', t, '-m', 'kept']);
      const seen = await ctx.subRun(['-t', `${ctx.base}/#`, '-C', '1', '-W', '3', '-v']);
      await clearRetained(ctx, t);
      return { set: exit(set), seen: exit(seen), got: summary(seen.stdout) };
    },
  },
  {
    id: 'will',
    title: 'will sent when a tssub/mosquitto_sub with --will-* is killed with SIGKILL',
    async run(ctx) {
      const w = `${ctx.base}/will`;
      const observer = await ctx.sub(['-q', '1', '-t', w, '-C', '1', '-W', '10', '-v']);
      const victim = await ctx.sub(['-t', `${ctx.base}/idle`, '--will-topic', w, '--will-payload', 'gone', '--will-qos', '1']);
      victim.child.kill('SIGKILL');
      const v = await victim.done;
      const got = await observer.done;
      return { victim: exit(v), observer: exit(got), got: summary(got.stdout) };
    },
  },
  {
    id: 'session',
    title: 'persistent session (-c -i): QoS 1 message queued while away',
    async run(ctx) {
      const t = `${ctx.base}/t`;
      const first = await ctx.subRun(['-c', '-i', ctx.id, '-q', '1', '-t', t, '-E']);
      const pub = await ctx.pub(['-q', '1', '-t', t, '-m', 'queued']);
      const back = await ctx.subRun(['-c', '-i', ctx.id, '-q', '1', '-t', t, '-C', '1', '-W', '5']);
      // A clean connection with the same id ends the stored session.
      await ctx.subRun(['-i', ctx.id, '-t', t, '-E']);
      return { first: exit(first), pub: exit(pub), back: exit(back), got: summary(back.stdout) };
    },
  },
  {
    id: 'binary-1mb',
    title: '1 MiB binary payload from -f, byte-exact',
    async run(ctx) {
      const t = `${ctx.base}/t`;
      const data = binary(1024 * 1024);
      const file = join(ctx.tmp, 'payload.bin');
      writeFileSync(file, data);
      const sub = await ctx.sub(['-q', '1', '-t', t, '-C', '1', '-W', '30', '-N'], 40_000);
      const pub = await ctx.pub(['-q', '1', '-t', t, '-f', file], undefined, 40_000);
      const got = await sub.done;
      return { pub: exit(pub), sub: exit(got), exact: got.stdout.equals(data), got: summary(got.stdout) };
    },
  },
  {
    id: 'lines-10k',
    title: '10,000 lines with -l at QoS 1, all delivered in order',
    async run(ctx) {
      const t = `${ctx.base}/t`;
      const lines = Array.from({ length: 10_000 }, (_, i) => `line ${String(i).padStart(5, '0')}`);
      const sub = await ctx.sub(['-q', '1', '-t', t, '-C', '10000', '-W', '30'], 40_000);
      const pub = await ctx.pub(['-q', '1', '-t', t, '-l'], `${lines.join('\n')}\n`, 40_000);
      const got = await sub.done;
      const received = got.stdout.toString('utf8').split('\n').filter((l) => l !== '');
      // How many were lost when some were is timing, not behaviour: only "all or not" is compared.
      return {
        pub: exit(pub),
        sub: exit(got),
        all: received.length === lines.length,
        inOrder: received.every((l, i) => l === lines[i]),
      };
    },
  },
  {
    id: 'wildcards',
    title: 'wildcards + and # with -T filtering out',
    async run(ctx) {
      const b = ctx.base;
      const sub = await ctx.sub(['-q', '1', '-t', `${b}/+/x`, '-t', `${b}/deep/#`, '-T', `${b}/skip/+`, '-C', '2', '-W', '10', '-v']);
      // One after another, each acknowledged before the next: the order on arrival is fixed.
      const codes = [];
      for (const [topic, payload] of [[`${b}/skip/x`, 'filtered'], [`${b}/a/x`, 'one'], [`${b}/a/y`, 'unmatched'], [`${b}/deep/1/2`, 'two']] as const) {
        codes.push(exit(await ctx.pub(['-q', '1', '-t', topic, '-m', payload])));
      }
      const got = await sub.done;
      return { pubs: codes.join(','), sub: exit(got), got: summary(got.stdout) };
    },
  },
  {
    id: 'v5-properties',
    title: 'MQTT 5 properties: user property, content type, response topic, correlation data',
    applies: needs('5', noV5),
    async run(ctx) {
      const t = `${ctx.base}/t`;
      const sub = await ctx.sub(['-V', '5', '-q', '1', '-t', t, '-C', '1', '-W', '10', '-F', '%p|%C|%R|%D|%P']);
      const pub = await ctx.pub([
        '-V', '5', '-q', '1', '-t', t, '-m', 'props',
        '-D', 'publish', 'user-property', 'k', 'v',
        '-D', 'publish', 'content-type', 'text/plain',
        '-D', 'publish', 'response-topic', `${ctx.base}/reply`,
        '-D', 'publish', 'correlation-data', 'c0rr',
      ]);
      const got = await sub.done;
      return { pub: exit(pub), sub: exit(got), got: summary(got.stdout) };
    },
  },
  {
    id: 'v5-expiry',
    title: 'MQTT 5 message expiry: a retained message with expiry 3 s is gone after it',
    applies: needs('5', noV5),
    async run(ctx) {
      const t = `${ctx.base}/t`;
      const v5 = ['-V', '5'];
      const set = await ctx.pub([...v5, '-q', '1', '-r', '-t', t, '-m', 'short-lived', '-D', 'publish', 'message-expiry-interval', '3']);
      const before = await ctx.subRun([...v5, '-t', t, '-C', '1', '-W', '3']);
      // Expiry is measured by the broker's clock: there is no event to wait for, only time. The
      // margins are wide because mosquitto reads its clock in whole seconds, and only now and then.
      await sleep(3500);
      const after = await ctx.subRun([...v5, '-t', t, '-W', '2']);
      await clearRetained(ctx, t, v5);
      return { set: exit(set), before: exit(before), beforeOut: summary(before.stdout), after: exit(after), afterOut: summary(after.stdout) };
    },
  },
  {
    id: 'auth-failure',
    title: 'wrong password: exit code of the refusal',
    async run(ctx) {
      const at = ['-h', ctx.broker.host, '-p', String(ctx.broker.port), '-u', USER, '-P', WRONG_PASSWORD];
      const pub = await run(ctx.family, 'pub', [...at, '-t', `${ctx.base}/t`, '-m', 'x'], { timeoutMs: 15_000 });
      const sub = await run(ctx.family, 'sub', [...at, '-t', `${ctx.base}/t`, '-W', '5'], { timeoutMs: 15_000 });
      return { pub: exit(pub), pubOut: summary(pub.stdout), sub: exit(sub), subOut: summary(sub.stdout) };
    },
  },
  {
    id: 'sub-C',
    title: '-C 2 stops after two of three messages',
    async run(ctx) {
      const t = `${ctx.base}/t`;
      const sub = await ctx.sub(['-q', '1', '-t', t, '-C', '2', '-W', '10']);
      const codes = [];
      for (const m of ['m1', 'm2', 'm3']) codes.push(exit(await ctx.pub(['-q', '1', '-t', t, '-m', m])));
      const got = await sub.done;
      return { pubs: codes.join(','), sub: exit(got), got: summary(got.stdout) };
    },
  },
  {
    id: 'sub-W',
    title: '-W 1 with no message: timed out',
    async run(ctx) {
      const sub = await ctx.subRun(['-t', `${ctx.base}/nothing`, '-W', '1'], 10_000);
      return { sub: exit(sub), got: summary(sub.stdout) };
    },
  },
  {
    id: 'sub-R',
    title: '-R skips the retained message, prints the live one',
    async run(ctx) {
      const t = `${ctx.base}/t`;
      await ctx.pub(['-q', '1', '-r', '-t', t, '-m', 'stale']);
      const sub = await ctx.sub(['-R', '-q', '1', '-t', t, '-C', '1', '-W', '10']);
      const pub = await ctx.pub(['-q', '1', '-t', t, '-m', 'fresh']);
      const got = await sub.done;
      await clearRetained(ctx, t);
      return { pub: exit(pub), sub: exit(got), got: summary(got.stdout) };
    },
  },
  {
    id: 'sub-E',
    title: '-E exits once subscribed',
    async run(ctx) {
      const sub = await ctx.subRun(['-t', `${ctx.base}/t`, '-E'], 10_000);
      return { sub: exit(sub), got: summary(sub.stdout) };
    },
  },
];

/** Builds the context of one scenario run, and removes its temp folder after. */
export async function withCtx<T>(broker: InteropBroker, family: Family, scenario: Scenario, fn: (ctx: Ctx) => Promise<T>): Promise<T> {
  const tmp = mkdtempSync(join(tmpdir(), 'tsmqtt-interop-run-'));
  const at = ['-h', broker.host, '-p', String(broker.port), ...broker.auth];
  const ctx: Ctx = {
    broker,
    family,
    base: `interop/${scenario.id}`,
    id: `interop-${scenario.id}-${family}`,
    at,
    tmp,
    pub: (args, input, timeoutMs = 30_000) => run(family, 'pub', [...at, ...args], { timeoutMs, ...(input === undefined ? {} : { input }) }),
    subRun: (args, timeoutMs = 30_000) => run(family, 'sub', [...at, ...args], { timeoutMs }),
    async sub(args, timeoutMs = 30_000) {
      const before = broker.subacks();
      const proc = start(family, 'sub', [...at, ...args], { timeoutMs });
      let exited = false;
      void proc.done.then(() => (exited = true));
      const deadline = Date.now() + 15_000;
      // Bounded by the deadline; the subscriber's own exit also ends the wait.
      while (broker.subacks() <= before && !exited) {
        if (Date.now() > deadline) break;
        await sleep(10);
      }
      return proc;
    },
  };
  try {
    return await fn(ctx);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
