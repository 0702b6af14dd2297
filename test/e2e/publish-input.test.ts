// tspub's input modes end to end: what mosquitto_sub receives is compared byte for byte with
// what went in, for files, stdin, line streams (long ones, slow ones), repeats and retained
// clears, and the failures tspub must report rather than hide.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { hasMosquitto, hasMosquittoClients, startBroker, type Broker } from '../helpers/broker.js';
import { at, killAll, run, start, subscriber, type Running } from '../helpers/cli.js';

const skip = !hasMosquitto || !hasMosquittoClients ? 'needs mosquitto and mosquitto-clients' : false;
const LONG = { timeoutMs: 110_000 };

let broker: Broker;
let dir: string;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tsmqtt-input-'));
  if (!skip) broker = await startBroker();
});
after(async () => {
  killAll();
  await broker?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Waits until `check` holds, polling; for events seen only in a child's output. */
async function waitFor(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** A mosquitto_sub that prints each payload raw (-N: no newline added) and stops after `count`. */
function rawSubscriber(topic: string, count: number, extra: string[] = []): Promise<Running> {
  return subscriber(broker, 'mosquitto_sub', ['-t', topic, '-C', String(count), '-W', '100', '-N', ...extra], LONG);
}

/** "1\n2\n...n\n" */
const numbered = (n: number): string => Array.from({ length: n }, (_, i) => `${i + 1}\n`).join('');

describe('whole-message sources', { skip }, () => {
  test('-f: a binary file of every byte value, over 64 KiB, arrives byte for byte', async () => {
    const bytes = Buffer.alloc(70_000);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7 + (i >> 8)) & 0xff;
    const file = join(dir, 'all-bytes.bin');
    writeFileSync(file, bytes);
    assert.equal(new Set(bytes).size, 256);
    for (const qos of ['0', '2']) {
      const sub = await rawSubscriber(`in/file/${qos}`, 1);
      const pub = await run('tspub', [...at(broker), '-t', `in/file/${qos}`, '-q', qos, '-f', file]);
      assert.equal(pub.code, 0, pub.stderr);
      const r = await sub.done;
      assert.equal(r.code, 0, r.stderr);
      assert.ok(r.stdout.equals(bytes), `QoS ${qos}: received ${r.stdout.length} bytes, not the file's ${bytes.length}`);
    }
  });

  test('-f with an empty file publishes an empty message (as mosquitto_pub does)', async () => {
    const file = join(dir, 'empty');
    writeFileSync(file, '');
    const sub = await subscriber(broker, 'mosquitto_sub', ['-t', 'in/empty', '-C', '1', '-W', '10', '-F', '[%p] len=%l']);
    const pub = await run('tspub', [...at(broker), '-t', 'in/empty', '-f', file]);
    assert.equal(pub.code, 0, pub.stderr);
    assert.equal((await sub.done).stdout.toString(), '[] len=0\n');
  });

  test('-s: multi-byte UTF-8, newlines included, arrives unchanged', async () => {
    const text = Buffer.from('é ü ß\n日本語 🎉\r\n\u0000 end\n', 'utf8');
    const sub = await rawSubscriber('in/stdin', 1);
    const pub = await run('tspub', [...at(broker), '-t', 'in/stdin', '-s', '-q', '1'], { input: text });
    assert.equal(pub.code, 0, pub.stderr);
    assert.ok((await sub.done).stdout.equals(text));
  });

  test('--repeat 3 --repeat-delay 0.1: the same message three times', async () => {
    const sub = await subscriber(broker, 'mosquitto_sub', ['-t', 'in/repeat', '-q', '1', '-C', '3', '-W', '10', '-F', '%p q=%q']);
    const pub = await run('tspub', [...at(broker), '-t', 'in/repeat', '-m', 'again', '-q', '1', '--repeat', '3', '--repeat-delay', '0.1']);
    assert.equal(pub.code, 0, pub.stderr);
    assert.equal((await sub.done).stdout.toString(), 'again q=1\nagain q=1\nagain q=1\n');
  });

  test('-n -r clears a retained message', async () => {
    const topic = 'in/retained';
    const set = await run('tspub', [...at(broker), '-t', topic, '-m', 'kept', '-r', '-q', '1']);
    assert.equal(set.code, 0, set.stderr);
    const seen = await run('mosquitto_sub', [...at(broker), '-t', topic, '-C', '1', '-W', '5', '-F', '%p r=%r']);
    assert.equal(seen.stdout.toString(), 'kept r=1\n');
    const clear = await run('tspub', [...at(broker), '-t', topic, '-n', '-r']);
    assert.equal(clear.code, 0, clear.stderr);
    const none = await run('mosquitto_sub', [...at(broker), '-t', topic, '-W', '1', '-F', '%p r=%r']);
    assert.equal(none.code, 27);
    assert.equal(none.stdout.length, 0);
  });
});

describe('-l: one message per line', { skip }, () => {
  const FORMAT = ['-F', '[%p] len=%l'];

  test('empty lines, CR and a last line without newline: as mosquitto_pub publishes them', async () => {
    const input = 'one\n\ntwo\r\n\n\nlast-no-newline';
    const outputs: string[] = [];
    for (const tool of ['tspub', 'mosquitto_pub'] as const) {
      const sub = await subscriber(broker, 'mosquitto_sub', ['-t', `in/lines/${tool}`, '-C', '6', '-W', '10', ...FORMAT]);
      const pub = await run(tool, [...at(broker), '-t', `in/lines/${tool}`, '-l'], { input });
      assert.equal(pub.code, 0, pub.stderr);
      outputs.push((await sub.done).stdout.toString());
    }
    assert.equal(outputs[0], '[one] len=3\n[] len=0\n[two\r] len=4\n[] len=0\n[] len=0\n[last-no-newline] len=15\n');
    assert.equal(outputs[0], outputs[1]);
  });

  test('a NUL byte stays in the line (mosquitto_pub cuts the line there)', async () => {
    const sub = await subscriber(broker, 'mosquitto_sub', ['-t', 'in/nul', '-C', '2', '-W', '10', ...FORMAT]);
    const pub = await run('tspub', [...at(broker), '-t', 'in/nul', '-l', '-q', '1'], { input: 'ab\0cd\nnext\n' });
    assert.equal(pub.code, 0, pub.stderr);
    assert.equal((await sub.done).stdout.toString(), '[ab\0cd] len=5\n[next] len=4\n');
  });

  test('a line longer than 64 KiB between short ones, at QoS 0 and 1', async () => {
    const long = 'L'.repeat(100_000);
    for (const qos of ['0', '1']) {
      const sub = await subscriber(broker, 'mosquitto_sub', ['-t', `in/long/${qos}`, '-C', '3', '-W', '10', '-F', '%l:%p']);
      const pub = await run('tspub', [...at(broker), '-t', `in/long/${qos}`, '-l', '-q', qos], { input: `a\n${long}\nb\n` });
      assert.equal(pub.code, 0, pub.stderr);
      assert.equal((await sub.done).stdout.toString(), `1:a\n100000:${long}\n1:b\n`);
    }
  });

  test('empty stdin publishes nothing and exits 0', async () => {
    const pub = await run('tspub', [...at(broker), '-t', 'in/none', '-l', '-q', '1'], { input: '' });
    assert.equal(pub.code, 0, pub.stderr);
    assert.equal(pub.stderr, '');
  });

  test('each line retained with -r; an empty line clears the retained value, as in mosquitto_pub', async () => {
    const topic = 'in/lines/retained';
    const pub = await run('tspub', [...at(broker), '-t', topic, '-l', '-r', '-q', '1'], { input: 'v1\nv2\n' });
    assert.equal(pub.code, 0, pub.stderr);
    assert.equal((await run('mosquitto_sub', [...at(broker), '-t', topic, '-C', '1', '-W', '5'])).stdout.toString(), 'v2\n');
    const clear = await run('tspub', [...at(broker), '-t', topic, '-l', '-r'], { input: '\n' });
    assert.equal(clear.code, 0, clear.stderr);
    assert.equal((await run('mosquitto_sub', [...at(broker), '-t', topic, '-W', '1'])).code, 27);
  });

});

describe('failures are reported, never exit 0', { skip }, () => {
  test('-s with empty stdin is an error before connecting (as in mosquitto_pub)', async () => {
    const r = await run('tspub', ['-h', '127.0.0.1', '-p', '1', '-t', 'x', '-s'], { input: '' });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'tspub: standard input is empty: nothing to publish (-n publishes an empty message)\n');
  });

  test('connection lost mid-stream: how many messages went unacknowledged', async () => {
    const own = await startBroker();
    try {
      const pub = start('tspub', [...at(own), '-t', 'in/lost', '-l', '-q', '1', '-M', '5', '-d'], { timeoutMs: 40_000 });
      await waitFor(() => pub.stderr().includes('received CONNACK'), 'CONNACK');
      // A broker that stops answering, then goes away: the five messages of the window stay unacknowledged.
      assert.equal(own.signal('SIGSTOP'), true);
      pub.child.stdin!.write(numbered(100));
      await waitFor(() => pub.stderr().split('sending PUBLISH').length - 1 === 5, 'five PUBLISH packets');
      own.signal('SIGKILL');
      const r = await pub.done;
      assert.equal(r.code, 7);
      const last = r.stderr.trimEnd().split('\n').at(-1);
      // A broker killed with data unread resets the connection; one that closes, closes.
      assert.match(last ?? '', new RegExp(`^tspub: connection to 127\\.0\\.0\\.1:${own.port} lost( \\(the broker reset the connection\\))?: 5 of 5 messages sent not acknowledged; the rest of the input was not published$`));
    } finally {
      await own.stop();
    }
  });

  describe('against a strict MQTT 5 broker (ACL, max_qos 1, max_packet_size 200)', () => {
    let strict: Broker;
    let aclDir: string;
    before(async () => {
      aclDir = mkdtempSync(join(tmpdir(), 'tsmqtt-acl-'));
      writeFileSync(join(aclDir, 'acl'), 'topic readwrite allowed/#\n');
      strict = await startBroker({ config: [`acl_file ${join(aclDir, 'acl')}`, 'max_qos 1', 'max_packet_size 200'] });
    });
    after(async () => {
      await strict?.stop();
      rmSync(aclDir, { recursive: true, force: true });
    });
    const V5 = ['-V', '5'];

    test('a refused publish (PUBACK reason 135) exits 1, where mosquitto_pub exits 0', async () => {
      const ours = await run('tspub', [...at(strict), ...V5, '-t', 'denied/x', '-m', 'hi', '-q', '1']);
      assert.equal(ours.code, 1);
      assert.equal(ours.stderr, "tspub: the broker rejected the message on 'denied/x': not authorized (reason code 135)\n");
      const theirs = await run('mosquitto_pub', [...at(strict), ...V5, '-t', 'denied/x', '-m', 'hi', '-q', '1']);
      assert.equal(theirs.code, 0);
    });

    test('-l: every refused line is named, the others still go, and the exit is 1', async () => {
      const sub = await subscriber(strict, 'mosquitto_sub', ['-t', 'allowed/#', '-C', '1', '-W', '10', '-v']);
      const denied = await run('tspub', [...at(strict), ...V5, '-t', 'denied/x', '-l', '-q', '1'], { input: 'a\nb\n' });
      assert.equal(denied.code, 1);
      assert.equal(
        denied.stderr,
        "tspub: line 1 on 'denied/x' was not published: the broker refused it: not authorized (reason code 135)\n" +
          "tspub: line 2 on 'denied/x' was not published: the broker refused it: not authorized (reason code 135)\n" +
          'tspub: 2 lines were not published (see above)\n',
      );
      const big = 'x'.repeat(300);
      const mixed = await run('tspub', [...at(strict), ...V5, '-t', 'allowed/x', '-l', '-q', '1'], { input: `${big}\nsmall\n` });
      assert.equal(mixed.code, 1);
      assert.equal(
        mixed.stderr,
        "tspub: line 1 on 'allowed/x' was not published: 317 bytes as a packet, over the broker's maximum packet size of 200\n" +
          'tspub: 1 line was not published (see above)\n',
      );
      assert.equal((await sub.done).stdout.toString(), 'allowed/x small\n');
    });

    test("QoS, packet size and topic alias beyond the broker's limits are refused before sending", async () => {
      const cases: Array<[string[], string]> = [
        [['-q', '2', '-m', 'x'], 'the broker accepts messages up to QoS 1: use -q 1'],
        [['-m', 'y'.repeat(300)], "the message is 315 bytes as a packet, over the broker's maximum packet size of 200"],
        [['-m', 'x', '-D', 'publish', 'topic-alias', '11'], 'the broker accepts topic aliases up to 10, not 11 (-D publish topic-alias)'],
      ];
      for (const [args, message] of cases) {
        const r = await run('tspub', [...at(strict), ...V5, '-t', 'allowed/x', ...args]);
        assert.equal(r.code, 1, args.join(' '));
        assert.equal(r.stderr, `tspub: ${message}\n`);
      }
    });
  });
});
