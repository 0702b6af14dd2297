// Measures the explorer's model and renderer (not a test): memory with 10,000 topics and
// 1,000,000 messages, ingest cost per message, and the cost and size of frames under load.
// Run: node --expose-gc --import tsx scripts/explore-measure.ts [topics] [messages] [history]
import { setTimeout as sleep } from 'node:timers/promises';
import { TopicTree, parseSearch, type IncomingMessage } from '../src/explore/model.js';
import { DEFAULT_LIMITS } from '../src/explore/limits.js';
import { renderFrame } from '../src/explore/render.js';
import { ScreenWriter } from '../src/explore/screen.js';
import type { ViewState } from '../src/explore/view-state.js';

const TOPICS = Number(process.argv[2] ?? 10_000);
const MESSAGES = Number(process.argv[3] ?? 1_000_000);
const HISTORY = Number(process.argv[4] ?? DEFAULT_LIMITS.historyPerTopic);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;

/** 100 sites x 100 devices; payloads as a broker carries them: readings, JSON, short text. */
function topicOf(i: number): string {
  return `site/${Math.floor(i / 100) % 100}/device/${i % 100}/${['temp', 'state', 'status'][i % 3]}`.replace(/\/(temp|state|status)$/, (m) => (i < 10_000 ? m : `${m}${i}`));
}

function payloadOf(i: number, n: number): Buffer {
  switch (i % 3) {
    case 0:
      return Buffer.from(`${(20 + (n % 100) / 10).toFixed(1)} °C`);
    case 1:
      return Buffer.from(JSON.stringify({ on: n % 2 === 0, level: n % 100, at: 1_700_000_000 + n, source: 'measure' }));
    default:
      return Buffer.from(`online since ${n} seconds, firmware 1.2.${n % 10}, signal -${n % 90} dBm`);
  }
}

function view(tree: TopicTree, now: number): ViewState {
  const rows = tree.rows();
  return {
    tree, rows, selected: rows[Math.min(5, rows.length - 1)]?.node, scroll: 0, broker: 'localhost:1883', filters: ['#'],
    link: 'connected', reconnects: 0, paused: false, memoryBytes: process.memoryUsage.rss(), prompt: undefined,
    notice: undefined, help: false, now, formatTime: (ms) => new Date(ms).toISOString().slice(11, 23),
  };
}

function timeFrames(tree: TopicTree, label: string, start: number): void {
  const writer = new ScreenWriter();
  let now = start;
  let bytes = 0;
  const frames = 200;
  const t0 = performance.now();
  for (let f = 0; f < frames; f++) {
    // 5,000 msg/s at 15 frames/s: ~333 messages between two frames.
    for (let k = 0; k < 333; k++) tree.add({ topic: topicOf((f * 333 + k) % TOPICS), payload: payloadOf(k, f), qos: 0, retain: false }, now);
    now += 66;
    bytes += writer.update(renderFrame(view(tree, now), 80, 24, true), 80, 24).length;
  }
  const perFrame = (performance.now() - t0) / frames;
  console.log(`${label}: ${perFrame.toFixed(2)} ms a frame (rows + render + diff, with 333 messages ingested), ${Math.round(bytes / frames)} bytes written a frame`);
}

async function main(): Promise<void> {
  gc();
  const base = process.memoryUsage();
  const tree = new TopicTree({ ...DEFAULT_LIMITS, historyPerTopic: HISTORY });
  const start = Date.UTC(2026, 0, 1);
  const message: IncomingMessage = { topic: '', payload: Buffer.alloc(0), qos: 0, retain: false };
  const t0 = performance.now();
  for (let n = 0; n < MESSAGES; n++) {
    const i = n % TOPICS;
    message.topic = topicOf(i);
    message.payload = payloadOf(i, n);
    tree.add(message, start + n);
  }
  const ingest = performance.now() - t0;
  // Twice, with a pause: array buffers are freed by a sweep after the collection that found them.
  gc();
  await sleep(200);
  gc();
  const after = process.memoryUsage();
  console.log(`${TOPICS} topics, ${MESSAGES} messages, history ${tree.limits.historyPerTopic}/topic, payload cap ${tree.limits.maxPayloadBytes} B`);
  console.log(`ingest: ${(ingest / MESSAGES * 1000).toFixed(2)} µs a message (${Math.round(MESSAGES / (ingest / 1000))} msg/s on one core)`);
  console.log(`RSS ${mb(after.rss)} (baseline ${mb(base.rss)}), heap used ${mb(after.heapUsed)}, external (array buffers included) ${mb(after.external)}`);

  const now = start + MESSAGES + 1000;
  timeFrames(tree, 'collapsed tree', now);
  for (const node of tree.root.children) tree.reveal(node.children[0]?.children[0] ?? node);
  const expandAll = (n = tree.root): void => {
    n.expanded = true;
    n.children.forEach(expandAll);
  };
  expandAll();
  timeFrames(tree, `all ${tree.rows().length} rows open`, now + 100_000);
  tree.setSearch(parseSearch('site/+/device/7/#'));
  timeFrames(tree, 'MQTT-filter search on', now + 200_000);
  const k0 = performance.now();
  for (let i = 0; i < 100; i++) tree.setSearch(parseSearch(i % 2 ? 'device/4' : 'temp'));
  console.log(`a search over ${TOPICS} topics: ${((performance.now() - k0) / 100).toFixed(2)} ms`);
  gc();
  console.log(`RSS at the end ${mb(process.memoryUsage().rss)}`);
}

await main();
