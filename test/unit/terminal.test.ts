import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ReceivedMessage } from '../../src/core/subscribe/subscribe.js';
import { colorLevel, decoratedFormatter, describeGranted, planTerminal, type Palette } from '../../src/output/terminal.js';
import type { MessageFormatter } from '../../src/output/format.js';

describe('colour level per stream', () => {
  const cases: Array<[string, 'auto' | 'always' | 'never', boolean, NodeJS.ProcessEnv, number]> = [
    ['a terminal', 'auto', true, {}, 1],
    ['a pipe', 'auto', false, {}, 0],
    ['NO_COLOR on a terminal', 'auto', true, { NO_COLOR: '1' }, 0],
    ['an empty NO_COLOR is ignored', 'auto', true, { NO_COLOR: '' }, 1],
    ['TERM=dumb', 'auto', true, { TERM: 'dumb' }, 0],
    ['FORCE_COLOR in a pipe', 'auto', false, { FORCE_COLOR: '1' }, 1],
    ['FORCE_COLOR=3', 'auto', false, { FORCE_COLOR: '3' }, 3],
    ['FORCE_COLOR (empty)', 'auto', false, { FORCE_COLOR: '' }, 1],
    ['FORCE_COLOR=0 on a terminal', 'auto', true, { FORCE_COLOR: '0' }, 0],
    ['FORCE_COLOR=false', 'auto', true, { FORCE_COLOR: 'false' }, 0],
    ['FORCE_COLOR beats NO_COLOR, as in Node', 'auto', false, { FORCE_COLOR: '1', NO_COLOR: '1' }, 1],
    ['--color=always in a pipe', 'always', false, {}, 1],
    ['--color=always beats NO_COLOR', 'always', false, { NO_COLOR: '1' }, 1],
    ['--color=always beats FORCE_COLOR=0', 'always', false, { FORCE_COLOR: '0' }, 1],
    ['--color=never on a terminal', 'never', true, { FORCE_COLOR: '3' }, 0],
  ];
  for (const [name, mode, tty, env, level] of cases) {
    test(`${name}: ${level}`, () => assert.equal(colorLevel(mode, tty, env), level));
  }
});

describe('terminal plan', () => {
  const base = { mode: 'auto' as const, stdoutIsTTY: true, stderrIsTTY: true, stderrColumns: 80, env: {}, decoratable: true, debug: false, quiet: false };
  test('both streams on a terminal: colour and spinner', () => {
    assert.deepEqual(planTerminal(base), { stdoutColor: 1, spinner: true, spinnerColor: true });
  });
  test('in pipes: nothing', () => {
    assert.deepEqual(planTerminal({ ...base, stdoutIsTTY: false, stderrIsTTY: false }), { stdoutColor: 0, spinner: false, spinnerColor: false });
  });
  test('-F and --json output is never decorated', () => {
    assert.equal(planTerminal({ ...base, decoratable: false, mode: 'always' }).stdoutColor, 0);
  });
  test('no spinner on a terminal that reports no width (ora would never stop clearing lines)', () => {
    assert.equal(planTerminal({ ...base, stderrColumns: 0 }).spinner, false);
  });
  test('no spinner with -d or --quiet; NO_COLOR keeps the spinner but not its colour', () => {
    assert.equal(planTerminal({ ...base, debug: true }).spinner, false);
    assert.equal(planTerminal({ ...base, quiet: true }).spinner, false);
    assert.deepEqual(planTerminal({ ...base, env: { NO_COLOR: '1' } }), { stdoutColor: 0, spinner: true, spinnerColor: false });
  });
});

describe('decorated -v and default views', () => {
  const palette: Palette = { topic: (s) => `<t>${s}</t>`, retained: (s) => `<r>${s}</r>`, qos: (s) => `<q>${s}</q>`, absent: (s) => `<n>${s}</n>` };
  const msg = (payload: string, extra: Partial<ReceivedMessage> = {}): ReceivedMessage => ({
    topic: 'a/b', payload: Buffer.from(payload), qos: 0, retain: false, dup: false, messageId: 0, ...extra,
  });
  const text = (b: Buffer | undefined): string | undefined => b?.toString();
  // These views show no time: any arrival time will do.
  const at0 = (f: MessageFormatter) => (m: ReceivedMessage) => f(m, { sec: 0, nsec: 0 });
  const verbose = at0(decoratedFormatter({ verbose: true, noEol: false }, palette));
  const plain = at0(decoratedFormatter({ verbose: false, noEol: false }, palette));
  test('-v: coloured topic, payload bytes untouched', () => {
    assert.equal(text(verbose(msg('21.5'))), '<t>a/b</t> 21.5\n');
  });
  test('-v: retained and QoS markers', () => {
    assert.equal(text(verbose(msg('eco', { retain: true, qos: 1 }))), '<t>a/b</t> <r>[retained]</r> <q>[q1]</q> eco\n');
  });
  test('-v: (null) for an empty payload, nothing with -N', () => {
    assert.equal(text(verbose(msg(''))), '<t>a/b</t> <n>(null)</n>\n');
    assert.equal(at0(decoratedFormatter({ verbose: true, noEol: true }, palette))(msg('')), undefined);
  });
  test('default view: a live QoS 0 payload is printed as is; markers otherwise', () => {
    assert.equal(text(plain(msg('21.5'))), '21.5\n');
    assert.equal(text(plain(msg('eco', { retain: true, qos: 2 }))), '<r>[retained]</r> <q>[q2]</q> eco\n');
    assert.equal(plain(msg('')), undefined);
  });
  test('binary payloads pass through byte for byte', () => {
    const bytes = Buffer.from([0, 0xff, 0x1b, 0x0a]);
    assert.deepEqual(plain({ ...msg(''), payload: bytes }), Buffer.concat([bytes, Buffer.from('\n')]));
  });
  test('granted QoS as the spinner shows it', () => {
    assert.equal(describeGranted([{ filter: 'a/#', code: 1 }, { filter: 'b', code: 135 }]), 'a/# (QoS 1), b (refused)');
  });
});
