import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseSubscribeConfig } from '../../src/core/config/subscribe.js';
import { type RawOptions } from '../../src/core/config/raw-options.js';
import { MessageGate, type GatedMessage, type Verdict } from '../../src/core/subscribe/message-gate.js';

const live = (topic: string, payload = 'x'): GatedMessage => ({ topic, payload: Buffer.from(payload), retain: false });
const stale = (topic: string, payload = 'x'): GatedMessage => ({ topic, payload: Buffer.from(payload), retain: true });

function gate(raw: RawOptions, random?: () => number): MessageGate {
  return new MessageGate(parseSubscribeConfig({ topic: '#', ...raw }, 5), random);
}
const handled = (print: boolean, clear: boolean, last: boolean): Verdict => ({ stop: false, print, clear, last });

describe('message gate: what mosquitto_sub prints and counts', () => {
  test('-C counts retained messages too', () => {
    const g = gate({ count: '2' });
    assert.deepEqual(g.judge(stale('r/1')), handled(true, false, false));
    assert.deepEqual(g.judge(live('r/2')), handled(true, false, true));
  });
  test('-R: retained messages are neither printed nor counted', () => {
    const g = gate({ count: '1', 'no-retained': true });
    assert.deepEqual(g.judge(stale('r/1')), handled(false, false, false));
    assert.deepEqual(g.judge(live('r/3')), handled(true, false, true));
  });
  test('-T: filtered messages are neither printed nor counted (4.10: ft/keep and ft/keep2 with -C 2)', () => {
    const g = gate({ count: '2', 'filter-out': ['ft/skip/#', 'ft/+/no'] });
    const seen = ['ft/skip/x', 'ft/a/no', 'ft/keep', 'ft/skip', 'ft/keep2'].map((t) => [t, g.judge(live(t))] as const);
    assert.deepEqual(
      seen.filter(([, v]) => !v.stop && v.print).map(([t]) => t),
      ['ft/keep', 'ft/keep2'],
    );
    assert.deepEqual(seen[4]![1], handled(true, false, true));
  });
  test('--random-filter: dropped messages still count for -C', () => {
    const rolls = [0.5, 0.01, 0.7];
    const g = gate({ count: '3', 'random-filter': '10' }, () => rolls.shift()!);
    assert.deepEqual(g.judge(live('a')), handled(false, false, false));
    assert.deepEqual(g.judge(live('b')), handled(true, false, false));
    assert.deepEqual(g.judge(live('c')), handled(false, false, true));
  });
  test('--random-filter is a percentage: 100 prints everything', () => {
    const g = gate({ 'random-filter': '100' }, () => 0.999999);
    assert.deepEqual(g.judge(live('a')), handled(true, false, false));
  });
  test('--retained-only: retained messages print, the first live one stops the run', () => {
    const g = gate({ 'retained-only': true });
    assert.deepEqual(g.judge(stale('r/1')), handled(true, false, false));
    assert.deepEqual(g.judge(live('r/3')), { stop: true });
  });
  test('--retained-only: a live message stops the run even if -T would filter it out (mosquitto order)', () => {
    const g = gate({ 'retained-only': true, 'filter-out': 'x/#' });
    assert.deepEqual(g.judge(live('x/1')), { stop: true });
  });
  test('--remove-retained: clears retained messages, not live ones, not -T ones', () => {
    const g = gate({ 'remove-retained': true, 'filter-out': 'rr/keep' });
    assert.deepEqual(g.judge(stale('rr/1')), handled(true, true, false));
    assert.deepEqual(g.judge(live('rr/2')), handled(true, false, false));
    assert.deepEqual(g.judge(stale('rr/keep')), handled(false, false, false));
  });
  test('--remove-retained with -R clears without printing or counting (as the man page says)', () => {
    const g = gate({ 'remove-retained': true, 'no-retained': true, count: '1' });
    assert.deepEqual(g.judge(stale('rr/1')), handled(false, true, false));
  });
  test('--remove-retained never clears an empty retained message (no loop with --retain-as-published)', () => {
    const g = gate({ 'remove-retained': true, 'retain-as-published': true });
    assert.deepEqual(g.judge(stale('rr/1', '')), handled(true, false, false));
  });
});
