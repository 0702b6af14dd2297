// Differential tests: tssub/tspub against mosquitto_sub/mosquitto_pub 2.0 on the same broker and
// the same messages, where the spec promises identical bytes and exit codes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { hasMosquitto, hasMosquittoClients, startBroker, type Broker } from '../helpers/broker.js';
import { at, killAll, run, subscriber } from '../helpers/cli.js';

const skip = !hasMosquitto || !hasMosquittoClients ? 'needs mosquitto and mosquitto-clients' : false;

let broker: Broker;
before(async () => {
  if (!skip) broker = await startBroker();
});
after(async () => {
  killAll();
  await broker?.stop();
});

/** Messages covering the output rules: text, empty, binary with NUL/0xFF/newline, spaces, UTF-8. */
const MESSAGES: Array<[string, Buffer]> = [
  ['cmp/1', Buffer.from('hello')],
  ['cmp/2', Buffer.alloc(0)],
  ['cmp/3', Buffer.from([0x62, 0x69, 0x6e, 0x00, 0x01, 0xff, 0x0a])],
  ['cmp/sp ace', Buffer.from('two words')],
  ['cmp/4', Buffer.from('é ü 日本')],
];

async function outputsFor(args: string[]): Promise<{ ours: Buffer; theirs: Buffer }> {
  const filter = ['-t', 'cmp/#', '-C', String(MESSAGES.length), '-W', '10'];
  const ours = await subscriber(broker, 'tssub', [...filter, ...args]);
  const theirs = await subscriber(broker, 'mosquitto_sub', [...filter, ...args]);
  for (const [topic, payload] of MESSAGES) {
    // Through stdin (-s), since argv cannot carry a NUL byte; -n for the empty one.
    const source = payload.length === 0 ? ['-n'] : ['-s'];
    const p = await run('mosquitto_pub', [...at(broker), '-t', topic, ...source], { input: payload });
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
