// tssub --explore under load, end to end (not a test): the built bin in a real terminal (tmux)
// against mosquitto, fed MESSAGES messages over TOPICS topics at RATE msg/s by an MQTT.js
// publisher, while keys are sent and the time until the screen answers is measured. Reports key
// latency, the explorer's CPU and its RSS (current and peak) from /proc, and the explorer's own
// event-loop stalls and long GC pauses (scripts/explore-stalls.cjs, preloaded into it).
// Run: npm run build && node --import tsx scripts/explore-load.ts [topics] [messages] [rate]
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startBroker } from '../test/helpers/broker.js';
import { shellQuote, startTmux } from '../test/helpers/tmux.js';

const TOPICS = Number(process.argv[2] ?? 10_000);
const MESSAGES = Number(process.argv[3] ?? 1_000_000);
const RATE = Number(process.argv[4] ?? 5000);
const ROOT = resolve(import.meta.dirname, '..');

/** The publisher: MQTT.js at RATE msg/s over TOPICS topics, readings and small JSON. */
const PUBLISHER = `
import mqtt from 'mqtt';
const [port, topics, total, rate] = process.argv.slice(1).map(Number);
const client = mqtt.connect('mqtt://127.0.0.1:' + port);
await new Promise((r) => client.once('connect', r));
const topicOf = (i) => 'load/' + Math.floor(i / 100) + '/device/' + (i % 100);
const payloadOf = (n) => (n % 2 ? (20 + (n % 50) / 10).toFixed(1) + ' °C' : JSON.stringify({ n, on: n % 3 === 0 }));
const started = Date.now();
let sent = 0;
while (sent < total) {
  const due = Math.min(total, Math.floor(((Date.now() - started) / 1000) * rate));
  for (; sent < due; sent++) client.publish(topicOf(sent % topics), payloadOf(sent));
  await new Promise((r) => setTimeout(r, 5));
}
await new Promise((r) => client.end(false, {}, r));
`;

function procStatus(pid: string): { rss: number; peak: number; cpuSec: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string): number => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)![1]) * 1024;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return { rss: kb('VmRSS'), peak: kb('VmHWM'), cpuSec: (Number(stat[11]) + Number(stat[12])) / 100 };
}

const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(0)} MB`;

async function main(): Promise<void> {
  const broker = await startBroker();
  const bin = join(ROOT, 'bin', 'tssub.js');
  let publisher: ChildProcess | undefined;
  const stalls = join(mkdtempSync(join(tmpdir(), 'tsmqtt-stalls-')), 'stalls.txt');
  const preload = `NODE_OPTIONS=${shellQuote(`--require ${join(ROOT, 'scripts', 'explore-stalls.cjs')}`)} EXPLORE_STALLS=${shellQuote(stalls)}`;
  const pane = startTmux(`${preload} ${shellQuote(process.execPath)} ${shellQuote(bin)} --explore -h 127.0.0.1 -p ${broker.port}`);
  try {
    await pane.waitFor('● connected');
    const pid = execFileSync('pgrep', ['-P', pane.show('#{pane_pid}')], { encoding: 'utf8' }).trim();
    const started = Date.now();
    const cpu0 = procStatus(pid).cpuSec;
    // A process of its own: this one blocks on tmux while it polls the screen, which would make
    // the publisher fall behind and then send in bursts.
    publisher = spawn(process.execPath, ['--input-type=module', '-e', PUBLISHER, String(broker.port), String(TOPICS), String(MESSAGES), String(RATE)], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const publishing = new Promise<void>((r) => publisher!.once('exit', () => r()));
    let finished = false;
    void publishing.then(() => (finished = true));
    // Open the first levels, then move up and down while the messages pour in.
    await pane.waitFor('load (');
    pane.keys('Right', 'Right', 'Right', 'Right', 'Right');
    const latencies: number[] = [];
    let down = true;
    while (!finished) {
      await sleep(1000);
      const before = pane.screen().split('\n')[1]!.split('│')[1];
      const t0 = performance.now();
      pane.keys(down ? 'j' : 'k');
      down = !down;
      await pane.waitFor((s) => s.split('\n')[1]!.split('│')[1] !== before, 'the selection to move', 5000);
      latencies.push(performance.now() - t0);
    }
    await publishing;
    const elapsed = (Date.now() - started) / 1000;
    const end = procStatus(pid);
    await pane.waitFor(`${MESSAGES} msgs`, 'every message counted', 60_000).catch(() => undefined);
    latencies.sort((a, b) => a - b);
    const status = pane.screen().split('\n')[0];
    console.log(`${MESSAGES} messages over ${TOPICS} topics at ${Math.round(MESSAGES / elapsed)} msg/s for ${elapsed.toFixed(0)} s`);
    console.log(`status line: ${status?.trim()}`);
    const at = (q: number): string => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(0);
    console.log(`key to screen (send-keys .. capture-pane shows the move), ${latencies.length} keys: median ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${at(1)} ms, over 100 ms: ${latencies.filter((l) => l > 100).length}`);
    console.log(`explorer CPU ${(((end.cpuSec - cpu0) / elapsed) * 100).toFixed(0)}% of a core; RSS ${mb(end.rss)}, peak ${mb(end.peak)}`);
    pane.keys('q');
    await pane.waitFor('exit=0');
    console.log(`explorer stalls (event loop > 50 ms, GC > 40 ms):\n${readFileSync(stalls, 'utf8').trimEnd()}`);
  } finally {
    publisher?.kill();
    pane.kill();
    await broker.stop();
  }
}

await main();
