import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PauseBuffer, RateMeter, TopicTree, parseSearch, searchMatches, type IncomingMessage } from '../../src/explore/model.js';
import { parseNumeric } from '../../src/explore/numeric.js';

const msg = (topic: string, payload: string | Uint8Array, extra: Partial<IncomingMessage> = {}): IncomingMessage => ({
  topic,
  payload: typeof payload === 'string' ? Buffer.from(payload) : payload,
  qos: 0,
  retain: false,
  ...extra,
});

describe('explore model: tree and counts', () => {
  test('builds levels in name order and counts messages and topics below each node', () => {
    const tree = new TopicTree();
    tree.add(msg('home/kitchen/temp', '21'), 1000);
    tree.add(msg('home/attic/temp', '18'), 1001);
    tree.add(msg('home/kitchen/temp', '22'), 1002);
    tree.add(msg('garden', 'x'), 1003);
    assert.deepEqual(tree.root.children.map((c) => c.name), ['garden', 'home']);
    const home = tree.find('home/kitchen/temp')!.parent!.parent!;
    assert.equal(home.topic, 'home');
    assert.equal(home.messagesBelow, 3);
    assert.equal(home.topicsBelow, 2);
    assert.equal(home.count, 0);
    assert.deepEqual(home.children.map((c) => c.name), ['attic', 'kitchen']);
    assert.equal(tree.find('home/kitchen/temp')!.count, 2);
    assert.equal(tree.totalMessages, 4);
    assert.equal(tree.topicCount, 3);
    assert.equal(tree.find('home/kitchen/temp')!.changedAt, 1002);
    assert.equal(home.changedAt, 1002);
  });

  test('empty levels and a topic that is also a branch', () => {
    const tree = new TopicTree();
    tree.add(msg('/a//b', '1'), 0);
    tree.add(msg('a', '1'), 0);
    tree.add(msg('a/b', '1'), 0);
    assert.equal(tree.find('/a//b')!.depth, 3);
    assert.equal(tree.root.children[0]!.name, '');
    const a = tree.find('a')!;
    assert.equal(a.count, 1);
    assert.equal(a.messagesBelow, 2);
    assert.equal(a.topicsBelow, 2);
  });

  test('rows: only expanded nodes show their children; reveal opens the way to a node', () => {
    const tree = new TopicTree();
    tree.add(msg('a/b/c', '1'), 0);
    tree.add(msg('a/d', '1'), 0);
    assert.deepEqual(tree.rows().map((r) => r.node.topic), ['a']);
    tree.reveal(tree.find('a/b/c')!);
    assert.deepEqual(tree.rows().map((r) => [r.node.topic, r.depth]), [['a', 0], ['a/b', 1], ['a/b/c', 2], ['a/d', 1]]);
  });

  test('keeps the last message with its flags and properties', () => {
    const tree = new TopicTree();
    tree.add(msg('t', 'x', { qos: 1, retain: true, properties: { contentType: 'text/plain' } }), 5);
    const last = tree.find('t')!.last!;
    assert.equal(Buffer.from(last.payload).toString(), 'x');
    assert.equal(last.qos, 1);
    assert.equal(last.retain, true);
    assert.deepEqual(last.properties, { contentType: 'text/plain' });
    assert.equal(last.at, 5);
  });
});

describe('explore model: caps', () => {
  test('history keeps the last N messages, oldest first', () => {
    const tree = new TopicTree({ historyPerTopic: 3, maxPayloadBytes: 100 });
    for (let i = 1; i <= 7; i++) tree.add(msg('t', String(i)), i);
    const node = tree.find('t')!;
    assert.equal(node.count, 7);
    assert.deepEqual(node.history.entries().map((h) => h.value), [5, 6, 7]);
    assert.deepEqual(node.history.entries().map((h) => h.at), [5, 6, 7]);
  });

  test('the last payload is cut at the cap, its size still known; history keeps a short preview', () => {
    const tree = new TopicTree({ historyPerTopic: 2, maxPayloadBytes: 16 });
    const big = Buffer.alloc(1000, 0x61);
    tree.add(msg('t', big), 0);
    const node = tree.find('t')!;
    assert.equal(node.last!.payload.length, 16);
    assert.equal(node.last!.size, 1000);
    const [entry] = node.history.entries();
    assert.equal(entry!.size, 1000);
    assert.ok(entry!.preview.length < 1000);
  });

  test('payloads are copied, not kept as views of the caller buffer', () => {
    const tree = new TopicTree();
    const backing = Buffer.from('hello world');
    tree.add(msg('t', backing.subarray(0, 5)), 0);
    backing.fill(0x7a);
    assert.equal(Buffer.from(tree.find('t')!.last!.payload).toString(), 'hello');
    assert.notEqual(tree.find('t')!.last!.payload.buffer, backing.buffer);
  });

  test('a history of 0 keeps none', () => {
    const tree = new TopicTree({ historyPerTopic: 0, maxPayloadBytes: 10 });
    tree.add(msg('t', '1'), 0);
    assert.equal(tree.find('t')!.history.length, 0);
  });

  test('the pause buffer counts at once and keeps only the last N per topic', () => {
    const tree = new TopicTree({ historyPerTopic: 2, maxPayloadBytes: 10 });
    const held = new PauseBuffer(2);
    for (let i = 0; i < 5; i++) {
      tree.countOnly(i);
      held.hold(msg('t', String(i)), i);
    }
    assert.equal(tree.totalMessages, 5);
    assert.equal(tree.find('t'), undefined);
    held.release((m, at) => tree.apply(m, at));
    assert.equal(tree.totalMessages, 5);
    assert.deepEqual(tree.find('t')!.history.entries().map((h) => h.value), [3, 4]);
  });
});

describe('explore model: numeric payloads', () => {
  const cases: Array<[string, number | undefined]> = [
    ['21.5', 21.5],
    ['21.5 °C', 21.5],
    ['21.5°C', 21.5],
    ['-3', -3],
    ['+4', 4],
    ['.5', 0.5],
    ['1e3', 1000],
    ['87%', 87],
    [' 42 ', 42],
    ['12 kWh', 12],
    ['abc', undefined],
    ['', undefined],
    ['1.2.3', undefined],
    ['12 apples and 3 pears', undefined],
    ['{"t":21}', undefined],
    ['0x10', undefined],
    ['NaN', undefined],
    ['1e999', undefined],
    ['1 2', undefined],
  ];
  for (const [text, value] of cases) {
    test(`'${text}' -> ${value}`, () => assert.equal(parseNumeric(Buffer.from(text)), value));
  }
  test('binary and long payloads are not numbers', () => {
    assert.equal(parseNumeric(Buffer.from([0x31, 0xff])), undefined);
    assert.equal(parseNumeric(Buffer.from(`1${' '.repeat(40)}`)), undefined);
  });
});

describe('explore model: search', () => {
  test('a wildcard makes it an MQTT filter; anything else is a case-insensitive substring', () => {
    assert.deepEqual(parseSearch('a/+/c'), { text: 'a/+/c', kind: 'filter' });
    assert.deepEqual(parseSearch('a/#'), { text: 'a/#', kind: 'filter' });
    assert.deepEqual(parseSearch('a#b'), { text: 'a#b', kind: 'substring' });
    assert.deepEqual(parseSearch('Kitchen'), { text: 'Kitchen', kind: 'substring' });
    assert.equal(parseSearch(''), undefined);
    assert.ok(searchMatches(parseSearch('KITCHEN')!, 'home/kitchen/temp'));
    assert.ok(searchMatches(parseSearch('home/+/temp')!, 'home/kitchen/temp'));
    assert.ok(!searchMatches(parseSearch('home/+')!, 'home/kitchen/temp'));
    assert.ok(!searchMatches(parseSearch('#')!, '$SYS/broker/uptime'));
  });

  test('narrows the rows to matches and their ancestors, opened; new topics join', () => {
    const tree = new TopicTree();
    tree.add(msg('home/kitchen/temp', '1'), 0);
    tree.add(msg('home/kitchen/light', '1'), 0);
    tree.add(msg('office/temp', '1'), 0);
    tree.setSearch(parseSearch('temp'));
    assert.deepEqual(tree.rows().map((r) => r.node.topic), ['home', 'home/kitchen', 'home/kitchen/temp', 'office', 'office/temp']);
    tree.setSearch(parseSearch('home/+/light'));
    assert.deepEqual(tree.rows().map((r) => r.node.topic), ['home', 'home/kitchen', 'home/kitchen/light']);
    tree.add(msg('home/hall/light', '1'), 0);
    assert.deepEqual(tree.rows().map((r) => r.node.topic), ['home', 'home/hall', 'home/hall/light', 'home/kitchen', 'home/kitchen/light']);
    tree.setSearch(parseSearch('nothing'));
    assert.deepEqual(tree.rows(), []);
    tree.setSearch(undefined);
    assert.deepEqual(tree.rows().map((r) => r.node.topic), ['home', 'office']);
  });
});

describe('explore model: rate', () => {
  test('messages per second over the complete seconds of the window', () => {
    const rate = new RateMeter(5);
    for (let s = 0; s < 4; s++) for (let i = 0; i < 10 * (s + 1); i++) rate.add(s * 1000 + i);
    // At 4.5 s: seconds 0..3 complete (10+20+30+40) over 4.
    assert.equal(rate.rate(4500), 25);
    // Long silence: everything aged out.
    assert.equal(rate.rate(60_000), 0);
  });
});
