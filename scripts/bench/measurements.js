// npm run bench: the measurements. Each returns medians; the counts prove nothing was lost.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fail } from './options.js';
import { has, median, runTimed, workspace } from './processes.js';

export async function oneShot(commands, options, env) {
  const results = new Map();
  if (options.hyperfine && has('hyperfine')) {
    // hyperfine runs one command's runs back to back; on a shared machine a burst of load would
    // land on one command only. So: rounds of three runs, each round running every command,
    // medians over all. (With five rounds of six, two commands doing the same work came out 1.17x
    // and 1.32x of node -e '' in one run.)
    const rounds = Math.max(1, Math.floor(options.runs / 3));
    const times = new Map(commands.map((c) => [c.name, []]));
    const jsonFile = join(workspace.dir, 'hyperfine.json');
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

export async function peakRss(argv, env, runs) {
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
export async function openQueue(port, topic, qos, env) {
  const id = `bench-${process.pid}-${++sessionCounter}`;
  const r = await runTimed(['mosquitto_sub', '-h', '127.0.0.1', '-p', String(port), '-c', '-i', id, '-q', String(qos), '-t', topic, '-E'], { env });
  if (r.code !== 0) fail(`could not create the session ${id}: ${r.stderr.trim()}`);
  return id;
}

export async function countQueued(port, topic, qos, id, expected, env) {
  const r = await runTimed(
    ['mosquitto_sub', '-h', '127.0.0.1', '-p', String(port), '-c', '-i', id, '-q', String(qos), '-t', topic, '-C', String(expected), '-W', '20'],
    { env, stdout: 'pipe' },
  );
  // Ends the session, so the broker stops queueing for it.
  await runTimed(['mosquitto_sub', '-h', '127.0.0.1', '-p', String(port), '-i', id, '-t', topic, '-E'], { env });
  return r.stdout.split('\n').length - 1;
}

// mosquitto_pub -l at QoS 1 or 2 silently loses every message past 65,535 lines (its 16-bit
// message ids wrap) and exits 0, so queues are filled in parts smaller than that.
const FILL_PART = 50_000;

/** Writes n numbered lines to `path`, and the same lines in parts of FILL_PART; returns the parts. */
export function writeLines(path, n) {
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
export async function publishThroughput(publisher, port, qos, linesFile, n, env) {
  const topic = `bench/l/${++sessionCounter}`;
  const id = await openQueue(port, topic, qos, env);
  const r = await runTimed([...publisher, '-h', '127.0.0.1', '-p', String(port), '-t', topic, '-q', String(qos), '-l'], { env, stdin: linesFile });
  if (r.code !== 0) fail(`'${publisher.join(' ')} -l' exited with ${r.code}: ${r.stderr.trim()}`);
  const received = await countQueued(port, topic, qos, id, n, env);
  return { ms: r.wallMs, rate: n / (r.wallMs / 1000), lost: n - received };
}

/** Queues `n` messages (published with mosquitto_pub -l), then times `subscriber` -C n draining them. */
export async function subscribeThroughput(subscriber, port, qos, parts, n, env, rss = false) {
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

export async function repeated(times, measure) {
  const runs = [];
  for (let i = 0; i < times; i++) runs.push(await measure());
  const ms = median(runs.map((r) => r.ms));
  return {
    ms,
    rate: median(runs.map((r) => r.rate)),
    lost: runs.some((r) => r.lost === undefined) ? undefined : Math.max(...runs.map((r) => r.lost)),
  };
}
