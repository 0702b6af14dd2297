import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TopicTree, type IncomingMessage } from '../../src/explore/model.js';
import { renderFrame, scrollFor } from '../../src/explore/render.js';
import { ScreenWriter } from '../../src/explore/screen.js';
import { stripStyle } from '../../src/explore/style.js';
import { barChart } from '../../src/explore/chart.js';
import { hexDump, payloadLines, preview } from '../../src/explore/payload-view.js';
import { fit, printable, textWidth } from '../../src/explore/text.js';
import type { ViewState } from '../../src/explore/view-state.js';

const T0 = Date.UTC(2026, 0, 2, 3, 4, 5);
const utcTime = (ms: number): string => new Date(ms).toISOString().slice(11, 23);

function msg(topic: string, payload: string | Buffer, extra: Partial<IncomingMessage> = {}): IncomingMessage {
  return { topic, payload: typeof payload === 'string' ? Buffer.from(payload) : payload, qos: 0, retain: false, ...extra };
}

function sampleTree(): TopicTree {
  const tree = new TopicTree({ historyPerTopic: 50, maxPayloadBytes: 1024 });
  tree.add(msg('home/bin', Buffer.from([0, 1, 2, 0x41, 0xff])), T0 - 3_600_000);
  tree.add(msg('home/kitchen/json', '{"on":true,"level":[1,2]}', { retain: true, qos: 1 }), T0 - 60_000);
  [20, 21.5, 23, 22, 19].forEach((v, i) => tree.add(msg('home/kitchen/temp', `${v} °C`), T0 - 5000 + i * 1000));
  tree.add(msg('office/light', 'on', { retain: true }), T0 - 500);
  return tree;
}

function state(tree: TopicTree, selectedTopic: string | undefined, extra: Partial<ViewState> = {}): ViewState {
  for (const topic of ['home/kitchen/temp', 'home/bin', 'office/light']) {
    const node = tree.find(topic);
    if (node) tree.reveal(node);
  }
  const rows = tree.rows();
  return {
    tree,
    rows,
    selected: selectedTopic ? tree.find(selectedTopic) : rows[0]?.node,
    scroll: 0,
    broker: 'localhost:1883',
    filters: ['#'],
    link: 'connected',
    reconnects: 0,
    paused: false,
    memoryBytes: 50 * 1024 * 1024,
    prompt: undefined,
    notice: undefined,
    help: false,
    now: T0,
    formatTime: utcTime,
    ...extra,
  };
}

const plain = (lines: string[]): string[] => lines.map((l) => stripStyle(l).trimEnd());

describe('explore render: frames at fixed sizes and a fixed clock', () => {
  test('80x24: status, tree with counts and flags, numeric detail with chart and history', () => {
    const frame = renderFrame(state(sampleTree(), 'home/kitchen/temp'), 80, 24, false);
    assert.equal(frame.length, 24);
    for (const line of frame) assert.equal(textWidth(stripStyle(line)), 80);
    const text = plain(frame);
    assert.equal(text[0], ' tssub explore localhost:1883 ● connected  1.3 msg/s  8 msgs  4 topics  50 MB');
    assert.deepEqual(text.slice(1, 8), [
      '▾ home (7/3)                        │ home/kitchen/temp',
      '    bin (1) = 0x00010241ff    q0 1h │ QoS 0 · live · 6 B · 5 msgs · 1s ago',
      '  ▾ kitchen (6/2)                   │ payload (text)',
      '      json (1) = {"on":tru… R q1 1m │ 19 °C',
      '      temp (5) = 19 °C        q0 1s │ chart of the last 5 values',
      '▾ office (1/1)                      │     23   █',
      '    light (1) = on          R q0 0s │         ▄██',
    ]);
    assert.ok(text.includes(`${' '.repeat(36)}│ history (5)`));
    assert.ok(text.some((l) => l.endsWith('│ 03:04:04.000  0 19 °C')));
    assert.match(text[23]!, /^ ↑↓ move ←→ fold \/ search ␣ pause p publish d clear s save \? help q quit/);
  });

  test('60x20 is still usable: every line fits, the selection and its payload show', () => {
    const frame = renderFrame(state(sampleTree(), 'home/kitchen/json'), 60, 20, false);
    assert.equal(frame.length, 20);
    for (const line of frame) assert.equal(textWidth(stripStyle(line)), 60);
    const text = plain(frame);
    assert.ok(text.some((l) => l.includes('json (1)')));
    const detail = text.map((l) => l.slice(l.indexOf('│') + 1));
    assert.ok(detail.includes(' payload (json)'));
    assert.ok(detail.includes('   "on": true,'));
    assert.ok(detail.some((l) => l.startsWith(' QoS 1 · retained · 25 B')));
  });

  test('binary payloads as hex and text; a node that just changed is highlighted', () => {
    const st = state(sampleTree(), 'home/bin');
    const text = plain(renderFrame(st, 80, 24, false));
    assert.ok(text.some((l) => l.endsWith('│ 0000  00 01 02 41 ff           ...A.')));
    const colored = renderFrame(st, 80, 24, true);
    const lightRow = colored.find((l) => stripStyle(l).includes('light (1)'))!;
    assert.ok(lightRow.includes('\x1b[1;33mlight'), 'changed 500 ms ago: highlighted');
    const later = renderFrame({ ...st, now: T0 + 5000 }, 80, 24, true).find((l) => stripStyle(l).includes('light (1)'))!;
    assert.ok(!later.includes('\x1b[1;33m'));
  });

  test('without colour only attributes: inverse selection, no colour codes', () => {
    const frame = renderFrame(state(sampleTree(), 'office/light'), 80, 24, false).join('\n');
    assert.ok(frame.includes('\x1b[7m'));
    assert.doesNotMatch(frame, /\x1b\[[0-9;]*3[0-9]m/);
  });

  test('status shows reconnects and pause; footer shows prompts and notices', () => {
    const st = state(sampleTree(), 'office/light', {
      link: 'reconnecting',
      reconnects: 2,
      paused: true,
      prompt: { kind: 'publish-payload', topic: 'office/light', text: 'off' },
    });
    const text = plain(renderFrame(st, 80, 24, false));
    assert.match(text[0]!, /^ ◌ reconnecting ↻2 PAUSED 1.3\/s 8 msgs 4 topics 50 MB localhost:1883$/);
    assert.match(plain(renderFrame({ ...st, paused: false }, 84, 24, false))[0]!, /^ localhost:1883 ◌ reconnecting \(2 reconnects\)  1.3 msg\/s/);
    assert.match(plain(renderFrame(st, 60, 20, false))[0]!, /^ ◌ reconnecting ↻2 PAUSED 1.3\/s 8 msgs 4 topics 50 MB/);
    assert.equal(text[23], 'publish to office/light, payload: off█');
    const noticed = plain(renderFrame({ ...st, prompt: undefined, notice: { text: 'published to x', error: false, at: T0 } }, 80, 24, false));
    assert.equal(noticed[23], ' published to x');
  });

  test('an empty tree says what it waits for; a search with no match says so', () => {
    const empty = new TopicTree();
    const st = state(empty, undefined, { filters: ['a/#', 'b'] });
    assert.equal(plain(renderFrame(st, 80, 24, false))[1], 'waiting for messages on a/# b       │ no topic selected');
    const help = plain(renderFrame({ ...st, help: true }, 80, 24, false));
    assert.ok(help.some((l) => l.includes('publish to the selected topic')));
  });

  test('control characters in topics and payloads never reach the terminal', () => {
    const tree = new TopicTree();
    tree.add(msg('evil/\x1b]0;title\x07', '\x1b[2J\x1b[31mred\r\n'), T0);
    const frame = renderFrame(state(tree, 'evil/\x1b]0;title\x07'), 80, 24, false).map(stripStyle).join('');
    assert.doesNotMatch(frame, /[\x00-\x1f\x7f]/);
  });
});

describe('explore render: helpers', () => {
  test('scrollFor keeps the selection in view, moving little', () => {
    assert.equal(scrollFor(0, 0, 10, 100), 0);
    assert.equal(scrollFor(15, 0, 10, 100), 6);
    assert.equal(scrollFor(8, 6, 10, 100), 6);
    assert.equal(scrollFor(3, 6, 10, 100), 3);
    assert.equal(scrollFor(2, 50, 10, 5), 0);
  });

  test('text: widths, cutting, control characters', () => {
    assert.equal(textWidth('温度'), 4);
    assert.equal(fit('abcdef', 4), 'abc…');
    assert.equal(fit('温度温度', 5), '温度…');
    assert.equal(printable('a\nb\tc\x1b'), 'a↵b→c·');
  });

  test('payload views: JSON pretty-printed, text wrapped, binary as hex, previews', () => {
    assert.deepEqual(payloadLines(Buffer.from('{"a":[1]}'), true, 40), { kind: 'json', lines: ['{', '  "a": [', '    1', '  ]', '}'] });
    assert.deepEqual(payloadLines(Buffer.from('abcdefgh'), true, 3).lines, ['abc', 'def', 'gh']);
    assert.equal(payloadLines(Buffer.from('{"a":'), false, 40).kind, 'text');
    const holder = {};
    assert.deepEqual(payloadLines(Buffer.from('{"a":1}'), true, 40, { holder, seq: 1 }).lines, ['{', '  "a": 1', '}']);
    assert.deepEqual(payloadLines(Buffer.from('{"a":1}'), true, 40, { holder, seq: 1 }).lines, ['{', '  "a": 1', '}']);
    assert.deepEqual(payloadLines(Buffer.from('plain'), true, 40, { holder, seq: 2 }).lines, ['plain'], 'a new message is not served from the cache');
    assert.deepEqual(hexDump(Buffer.from('0123456789'), 40), ['0000  30 31 32 33 34 35 36 37  01234567', '0008  38 39                    89']);
    assert.equal(preview(Buffer.from('a\n  b')), 'a b');
    assert.equal(preview(Buffer.from([0xff, 0])), '0xff00');
    assert.equal(preview(Buffer.alloc(0)), '(empty)');
  });

  test('bar chart: one column a value, scaled between min and max', () => {
    assert.deepEqual(barChart([0, 4, 8], 10, 1), ['▁▄█']);
    assert.deepEqual(barChart([0, 8], 10, 2), [' █', '▁█']);
    assert.deepEqual(barChart([5, 5], 10, 2), ['  ', '██']);
  });
});

describe('explore screen writer', () => {
  test('writes everything first, then only the lines that changed, all after a resize', () => {
    const w = new ScreenWriter();
    const first = w.update(['aaa', 'bbb', 'ccc'], 3, 3);
    assert.ok(first.startsWith('\x1b[0m\x1b[2J'));
    assert.ok(first.includes('\x1b[1;1Haaa') && first.includes('\x1b[3;1Hccc'));
    assert.equal(w.update(['aaa', 'bbb', 'ccc'], 3, 3), '');
    assert.equal(w.update(['aaa', 'BBB', 'ccc'], 3, 3), '\x1b[2;1HBBB\x1b[0m');
    const resized = w.update(['aaa', 'BBB'], 3, 2);
    assert.ok(resized.includes('\x1b[2J') && resized.includes('aaa') && resized.includes('BBB'));
  });
});
