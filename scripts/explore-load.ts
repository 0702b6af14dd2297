// tssub --explore under load, end to end (not a test): the built bin in a real terminal (tmux)
// against mosquitto, fed MESSAGES messages over TOPICS topics at RATE msg/s by an MQTT.js
// publisher, while keys are sent and the time until the screen answers is measured. Reports key
// latency, the explorer's CPU and its RSS (current and peak) from /proc.
// Run: npm run build && node --import tsx scripts/explore-load.ts [topics] [messages] [rate]
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import mqtt from 'mqtt';
import { startBroker } from '../test/helpers/broker.js';
import { shellQuote, startTmux } from '../test/helpers/tmux.js';

const TOPICS = Number(process.argv[2] ?? 10_000);
const MESSAGES = Number(process.argv[3] ?? 1_000_000);
const RATE = Number(process.argv[4] ?? 5000);
const ROOT = resolve(import.meta.dirname, '..');

const topicOf = (i: number): string => `load/${Math.floor(i / 100)}/device/${i % 100}`;
const payloadOf = (n: number): string => (n % 2 ? `${(20 + (n % 50) / 10).toFixed(1)} °C` : JSON.stringify({ n, on: n % 3 === 0 }));

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
  const pane = startTmux(`${shellQuote(process.execPath)} ${shellQuote(bin)} --explore -h 127.0.0.1 -p ${broker.port}`);
  const client = mqtt.connect(`mqtt://127.0.0.1:${broker.port}`);
  try {
    await pane.waitFor('● connected');
    const pid = execFileSync('pgrep', ['-P', pane.show('#{pane_pid}'), '-x', 'node'], { encoding: 'utf8' }).trim();
    if (!client.connected) await new Promise<void>((r) => client.once('connect', () => r()));
    let sent = 0;
    const started = Date.now();
    const cpu0 = procStatus(pid).cpuSec;
    const publishing = (async () => {
      while (sent < MESSAGES) {
        const due = Math.min(MESSAGES, Math.floor(((Date.now() - started) / 1000) * RATE));
        for (; sent < due; sent++) client.publish(topicOf(sent % TOPICS), payloadOf(sent));
        await sleep(5);
      }
    })();
    // Open the first levels, then move up and down while the messages pour in.
    await pane.waitFor('load (');
    pane.keys('Right', 'Right', 'Right', 'Right', 'Right');
    const latencies: number[] = [];
    let down = true;
    while (sent < MESSAGES) {
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
  } finally {
    client.end(true);
    pane.kill();
    await broker.stop();
  }
}

await main();
