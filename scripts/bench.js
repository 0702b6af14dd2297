// npm run bench: tspub/tssub side by side with mosquitto_pub/mosquitto_sub and `node -e ''`, on one
// machine, in one run, against a mosquitto of its own on a free loopback port. Prints the machine,
// a table of values and ratios, and whether the targets of the performance issue are met.
// Plain Node (no TypeScript); runs the built bin/ (npm run bench builds first).
//
//   node scripts/bench.js [--quick] [--runs N] [--warmup N] [--lines N] [--count N] [--stream N]
//                         [--repeat N] [--no-hyperfine] [--keep-env] [--node PATH] [--json FILE]
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBroker } from './bench/broker.js';
import {
  oneShot,
  peakRss,
  publishThroughput,
  repeated,
  subscribeThroughput,
  writeLines,
} from './bench/measurements.js';
import { fail, parseOptions } from './bench/options.js';
import { cleanUp, has, openWorkspace, runTimed } from './bench/processes.js';
import { machine, report } from './bench/report.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const TSPUB = join(root, 'bin', 'tspub.js');
const TSSUB = join(root, 'bin', 'tssub.js');
const RAW_PUBLISH = join(root, 'scripts', 'bench', 'raw-publish.cjs');
const MQTTJS_CLI = join(root, 'node_modules', 'mqtt', 'build', 'bin', 'mqtt.js');

async function main() {
  const options = parseOptions(process.argv.slice(2));
  const NODE = options.node;
  if (spawnSync(NODE, ['--version']).status !== 0) fail(`cannot run Node.js at '${NODE}' (--node)`);
  for (const tool of ['mosquitto', 'mosquitto_pub', 'mosquitto_sub']) {
    if (!has(tool)) fail(`${tool} is not installed (Debian/Ubuntu: apt-get install -y mosquitto mosquitto-clients)`);
  }
  if (!existsSync(join(root, 'dist', 'main.cjs'))) fail('dist/ is missing: run npm run build (npm run bench does)');

  const { dir, timeBinary } = openWorkspace();
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

  const info = machine(NODE);
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
    // The floor of any Node.js publisher: a socket and the exchange, nothing else.
    { name: 'raw Node.js socket publish -q 1', argv: [NODE, RAW_PUBLISH, '-p', port, '-t', 'x', '-m', '1', '-q', '1'] },
    // MQTT.js's own command-line client, a peer.
    { name: 'mqtt pub -t x -m 1 (MQTT.js CLI)', argv: [NODE, MQTTJS_CLI, 'pub', ...target, '-t', 'x', '-m', '1'] },
    { name: 'tspub -t x -m 1', argv: [NODE, TSPUB, ...target, '-t', 'x', '-m', '1'] },
    { name: 'tspub -t x -m 1 -q 1', argv: [NODE, TSPUB, ...target, '-t', 'x', '-m', '1', '-q', '1'] },
    { name: 'tspub --help', argv: [NODE, TSPUB, '--help'] },
    { name: 'tspub --version', argv: [NODE, TSPUB, '--version'] },
  ];
  const shots = await oneShot(oneShotCommands, options, env);

  // 2. Peak RSS of one-shot commands.
  process.stderr.write('bench: peak RSS...\n');
  const rssRuns = options.quick ? 3 : 7;
  const rss = new Map();
  for (const c of oneShotCommands) rss.set(c.name, await peakRss(c.argv, env, rssRuns));

  // 3. -l throughput.
  process.stderr.write(`bench: -l throughput, ${options.lines} lines...\n`);
  const linesFile = join(dir, 'lines.txt');
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
  const countParts = writeLines(join(dir, 'count.txt'), options.count);
  const subRows = [];
  for (const qos of [0, 1]) {
    const reference = await repeated(options.repeat, () => subscribeThroughput(['mosquitto_sub'], port, qos, countParts, options.count, env));
    const ours = await repeated(options.repeat, () => subscribeThroughput([NODE, TSSUB], port, qos, countParts, options.count, env));
    subRows.push({ qos, reference, ours });
  }

  // 5. Peak RSS while streaming.
  process.stderr.write(`bench: streaming peak RSS, ${options.stream} messages...\n`);
  const streamFile = join(dir, 'stream.txt');
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

  const { text, targets } = report({ options, info, loadBefore, loadAfter, shots, dropped, oneShotCommands, rss, pubRows, subRows, streamRss, timeBinary });
  process.stdout.write(text);

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


main().then(
  () => cleanUp(),
  (err) => {
    process.stderr.write(`bench: ${err.stack ?? err}\n`);
    cleanUp();
    process.exitCode = 1;
  },
);
