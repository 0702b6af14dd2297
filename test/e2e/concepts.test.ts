// The MQTT behaviours of ../shared/spec/concepts.md, each with exactly its examples, run through
// the two built commands against a real broker.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { at, run, subscriber, fileBroker } from '../helpers/cli.js';

const broker = fileBroker();

describe('publish/subscribe through a broker', () => {
  test('the three-terminal run: tssub -t name prints 123 when tspub -t name -m 123 runs', async () => {
    const sub = await subscriber(broker, 'tssub', ['-t', 'name', '-C', '1']);
    const pub = await run('tspub', [...at(broker), '-t', 'name', '-m', '123']);
    assert.equal(pub.code, 0, pub.stderr);
    const result = await sub.done;
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.toString(), '123\n');
    assert.equal(result.stderr, '');
  });
});

describe('topics and wildcards', () => {
  // Each case: a published topic, and which filters must and must not receive it.
  const cases: Array<{ topic: string; receivedBy: string[]; notReceivedBy: string[] }> = [
    {
      topic: '/a/b/c/d',
      receivedBy: ['/a/b/c/d', '/a/+/c/d', '+/+/+/+/+', '#', '/#'],
      notReceivedBy: ['+/+/+/+', 'b/+/c/d', 'a/#'],
    },
    { topic: 'a//topic', receivedBy: ['a/+/topic', '+/+/+'], notReceivedBy: [] },
    { topic: '/a/topic', receivedBy: ['+/a/topic', '+/+/+', '#', '/#'], notReceivedBy: [] },
  ];
  for (const { topic, receivedBy, notReceivedBy } of cases) {
    test(`a message on '${topic}'`, async () => {
      // The payload names the case, so a stray message from another case would show in the output.
      const prefix = `wild${cases.findIndex((c) => c.topic === topic)}`;
      const expectYes = await Promise.all(
        receivedBy.map((f) => subscriber(broker, 'tssub', ['-t', f, '-C', '1', '-W', '10', '-F', '%t|%p'])),
      );
      const expectNo = await Promise.all(
        notReceivedBy.map((f) => subscriber(broker, 'tssub', ['-t', f, '-C', '1', '-W', '2', '-F', '%t|%p'])),
      );
      const pub = await run('tspub', [...at(broker), '-t', topic, '-m', prefix]);
      assert.equal(pub.code, 0, pub.stderr);
      for (const [i, proc] of expectYes.entries()) {
        const r = await proc.done;
        assert.equal(r.code, 0, `filter '${receivedBy[i]}' should receive '${topic}': ${r.stderr}`);
        assert.equal(r.stdout.toString(), `${topic}|${prefix}\n`, `filter '${receivedBy[i]}'`);
      }
      for (const [i, proc] of expectNo.entries()) {
        const r = await proc.done;
        assert.equal(r.code, 27, `filter '${notReceivedBy[i]}' must not receive '${topic}'`);
        assert.equal(r.stdout.length, 0, `filter '${notReceivedBy[i]}' printed ${r.stdout}`);
      }
    });
  }

  test('publishing to a topic with + or # is refused before anything is sent', async () => {
    const before = broker.log().split('Received PUBLISH').length;
    for (const topic of ['a/+/b', 'a/#', '+', '#']) {
      const r = await run('tspub', [...at(broker), '-t', topic, '-m', 'x']);
      assert.equal(r.code, 1, topic);
      assert.match(r.stderr, /^tspub: invalid publish topic '.*': wildcards '\+' and '#' are only for subscriptions\nUse 'tspub --help' to see usage\.\n$/);
    }
    assert.equal(broker.log().split('Received PUBLISH').length, before);
  });
});

describe('quality of service', () => {
  const cases: Array<{ pub: number; sub: number; received: number }> = [
    { pub: 2, sub: 0, received: 0 },
    { pub: 0, sub: 2, received: 0 },
    { pub: 1, sub: 2, received: 1 },
    { pub: 2, sub: 1, received: 1 },
    { pub: 2, sub: 2, received: 2 },
  ];
  for (const { pub, sub, received } of cases) {
    test(`published at ${pub}, subscribed at ${sub}: arrives at ${received}`, async () => {
      const topic = `qos/p${pub}s${sub}`;
      const s = await subscriber(broker, 'tssub', ['-t', topic, '-q', String(sub), '-C', '1', '-F', '%q %p']);
      const p = await run('tspub', [...at(broker), '-t', topic, '-q', String(pub), '-m', 'm']);
      assert.equal(p.code, 0, p.stderr);
      const r = await s.done;
      assert.equal(r.stdout.toString(), `${received} m\n`);
    });
  }
});

describe('retained messages', () => {
  test('set, see at once with %r = 1, skip with -R, clear with an empty retained message', async () => {
    const topic = 'retained/state';
    const set = await run('tspub', [...at(broker), '-t', topic, '-m', 'on', '-r', '-q', '1']);
    assert.equal(set.code, 0, set.stderr);

    const seen = await run('tssub', [...at(broker), '-t', topic, '-C', '1', '-W', '5', '-F', '%t %p r=%r']);
    assert.equal(seen.code, 0, seen.stderr);
    assert.equal(seen.stdout.toString(), `${topic} on r=1\n`);

    // -R: the stale value is neither printed nor counted; a live one is, with r=0.
    const fresh = await subscriber(broker, 'tssub', ['-t', topic, '-R', '-C', '1', '-W', '5', '-F', '%p r=%r']);
    const live = await run('tspub', [...at(broker), '-t', topic, '-m', 'live']);
    assert.equal(live.code, 0, live.stderr);
    assert.equal((await fresh.done).stdout.toString(), 'live r=0\n');

    const clear = await run('tspub', [...at(broker), '-t', topic, '-n', '-r']);
    assert.equal(clear.code, 0, clear.stderr);
    const none = await run('tssub', [...at(broker), '-t', topic, '-W', '1', '-v']);
    assert.equal(none.code, 27);
    assert.equal(none.stdout.length, 0);
  });
});

describe('clean session', () => {
  test('with -c and a fixed id, QoS 1 messages queued while offline arrive on reconnect', async () => {
    const id = 'tsmqtt-durable-1';
    const topic = 'session/q1';
    const create = await run('tssub', [...at(broker), '-t', topic, '-q', '1', '-c', '-i', id, '-E']);
    assert.equal(create.code, 0, create.stderr);
    for (const m of ['queued1', 'queued2', 'queued3']) {
      const p = await run('tspub', [...at(broker), '-t', topic, '-q', '1', '-m', m]);
      assert.equal(p.code, 0, p.stderr);
    }
    const p0 = await run('tspub', [...at(broker), '-t', topic, '-q', '0', '-m', 'qos0msg']);
    assert.equal(p0.code, 0, p0.stderr);
    const back = await run('tssub', [...at(broker), '-t', topic, '-q', '1', '-c', '-i', id, '-C', '3', '-W', '5', '-F', '%t %p q=%q']);
    assert.equal(back.code, 0, back.stderr);
    assert.equal(back.stdout.toString(), `${topic} queued1 q=1\n${topic} queued2 q=1\n${topic} queued3 q=1\n`);
  });

  test('with clean session on (the default) nothing is kept', async () => {
    const id = 'tsmqtt-clean-1';
    const topic = 'session/clean';
    const create = await run('tssub', [...at(broker), '-t', topic, '-q', '1', '-i', id, '-E']);
    assert.equal(create.code, 0, create.stderr);
    const p = await run('tspub', [...at(broker), '-t', topic, '-q', '1', '-m', 'lost']);
    assert.equal(p.code, 0, p.stderr);
    const back = await run('tssub', [...at(broker), '-t', topic, '-q', '1', '-i', id, '-W', '1', '-v']);
    assert.equal(back.code, 27);
    assert.equal(back.stdout.length, 0);
  });

  test('MQTT 5: -c with a session expiry keeps the session too', async (t) => {
    if (broker.kind === 'aedes') {
      t.skip('the embedded aedes broker speaks MQTT 3.1.1 only');
      return;
    }
    const id = 'tsmqtt-durable-v5';
    const topic = 'session/v5';
    const create = await run('tssub', [...at(broker), '-V', '5', '-t', topic, '-q', '1', '-c', '-x', '60', '-i', id, '-E']);
    assert.equal(create.code, 0, create.stderr);
    const p = await run('tspub', [...at(broker), '-V', '5', '-t', topic, '-q', '1', '-m', 'kept']);
    assert.equal(p.code, 0, p.stderr);
    const back = await run('tssub', [...at(broker), '-V', '5', '-t', topic, '-q', '1', '-c', '-x', '60', '-i', id, '-C', '1', '-W', '5', '-v']);
    assert.equal(back.code, 0, back.stderr);
    assert.equal(back.stdout.toString(), `${topic} kept\n`);
  });
});

describe('will', () => {
  test('published when the client is killed, not when it disconnects cleanly', async () => {
    const observer = await subscriber(broker, 'tssub', ['-t', 'will/#', '-F', '%t [%p] r=%r q=%q', '-C', '1', '-W', '10']);

    // A clean end (-C reached, normal DISCONNECT) discards the will.
    const clean = await subscriber(broker, 'tssub', ['-t', 'will-trigger', '-C', '1', '--will-topic', 'will/clean', '--will-payload', 'clean-died']);
    await run('tspub', [...at(broker), '-t', 'will-trigger', '-m', 'x']);
    assert.equal((await clean.done).code, 0);
    // A signal is a clean end too (the spec: Ctrl-C sends DISCONNECT, no will).
    const interrupted = await subscriber(broker, 'tssub', ['-t', 'will-idle', '--will-topic', 'will/int', '--will-payload', 'int-died']);
    interrupted.child.kill('SIGINT');
    assert.equal((await interrupted.done).code, 0);

    const killed = await subscriber(broker, 'tssub', ['-t', 'will-idle', '--will-topic', 'will/kill', '--will-payload', 'died', '--will-qos', '1']);
    killed.child.kill('SIGKILL');
    const seen = await observer.done;
    assert.equal(seen.code, 0, seen.stderr);
    assert.equal(seen.stdout.toString(), 'will/kill [died] r=0 q=0\n');
  });
});
