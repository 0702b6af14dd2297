// npm run bench: tspub/tssub side by side with mosquitto_pub/mosquitto_sub and `node -e ''`, on one
// machine, in one run, against a mosquitto of its own on a free loopback port. Prints the machine,
// a table of values and ratios, and whether the targets of the performance issue are met.
// Plain Node (no TypeScript); runs the built bin/ (npm run bench builds first).
//
//   node scripts/bench.js [--quick] [--runs N] [--warmup N] [--lines N] [--count N] [--stream N]
//                         [--repeat N] [--no-hyperfine] [--keep-env] [--json FILE]
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const NODE = process.execPath;
const TSPUB = join(root, 'bin', 'tspub.js');
const TSSUB = join(root, 'bin', 'tssub.js');

// ---------------------------------------------------------------------------------------------
// Options

const USAGE = `Usage: node scripts/bench.js [options]
  --quick          small sizes and few runs (a smoke test of the bench, not a measurement)
  --runs N         one-shot runs per command (default 30; --quick 8)
  --warmup N       one-shot warm-up runs per command (default 3; --quick 1)
  --lines N        lines for the -l throughput rows (default 60000; --quick 5000)
  --count N        messages for the tssub/mosquitto_sub -C rows (default 200000; --quick 10000)
  --stream N       messages for the streaming peak-RSS rows (default 1000000; --quick 20000)
  --repeat N       runs of each throughput row, median reported (default 3; --quick 1)
  --no-hyperfine   time one-shot commands with the built-in loop even if hyperfine is installed
  --keep-env       keep NODE_OPTIONS and NODE_EXTRA_CA_CERTS for the commands measured
  --json FILE      also write the results as JSON
  --help           this text`;

function parseOptions(argv) {
  const quick = argv.includes('--quick');
  const options = {
    quick,
    runs: quick ? 8 : 30,
    warmup: quick ? 1 : 3,
    lines: quick ? 5000 : 60000,
    count: quick ? 10000 : 200000,
    stream: quick ? 20000 : 1000000,
    repeat: quick ? 1 : 3,
    hyperfine: true,
    keepEnv: false,
    json: undefined,
  };
  const numeric = { '--runs': 'runs', '--warmup': 'warmup', '--lines': 'lines', '--count': 'count', '--stream': 'stream', '--repeat': 'repeat' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') continue;
    if (arg === '--help') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    if (arg === '--no-hyperfine') options.hyperfine = false;
    else if (arg === '--keep-env') options.keepEnv = true;
    else if (arg === '--json') options.json = argv[++i];
    else if (arg in numeric) {
      const value = Number(argv[++i]);
      if (!Number.isInteger(value) || value < (arg === '--warmup' ? 0 : 1)) fail(`${arg} needs a positive whole number`);
      options[numeric[arg]] = value;
    } else fail(`unknown option '${arg}'\n${USAGE}`);
  }
  return options;
}

function fail(message) {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(1);
}

// ---------------------------------------------------------------------------------------------
// Processes: every child is tracked and ended on exit, whatever happens.

const children = new Set();
let tempDir;

function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

function cleanUp() {
  for (const child of children) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  children.clear();
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  tempDir = undefined;
}

process.on('exit', cleanUp);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    cleanUp();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** Runs a command to completion; resolves with wall ms, exit code, captured stdout and peak RSS. */
function runTimed(argv, { env, stdin = 'ignore', stdout = 'ignore', rss = false, timeoutMs = 300_000 } = {}) {
  return new Promise((resolve, reject) => {
    const timeFile = rss && timeBinary ? join(tempDir, `time-${process.hrtime.bigint()}.txt`) : undefined;
    const command = timeFile ? [timeBinary, '-f', '%M', '-o', timeFile, ...argv] : argv;
    const input = typeof stdin === 'string' && stdin !== 'ignore' ? openSync(stdin, 'r') : stdin;
    const output = stdout === 'null' ? openSync('/dev/null', 'w') : stdout;
    const started = process.hrtime.bigint();
    const child = track(spawn(command[0], command.slice(1), { env, stdio: [input, output, 'pipe'] }));
    if (typeof input === 'number') closeSync(input);
    if (typeof output === 'number') closeSync(output);
    let stderr = '';
    let captured = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout?.on('data', (d) => (captured += d));
    const poller = rss && !timeFile ? pollPeakRss(child.pid) : undefined;
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      let peakKiB = poller?.stop();
      if (timeFile) {
        const lines = existsSync(timeFile) ? readFileSync(timeFile, 'utf8').trim().split('\n') : [];
        peakKiB = Number(lines.at(-1));
        rmSync(timeFile, { force: true });
      }
      resolve({ wallMs, code: code ?? (signal ? 128 : 1), stderr, stdout: captured, peakMiB: peakKiB ? peakKiB / 1024 : undefined });
    });
  });
}

/** Without /usr/bin/time: the kernel's high-water mark (VmHWM), read every 5 ms until exit. */
function pollPeakRss(pid) {
  let peak = 0;
  const read = () => {
    try {
      const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (match) peak = Math.max(peak, Number(match[1]));
    } catch {
      // exited between two polls
    }
  };
  read();
  const timer = setInterval(read, 5);
  return {
    stop: () => {
      clearInterval(timer);
      return peak || undefined;
    },
  };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

// ---------------------------------------------------------------------------------------------
// The broker

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function canConnect(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

async function startBroker() {
  for (let attempt = 0; attempt < 4; attempt++) {
    const port = await freePort();
    const conf = join(tempDir, 'mosquitto.conf');
    writeFileSync(
      conf,
      [
        `listener ${port} 127.0.0.1`,
        'allow_anonymous true',
        'persistence false',
        'log_dest none',
        // The -C rows drain a session that queued every message while its client was away: the
        // broker must queue all of them, QoS 0 included, and drop none.
        'max_queued_messages 0',
        'max_queued_bytes 0',
        'queue_qos0_messages true',
        ...(process.getuid?.() === 0 ? ['user root'] : []),
        '',
      ].join('\n'),
    );
    const child = track(spawn('mosquitto', ['-c', conf], { stdio: 'ignore' }));
    let exited = false;
    child.once('exit', () => (exited = true));
    for (let i = 0; i < 250 && !exited; i++) {
      if (await canConnect(port)) return { port, child };
      await sleep(20);
    }
    child.kill('SIGKILL');
  }
  fail('mosquitto did not start');
}

// ---------------------------------------------------------------------------------------------
// Measurements

/** One-shot commands: hyperfine when available (medians from its JSON), else an interleaved loop. */
async function oneShot(commands, options, env) {
  const results = new Map();
  if (options.hyperfine && has('hyperfine')) {
    // hyperfine runs one command's runs back to back; on a shared machine a burst of load would
    // land on one command only. So: several rounds, each running every command, medians over all.
    const rounds = Math.min(5, Math.max(1, Math.floor(options.runs / 3)));
    const times = new Map(commands.map((c) => [c.name, []]));
    const jsonFile = join(tempDir, 'hyperfine.json');
    for (let round = 0; round < rounds; round++) {
      const runs = Math.floor(options.runs / rounds) + (round < options.runs % rounds ? 1 : 0);
      const args = ['-N', '--style', 'none', '--warmup', String(round === 0 ? options.warmup : 1), '--runs', String(runs), '--export-json', jsonFile];
      for (const c of commands) args.push('-n', c.name, shellJoin(c.argv));
      const run = spawnSync('hyperfine', args, { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
      if (run.status !== 0) fail(`hyperfine failed: ${run.stderr}`);
      const data = JSON.parse(readFileSync(jsonFile, 'utf8'));
      data.results.forEach((r, i) => {
        if (r.exit_codes?.some((code) => code !== 0)) fail(`'${commands[i].name}' failed under hyperfine`);
        times.get(commands[i].name).push(...r.times);
      });
    }
    for (const c of commands) results.set(c.name, { ms: median(times.get(c.name)) * 1000 });
    const version = spawnSync('hyperfine', ['--version'], { encoding: 'utf8' }).stdout.trim().split(' ')[1];
    return { tool: `hyperfine ${version}, ${rounds} rounds of every command, median of all ${options.runs} runs`, results };
  }
  // Interleaved, so that a burst of load from elsewhere hits every command alike.
  const samples = new Map(commands.map((c) => [c.name, []]));
  for (let i = 0; i < options.warmup + options.runs; i++) {
    for (const c of commands) {
      const r = await runTimed(c.argv, { env });
      if (r.code !== 0) fail(`'${c.name}' exited with ${r.code}: ${r.stderr.trim()}`);
      if (i >= options.warmup) samples.get(c.name).push(r.wallMs);
    }
  }
  for (const c of commands) results.set(c.name, { ms: median(samples.get(c.name)) });
  return { tool: `built-in loop (${options.runs} interleaved runs, median)`, results };
}

function shellJoin(argv) {
  return argv.map((a) => (a === '' ? "''" : /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

async function peakRss(argv, env, runs) {
  const values = [];
  for (let i = 0; i < runs; i++) {
    const r = await runTimed(argv, { env, rss: true });
    if (r.code !== 0) fail(`'${argv.join(' ')}' exited with ${r.code}: ${r.stderr.trim()}`);
    if (r.peakMiB !== undefined) values.push(r.peakMiB);
  }
  return values.length ? median(values) : undefined;
}

let sessionCounter = 0;

/**
 * A persistent session that queues every message published to `topic` while its client is away:
 * the -C rows drain it at the subscriber's full speed, and the -l rows count what arrived in it.
 * No readiness race: the subscription exists before the first message is published.
 */
async function openQueue(port, topic, qos, env) {
  const id = `bench-${process.pid}-${++sessionCounter}`;
  const r = await runTimed(['mosquitto_sub', '-h', '127.0.0.1', '-p', String(port), '-c', '-i', id, '-q', String(qos), '-t', topic, '-E'], { env });
  if (r.code !== 0) fail(`could not create the session ${id}: ${r.stderr.trim()}`);
  return id;
}

async function countQueued(port, topic, qos, id, expected, env) {
  const r = await runTimed(
    ['mosquitto_sub', '-h', '127.0.0.1', '-p', String(port), '-c', '-i', id, '-q', String(qos), '-t', topic, '-C', String(expected), '-W', '20'],
    { env, stdout: 'pipe' },
  );
  // Ends the session, so the broker stops queueing for it.
  await runTimed(['mosquitto_sub', '-h', '127.0.0.1', '-p', String(port), '-i', id, '-t', topic, '-E'], { env });
  return r.stdout.split('\n').length - 1;
}

// mosquitto_pub -l at QoS 1 or 2 silently loses messages past 65,535 lines (16-bit message ids;
// mosquitto-reference.md 4.3), so queues are filled in parts smaller than that.
const FILL_PART = 50_000;

/** Writes n numbered lines to `path`, and the same lines in parts of FILL_PART; returns the parts. */
function writeLines(path, n) {
  const width = String(n).length;
  const lines = [];
  for (let i = 1; i <= n; i++) lines.push(`message ${String(i).padStart(width, '0')}`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  const parts = [];
  for (let start = 0; start < n; start += FILL_PART) {
    const part = `${path}.${parts.length}`;
    writeFileSync(part, `${lines.slice(start, start + FILL_PART).join('\n')}\n`);
    parts.push(part);
  }
  return parts;
}

/** Publishes `lines` lines with `publisher` -l into a queue and checks that every one arrived. */
async function publishThroughput(publisher, port, qos, linesFile, n, env) {
  const topic = `bench/l/${++sessionCounter}`;
  const id = await openQueue(port, topic, qos, env);
  const r = await runTimed([...publisher, '-h', '127.0.0.1', '-p', String(port), '-t', topic, '-q', String(qos), '-l'], { env, stdin: linesFile });
  if (r.code !== 0) fail(`'${publisher.join(' ')} -l' exited with ${r.code}: ${r.stderr.trim()}`);
  const received = await countQueued(port, topic, qos, id, n, env);
  return { ms: r.wallMs, rate: n / (r.wallMs / 1000), lost: n - received };
}

/** Queues `n` messages (published with mosquitto_pub -l), then times `subscriber` -C n draining them. */
async function subscribeThroughput(subscriber, port, qos, parts, n, env, rss = false) {
  const topic = `bench/s/${++sessionCounter}`;
  const id = await openQueue(port, topic, qos, env);
  for (const part of parts) {
    const pub = await runTimed(['mosquitto_pub', '-h', '127.0.0.1', '-p', String(port), '-t', topic, '-q', String(qos), '-l'], { env, stdin: part });
    if (pub.code !== 0) fail(`mosquitto_pub -l exited with ${pub.code}: ${pub.stderr.trim()}`);
  }
  const r = await runTimed(
    [...subscriber, '-h', '127.0.0.1', '-p', String(port), '-c', '-i', id, '-q', String(qos), '-t', topic, '-C', String(n), '-W', '120'],
    { env, stdout: 'null', rss },
  );
  // Exit 0 only after n messages: anything lost shows as a -W timeout (27).
  const lost = r.code === 0 ? 0 : undefined;
  if (r.code !== 0) process.stderr.write(`bench: '${subscriber.join(' ')} -C ${n}' exited with ${r.code} (messages lost?) ${r.stderr.trim()}\n`);
  await runTimed(['mosquitto_sub', '-h', '127.0.0.1', '-p', String(port), '-i', id, '-t', topic, '-E'], { env });
  return { ms: r.wallMs, rate: n / (r.wallMs / 1000), lost, peakMiB: r.peakMiB, ok: r.code === 0 };
}

async function repeated(times, measure) {
  const runs = [];
  for (let i = 0; i < times; i++) runs.push(await measure());
  const ms = median(runs.map((r) => r.ms));
  return {
    ms,
    rate: median(runs.map((r) => r.rate)),
    lost: runs.some((r) => r.lost === undefined) ? undefined : Math.max(...runs.map((r) => r.lost)),
  };
}

// ---------------------------------------------------------------------------------------------
// Report

function machine() {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const model = /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  const mosquitto = spawnSync('mosquitto', ['-h'], { encoding: 'utf8' }).stdout.split('\n')[0].trim();
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    cpu: model.trim(),
    cores: os.availableParallelism?.() ?? os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    mosquitto: mosquitto.replace(/^mosquitto version /, ''),
  };
}

const fmt = (value, digits = 1) => (value === undefined || Number.isNaN(value) ? 'n/a' : value.toFixed(digits));
const fmtRate = (value) => (value === undefined ? 'n/a' : `${Math.round(value).toLocaleString('en-US')}/s`);
const verdict = (ok) => (ok === undefined ? 'n/a' : ok ? 'met' : 'NOT met');

function table(header, rows) {
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`];
  for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const options = parseOptions(process.argv.slice(2));
  for (const tool of ['mosquitto', 'mosquitto_pub', 'mosquitto_sub']) {
    if (!has(tool)) fail(`${tool} is not installed (Debian/Ubuntu: apt-get install -y mosquitto mosquitto-clients)`);
  }
  if (!existsSync(join(root, 'dist', 'tspub.cjs'))) fail('dist/ is missing: run npm run build (npm run bench does)');

  tempDir = mkdtempSync(join(os.tmpdir(), 'tsmqtt-bench-'));
  timeBinary = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
  const env = { ...process.env };
  const dropped = [];
  if (!options.keepEnv) {
    // NODE_EXTRA_CA_CERTS makes every Node process parse a CA bundle at start-up (80 ms on some
    // machines): it would inflate `node -e ''` and tspub alike and flatter every ratio.
    for (const name of ['NODE_OPTIONS', 'NODE_EXTRA_CA_CERTS']) {
      if (env[name] !== undefined) dropped.push(name);
      delete env[name];
    }
  }

  const info = machine();
  const loadBefore = os.loadavg();
  process.stderr.write(`bench: ${info.cpu}, ${info.cores} cores, Node ${info.node}, mosquitto ${info.mosquitto}\n`);
  const broker = await startBroker();
  const port = String(broker.port);
  const target = ['-h', '127.0.0.1', '-p', port];

  const help = spawnSync(NODE, [TSPUB, '--help'], { env, encoding: 'utf8' }).stdout;
  const tspubHasLines = /^\s*-l[,\s]/m.test(help);

  // 1. One-shot wall time.
  process.stderr.write('bench: one-shot commands...\n');
  const oneShotCommands = [
    { name: "node -e ''", argv: [NODE, '-e', ''] },
    { name: 'mosquitto_pub -t x -m 1', argv: ['mosquitto_pub', ...target, '-t', 'x', '-m', '1'] },
    { name: 'mosquitto_pub -t x -m 1 -q 1', argv: ['mosquitto_pub', ...target, '-t', 'x', '-m', '1', '-q', '1'] },
    { name: 'tspub -t x -m 1', argv: [NODE, TSPUB, ...target, '-t', 'x', '-m', '1'] },
    { name: 'tspub -t x -m 1 -q 1', argv: [NODE, TSPUB, ...target, '-t', 'x', '-m', '1', '-q', '1'] },
    { name: 'tspub --help', argv: [NODE, TSPUB, '--help'] },
    { name: 'tspub --version', argv: [NODE, TSPUB, '--version'] },
  ];
  const shots = await oneShot(oneShotCommands, options, env);
  const floor = shots.results.get("node -e ''").ms;

  // 2. Peak RSS of one-shot commands.
  process.stderr.write('bench: peak RSS...\n');
  const rssRuns = options.quick ? 3 : 7;
  const rss = new Map();
  for (const c of oneShotCommands) rss.set(c.name, await peakRss(c.argv, env, rssRuns));

  // 3. -l throughput.
  process.stderr.write(`bench: -l throughput, ${options.lines} lines...\n`);
  const linesFile = join(tempDir, 'lines.txt');
  writeLines(linesFile, options.lines);
  const pubRows = [];
  for (const qos of [0, 1]) {
    const reference = await repeated(options.repeat, () => publishThroughput(['mosquitto_pub'], port, qos, linesFile, options.lines, env));
    const ours = tspubHasLines
      ? await repeated(options.repeat, () => publishThroughput([NODE, TSPUB], port, qos, linesFile, options.lines, env))
      : undefined;
    pubRows.push({ qos, reference, ours });
  }

  // 4. -C throughput.
  process.stderr.write(`bench: -C throughput, ${options.count} messages...\n`);
  const countParts = writeLines(join(tempDir, 'count.txt'), options.count);
  const subRows = [];
  for (const qos of [0, 1]) {
    const reference = await repeated(options.repeat, () => subscribeThroughput(['mosquitto_sub'], port, qos, countParts, options.count, env));
    const ours = await repeated(options.repeat, () => subscribeThroughput([NODE, TSSUB], port, qos, countParts, options.count, env));
    subRows.push({ qos, reference, ours });
  }

  // 5. Peak RSS while streaming.
  process.stderr.write(`bench: streaming peak RSS, ${options.stream} messages...\n`);
  const streamFile = join(tempDir, 'stream.txt');
  const streamParts = writeLines(streamFile, options.stream);
  const streamRss = {};
  const drain = async (sub) => await subscribeThroughput(sub, port, 0, streamParts, options.stream, env, true);
  streamRss.sub = { ours: await drain([NODE, TSSUB]), reference: await drain(['mosquitto_sub']) };
  const publishStream = async (pub) => {
    const r = await runTimed([...pub, ...target, '-t', 'bench/stream', '-l'], { env, stdin: streamFile, rss: true });
    if (r.code !== 0) fail(`'${pub.join(' ')} -l' exited with ${r.code}: ${r.stderr.trim()}`);
    return r;
  };
  streamRss.pub = {
    ours: tspubHasLines ? await publishStream([NODE, TSPUB]) : undefined,
    reference: await publishStream(['mosquitto_pub']),
  };

  broker.child.kill('SIGTERM');
  const loadAfter = os.loadavg();

  // -------------------------------------------------------------------------------------------
  const out = [];
  const noLines = 'n/a (tspub -l not available)';
  out.push(`Machine: ${info.cpu}, ${info.cores} cores, ${info.memoryGiB} GiB, ${info.os}`);
  out.push(`Node ${info.node}, mosquitto ${info.mosquitto}; ${info.date}; load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')} before, ${loadAfter.map((l) => l.toFixed(2)).join(' ')} after`);
  out.push(`One-shot timing: ${shots.tool}${dropped.length ? `; ${dropped.join(' and ')} unset for the commands measured (--keep-env keeps them)` : ''}`);
  out.push(`Peak RSS: ${timeBinary ? '/usr/bin/time -f %M' : '/proc/PID/status VmHWM, polled'}; every broker is mosquitto on 127.0.0.1`);
  out.push('');
  out.push(`One-shot commands (median of ${options.runs} runs):`);
  out.push('');
  out.push(
    table(
      ['command', 'wall ms', "× node -e ''", 'peak RSS MiB', "RSS × node -e ''"],
      oneShotCommands.map((c) => {
        const r = shots.results.get(c.name);
        const m = rss.get(c.name);
        return [`\`${c.name}\``, fmt(r.ms), fmt(r.ms / floor, 2), fmt(m), m === undefined ? '' : fmt(m / rss.get("node -e ''"), 2)];
      }),
    ),
  );
  out.push('');
  out.push(`\`-l\` throughput, ${options.lines.toLocaleString('en-US')} lines (publisher wall time, median of ${options.repeat}; every line counted at a subscriber):`);
  out.push('');
  out.push(
    table(
      ['QoS', 'mosquitto_pub -l', 'tspub -l', 'tspub ÷ mosquitto_pub (msg/s)', 'lost (mosquitto_pub / tspub)'],
      pubRows.map(({ qos, reference, ours }) => [
        String(qos),
        `${fmt(reference.ms, 0)} ms, ${fmtRate(reference.rate)}`,
        ours ? `${fmt(ours.ms, 0)} ms, ${fmtRate(ours.rate)}` : noLines,
        ours ? fmt(ours.rate / reference.rate, 2) : noLines,
        `${reference.lost ?? '?'} / ${ours ? (ours.lost ?? '?') : 'n/a'}`,
      ]),
    ),
  );
  out.push('');
  out.push(`\`-C ${options.count}\` throughput, output to /dev/null (subscriber wall time including start-up, draining a queue of ${options.count.toLocaleString('en-US')} messages; median of ${options.repeat}):`);
  out.push('');
  out.push(
    table(
      ['QoS', 'mosquitto_sub -C', 'tssub -C', 'tssub ÷ mosquitto_sub (msg/s)', 'all received (mosquitto_sub / tssub)'],
      subRows.map(({ qos, reference, ours }) => [
        String(qos),
        `${fmt(reference.ms, 0)} ms, ${fmtRate(reference.rate)}`,
        `${fmt(ours.ms, 0)} ms, ${fmtRate(ours.rate)}`,
        fmt(ours.rate / reference.rate, 2),
        `${reference.lost === 0 ? 'yes' : 'NO'} / ${ours.lost === 0 ? 'yes' : 'NO'}`,
      ]),
    ),
  );
  out.push('');
  out.push(`Peak RSS while streaming ${options.stream.toLocaleString('en-US')} messages (QoS 0):`);
  out.push('');
  out.push(
    table(
      ['stream', 'mosquitto', 'tsmqtt'],
      [
        ['`tssub -C N > /dev/null` / `mosquitto_sub`', `${fmt(streamRss.sub.reference.peakMiB)} MiB`, `${fmt(streamRss.sub.ours.peakMiB)} MiB${streamRss.sub.ours.ok ? '' : ' (run failed)'}`],
        ['`tspub -l < N lines` / `mosquitto_pub`', `${fmt(streamRss.pub.reference.peakMiB)} MiB`, streamRss.pub.ours ? `${fmt(streamRss.pub.ours.peakMiB)} MiB` : noLines],
      ],
    ),
  );

  const ratio = (name) => shots.results.get(name).ms / floor;
  const pubRatio = (qos) => pubRows[qos].ours && pubRows[qos].ours.rate / pubRows[qos].reference.rate;
  const subRatio = (qos) => subRows[qos].ours.rate / subRows[qos].reference.rate;
  const rssRatio = Math.max(rss.get('tspub -t x -m 1'), rss.get('tspub -t x -m 1 -q 1')) / rss.get("node -e ''");
  const targets = [
    ['one-shot `tspub -t x -m 1` ≤ 1.3× `node -e \'\'` (QoS 0 / 1)', `${fmt(ratio('tspub -t x -m 1'), 2)} / ${fmt(ratio('tspub -t x -m 1 -q 1'), 2)}`, verdict(Math.max(ratio('tspub -t x -m 1'), ratio('tspub -t x -m 1 -q 1')) <= 1.3)],
    ['`--help`, `--version` ≤ 1.3×', `${fmt(ratio('tspub --help'), 2)} / ${fmt(ratio('tspub --version'), 2)}`, verdict(Math.max(ratio('tspub --help'), ratio('tspub --version')) <= 1.3)],
    ['`tspub -l` ≥ 0.7× mosquitto_pub at QoS 0', fmt(pubRatio(0), 2), verdict(pubRatio(0) === undefined ? undefined : pubRatio(0) >= 0.7 && pubRows[0].ours.lost === 0)],
    ['`tspub -l` ≥ 1.0× mosquitto_pub at QoS 1', fmt(pubRatio(1), 2), verdict(pubRatio(1) === undefined ? undefined : pubRatio(1) >= 1.0 && pubRows[1].ours.lost === 0)],
    ['`tssub -C` ≥ 0.95× mosquitto_sub (QoS 0 / 1)', `${fmt(subRatio(0), 2)} / ${fmt(subRatio(1), 2)}`, verdict(Math.min(subRatio(0), subRatio(1)) >= 0.95 && subRows.every((r) => r.ours.lost === 0))],
    ['one-shot peak RSS ≤ 1.3× `node -e \'\'`', fmt(rssRatio, 2), verdict(rssRatio <= 1.3)],
    [`streaming ${options.stream.toLocaleString('en-US')} messages < 80 MiB: tssub`, fmt(streamRss.sub.ours.peakMiB), verdict(streamRss.sub.ours.peakMiB === undefined ? undefined : streamRss.sub.ours.peakMiB < 80 && streamRss.sub.ours.ok)],
    [`streaming ${options.stream.toLocaleString('en-US')} messages < 80 MiB: tspub -l`, streamRss.pub.ours ? fmt(streamRss.pub.ours.peakMiB) : noLines, verdict(streamRss.pub.ours?.peakMiB === undefined ? undefined : streamRss.pub.ours.peakMiB < 80)],
  ];
  out.push('');
  out.push('Targets (issue 6):');
  out.push('');
  out.push(table(['target', 'measured', 'verdict'], targets));
  if (options.quick) out.push('\n--quick: small sizes and few runs; not a measurement to quote.');
  process.stdout.write(`${out.join('\n')}\n`);

  if (options.json) {
    const json = {
      machine: info,
      options,
      droppedEnv: dropped,
      oneShot: Object.fromEntries([...shots.results].map(([k, v]) => [k, { ...v, peakMiB: rss.get(k) }])),
      publish: pubRows,
      subscribe: subRows,
      streaming: {
        sub: { ours: streamRss.sub.ours.peakMiB, reference: streamRss.sub.reference.peakMiB },
        pub: { ours: streamRss.pub.ours?.peakMiB, reference: streamRss.pub.reference.peakMiB },
      },
      targets: targets.map(([t, m, v]) => ({ target: t, measured: m, verdict: v })),
    };
    writeFileSync(options.json, `${JSON.stringify(json, null, 2)}\n`);
  }
}

let timeBinary;

main().then(
  () => cleanUp(),
  (err) => {
    process.stderr.write(`bench: ${err.stack ?? err}\n`);
    cleanUp();
    process.exitCode = 1;
  },
);
