// Differential tests: tssub/tspub against mosquitto_sub/mosquitto_pub 2.0 on the same broker and
// the same messages, where the spec promises identical bytes and exit codes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { hasMosquitto, hasMosquittoClients, startBroker, type Broker } from '../helpers/broker.js';
import { at, run, subscriber, fileBroker } from '../helpers/cli.js';

const skip = !hasMosquitto || !hasMosquittoClients ? 'needs mosquitto and mosquitto-clients' : false;

const broker = fileBroker({}, skip);

/** Messages covering the output rules: text, empty, binary with NUL/0xFF/newline, spaces, UTF-8. */
const MESSAGES: Array<[string, Buffer]> = [
  ['cmp/1', Buffer.from('hello')],
  ['cmp/2', Buffer.alloc(0)],
  ['cmp/3', Buffer.from([0x62, 0x69, 0x6e, 0x00, 0x01, 0xff, 0x0a])],
  ['cmp/sp ace', Buffer.from('two words')],
  ['cmp/4', Buffer.from('é ü 日本')],
];

async function outputsFor(
  args: string[],
  messages: Array<[string, Buffer]> = MESSAGES,
  publishArgs: string[] = [],
): Promise<{ ours: Buffer; theirs: Buffer }> {
  const filter = ['-t', 'cmp/#', '-C', String(messages.length), '-W', '10'];
  const ours = await subscriber(broker, 'tssub', [...filter, ...args]);
  const theirs = await subscriber(broker, 'mosquitto_sub', [...filter, ...args]);
  for (const [topic, payload] of messages) {
    // Through stdin (-s), since argv cannot carry a NUL byte; -n for the empty one.
    const source = payload.length === 0 ? ['-n'] : ['-s'];
    const p = await run('mosquitto_pub', [...at(broker), '-t', topic, ...publishArgs, ...source], { input: payload });
    assert.equal(p.code, 0, p.stderr);
  }
  const [o, t] = await Promise.all([ours.done, theirs.done]);
  assert.equal(o.code, 0, o.stderr);
  assert.equal(t.code, 0, t.stderr);
  return { ours: o.stdout, theirs: t.stdout };
}

describe('tssub output is byte-identical to mosquitto_sub', { skip }, () => {
  for (const args of [[], ['-v'], ['-N'], ['-v', '-N'], ['-F', '%t|%p|%q|%r'], ['-F', '%t %l %x']]) {
    test(`tssub ${args.join(' ') || '(default)'}`, async () => {
      const { ours, theirs } = await outputsFor(args);
      assert.ok(theirs.length > 0);
      assert.deepEqual(ours, theirs, `ours:   ${JSON.stringify(ours.toString('latin1'))}\ntheirs: ${JSON.stringify(theirs.toString('latin1'))}`);
    });
  }
});

/** %j/%J print the arrival time; everything else in them must match to the byte. */
const blankTimes = (b: Buffer): string => b.toString('latin1').replace(/"tst":\t?"[^"]*"/g, '"tst":"-"');

describe('every -F conversion matches mosquitto_sub (times aside)', { skip }, () => {
  const formats = [
    '%t|%p|%l|%m|%q|%r',
    '%10t|%-10t|%.3t|%10.3t|%-10.3t|%010t',
    '%5p|%-8p|%08p|%10.2p|%-p',
    '%x|%X|%12x|%4x|%-10X|%012x|%.3x',
    '%2l|%02l|%-4l|%04m|%2q|%3r',
    '%%|\\t|\\\\|\\e|\\0|\\a|\\r|\\v',
    '%5A|%5C|%5E|%05F|%5R|%5S|%P|%D',
    '@@|literal text',
    '',
  ];
  for (const format of formats) {
    test(`-F '${format}'`, async () => {
      const { ours, theirs } = await outputsFor(['-F', format]);
      assert.deepEqual(ours, theirs, `ours:   ${JSON.stringify(ours.toString('latin1'))}\ntheirs: ${JSON.stringify(theirs.toString('latin1'))}`);
    });
  }
  const jsonPayloads: Array<[string, Buffer]> = [
    ['cmp/j1', Buffer.from('{"temp": 27.0, "h":[1,2,3]}')],
    ['cmp/j2', Buffer.from('1.50')],
    ['cmp/j3', Buffer.from('not json')],
    ['cmp/j4', Buffer.from('hello "world"\ttab\\back')],
    ['cmp/j5', Buffer.alloc(0)],
  ];
  for (const args of [['-F', '%j'], ['-F', '%J'], ['-F', '%j', '--pretty'], ['-F', 'A%JB', '--pretty'], ['-q', '1', '-F', '%j']]) {
    test(`${args.join(' ')}`, async () => {
      const { ours, theirs } = await outputsFor(args, jsonPayloads, ['-q', '1']);
      assert.equal(blankTimes(ours), blankTimes(theirs));
    });
  }
  test('MQTT 5 properties: %A %C %D %E %F %P %R %S and %j', async () => {
    const props = [
      '-V', '5',
      '-D', 'publish', 'content-type', 'text/plain',
      '-D', 'publish', 'correlation-data', 'corr123',
      '-D', 'publish', 'message-expiry-interval', '3600',
      '-D', 'publish', 'payload-format-indicator', '1',
      '-D', 'publish', 'response-topic', 'resp/t',
      '-D', 'publish', 'user-property', 'k1', 'v1',
      '-D', 'publish', 'user-property', 'k2', 'v2',
    ];
    const sub = ['-V', '5', '-q', '1'];
    for (const format of ['%A|%C|%D|%E|%F|%P|%R|%S', '%-12R|%.4C|%06E|%3F', '%j']) {
      const { ours, theirs } = await outputsFor([...sub, '-F', format], [['cmp/v5', Buffer.from('message')]], props);
      assert.equal(blankTimes(ours), blankTimes(theirs), format);
    }
  });
});

describe('tspub publishes what mosquitto_pub publishes', { skip }, () => {
  for (const args of [['-m', 'x y z'], ['-n'], ['-m', 'r', '-r'], ['-m', 'q2', '-q', '2']]) {
    test(`tspub ${args.join(' ')}`, async () => {
      const topic = `same/${args.join('_').replace(/[^a-z0-9_]/gi, '')}`;
      const format = ['-F', '%t|%p|%l|%q|%r', '-q', '2'];
      const seen: string[] = [];
      for (const tool of ['tspub', 'mosquitto_pub'] as const) {
        const sub = await subscriber(broker, 'mosquitto_sub', ['-t', topic, '-C', '1', '-W', '5', ...format]);
        const pub = await run(tool, [...at(broker), '-t', topic, ...args]);
        assert.equal(pub.code, 0, pub.stderr);
        seen.push((await sub.done).stdout.toString());
        if (args.includes('-r')) await run('mosquitto_pub', [...at(broker), '-t', topic, '-n', '-r']);
      }
      assert.equal(seen[0], seen[1]);
    });
  }
});

describe('exit codes match mosquitto', { skip }, () => {
  test('-W timeout: 27 for both', async () => {
    const [ours, theirs] = await Promise.all([
      run('tssub', [...at(broker), '-t', 'never/here', '-W', '1']),
      run('mosquitto_sub', [...at(broker), '-t', 'never/here', '-W', '1']),
    ]);
    assert.equal(theirs.code, 27);
    assert.equal(ours.code, 27);
    assert.equal(ours.stderr, 'tssub: timed out after 1 s\n');
  });
});

describe('CONNACK refusals exit with the reason code', { skip }, () => {
  let locked: Broker;
  before(async () => {
    locked = await startBroker({ config: ['allow_anonymous false'] });
  });
  after(async () => {
    await locked?.stop();
  });
  const cases: Array<[string, string[], number, string]> = [
    ['MQTT 3.1.1', [], 5, 'not authorised'],
    ['MQTT 5', ['-V', '5'], 135, 'not authorized'],
  ];
  for (const [name, extra, code, reason] of cases) {
    for (const [tool, reference, args] of [
      ['tspub', 'mosquitto_pub', ['-t', 'x', '-m', '1']],
      ['tssub', 'mosquitto_sub', ['-t', 'x', '-W', '5']],
    ] as const) {
      test(`${name}: ${tool} exits ${code} like ${reference}`, async () => {
        const ours = await run(tool, [...at(locked), ...extra, ...args]);
        const theirs = await run(reference, [...at(locked), ...extra, ...args]);
        assert.equal(theirs.code, code);
        assert.equal(ours.code, code);
        assert.equal(ours.stderr, `${tool}: connection refused by the broker at 127.0.0.1:${locked.port}: ${reason}\n`);
      });
    }
  }
});
