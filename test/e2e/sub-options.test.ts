// tssub's subscription options against a real broker: -T, -U, --remove-retained,
// --retained-only, --retain-as-published, --random-filter and how -C counts. Where mosquitto_sub
// must behave the same, both run on the same messages and their bytes and exit codes are compared.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { hasMosquitto, hasMosquittoClients, startBroker, type Broker } from '../helpers/broker.js';
import { at, run, start, subscriber, type Running, fileBroker } from '../helpers/cli.js';

/** The machine may be loaded (other suites run beside this one): generous limits, never sleeps. */
const SLOW = { timeoutMs: 120_000 };

const noReference = !hasMosquitto || !hasMosquittoClients ? 'needs mosquitto and mosquitto-clients' : false;

const broker = fileBroker();

async function pub(args: string[]): Promise<void> {
  const r = await run('tspub', [...at(broker), ...args]);
  assert.equal(r.code, 0, r.stderr);
}

/**
 * What is retained under `filter` now, as 'topic payload' lines (sorted): --retained-only prints
 * the retained messages, and a live message on `topic` (which matches `filter`) ends it.
 */
async function retainedUnder(filter: string, topic = filter): Promise<string[]> {
  const sub = await subscriber(broker, 'tssub', ['-t', filter, '--retained-only', '-v', '-W', '60'], SLOW);
  await pub(['-t', topic, '-m', 'live marker']);
  const r = await sub.done;
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.toString().split('\n').filter(Boolean).sort();
}

/** Waits until `proc` has printed `expected` (or more), for a reference that never exits on its own. */
async function printed(proc: Running, expected: string, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (proc.stdout().length < Buffer.byteLength(expected) && Date.now() < deadline) await sleep(20);
  return proc.stdout().toString();
}

describe('-T filters out without counting (mosquitto-reference 4.10)', () => {
  for (const tool of ['tssub', 'mosquitto_sub'] as const) {
    test(`${tool}: -T ft/skip/# -T 'ft/+/no' -C 2 prints ft/keep and ft/keep2`, { skip: tool === 'mosquitto_sub' && noReference }, async () => {
      const prefix = tool === 'tssub' ? 'ft' : 'fm';
      const sub = await subscriber(broker, tool, ['-t', `${prefix}/#`, '-T', `${prefix}/skip/#`, '-T', `${prefix}/+/no`, '-C', '2', '-W', '60', '-v'], SLOW);
      for (const t of ['skip/x', 'a/no', 'keep', 'skip', 'keep2']) await pub(['-t', `${prefix}/${t}`, '-m', t]);
      const r = await sub.done;
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.toString(), `${prefix}/keep keep\n${prefix}/keep2 keep2\n`);
    });
  }
});

describe('-C counts retained messages unless -R (mosquitto-reference 4.2), same bytes as mosquitto_sub', { skip: noReference }, () => {
  before(async () => {
    await pub(['-t', 'cr/1', '-m', 'ret1', '-r', '-q', '1']);
    await pub(['-t', 'cr/2', '-m', 'ret2', '-r', '-q', '1']);
  });
  after(async () => {
    await pub(['-t', 'cr/1', '-n', '-r', '-q', '1']);
    await pub(['-t', 'cr/2', '-n', '-r', '-q', '1']);
  });
  for (const args of [['-v', '-C', '1'], ['-F', '%t %p r=%r', '-C', '2']]) {
    test(`-t 'cr/#' ${args.join(' ')}`, async () => {
      const [ours, theirs] = await Promise.all([
        run('tssub', [...at(broker), '-t', 'cr/#', '-W', '60', ...args], SLOW),
        run('mosquitto_sub', [...at(broker), '-t', 'cr/#', '-W', '60', ...args], SLOW),
      ]);
      assert.equal(theirs.code, 0, theirs.stderr);
      assert.equal(ours.code, 0, ours.stderr);
      assert.equal(ours.stdout.toString(), theirs.stdout.toString());
      assert.equal(ours.stdout.toString(), args[0] === '-v' ? 'cr/1 ret1\n' : 'cr/1 ret1 r=1\ncr/2 ret2 r=1\n');
    });
  }
  for (const version of [[], ['-V', '5']]) {
    test(`-R -C 1 ${version.join(' ')}: the retained ones are skipped, the live one counts`, async () => {
      const args = ['-t', 'cr/#', '-R', '-C', '1', '-W', '60', '-v', ...version];
      const ours = await subscriber(broker, 'tssub', args, SLOW);
      const theirs = await subscriber(broker, 'mosquitto_sub', args, SLOW);
      await pub(['-t', 'cr/3', '-m', 'live']);
      const [o, t] = await Promise.all([ours.done, theirs.done]);
      assert.equal(t.code, 0, t.stderr);
      assert.equal(o.code, 0, o.stderr);
      assert.equal(o.stdout.toString(), 'cr/3 live\n');
      assert.equal(o.stdout.toString(), t.stdout.toString());
    });
  }
});

describe('-E exits at the SUBACK: the retained messages right behind it are not printed', () => {
  before(async () => {
    await pub(['-t', 'ee/1', '-m', 'stale', '-r', '-q', '1']);
  });
  after(async () => {
    await pub(['-t', 'ee/1', '-n', '-r', '-q', '1']);
  });
  for (const tool of ['tssub', 'mosquitto_sub'] as const) {
    test(`${tool}: five runs, no output, exit 0`, { skip: tool === 'mosquitto_sub' && noReference }, async () => {
      for (let i = 0; i < 5; i++) {
        const r = await run(tool, [...at(broker), '-t', 'ee/1', '-E'], SLOW);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout.toString(), '', `run ${i + 1}`);
      }
    });
  }
});

describe('-C with QoS 1 on a kept session: what was not printed is not acknowledged', () => {
  test('three queued messages come out one per run of -C 1', async () => {
    const id = 'tsmqtt-count-ack';
    const session = ['-t', 'ca/q', '-q', '1', '-c', '-i', id];
    const create = await run('tssub', [...at(broker), ...session, '-E'], SLOW);
    assert.equal(create.code, 0, create.stderr);
    for (const m of ['m1', 'm2', 'm3']) await pub(['-t', 'ca/q', '-q', '1', '-m', m]);
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await run('tssub', [...at(broker), ...session, '-C', '1', '-W', '60'], SLOW);
      assert.equal(r.code, 0, r.stderr);
      seen.push(r.stdout.toString());
    }
    assert.deepEqual(seen, ['m1\n', 'm2\n', 'm3\n']);
    const rest = await run('tssub', [...at(broker), ...session, '-W', '1'], SLOW);
    assert.equal(rest.code, 27);
    assert.equal(rest.stdout.length, 0);
  });
});

describe('--retained-only: print the retained messages, exit 0 at the first live one', () => {
  before(async () => {
    await pub(['-t', 'ro/1', '-m', 'ret1', '-r', '-q', '1']);
    await pub(['-t', 'ro/2', '-m', 'ret2', '-r', '-q', '1']);
  });
  after(async () => {
    await pub(['-t', 'ro/1', '-n', '-r', '-q', '1']);
    await pub(['-t', 'ro/2', '-n', '-r', '-q', '1']);
  });
  test('same bytes and exit code as mosquitto_sub; the live message is not printed', { skip: noReference }, async () => {
    const args = ['-t', 'ro/#', '--retained-only', '-v', '-W', '60'];
    const ours = await subscriber(broker, 'tssub', args, SLOW);
    const theirs = await subscriber(broker, 'mosquitto_sub', args, SLOW);
    await printed(ours, 'ro/1 ret1\nro/2 ret2\n');
    await printed(theirs, 'ro/1 ret1\nro/2 ret2\n');
    await pub(['-t', 'ro/3', '-m', 'live']);
    const [o, t] = await Promise.all([ours.done, theirs.done]);
    assert.equal(t.code, 0, t.stderr);
    assert.equal(o.code, 0, o.stderr);
    assert.equal(o.stdout.toString(), 'ro/1 ret1\nro/2 ret2\n');
    assert.equal(o.stdout.toString(), t.stdout.toString());
  });
  test('with no live message, -W ends it with 27 after the retained ones', async () => {
    const r = await run('tssub', [...at(broker), '-t', 'ro/#', '--retained-only', '-v', '-W', '1'], SLOW);
    assert.equal(r.code, 27);
    assert.equal(r.stdout.toString(), 'ro/1 ret1\nro/2 ret2\n');
  });
});

describe('--remove-retained', () => {
  test("mosquitto's man page example ends: -T keeps one topic, --retained-only exits 0 (mosquitto_sub hangs)", async () => {
    for (const [t, m] of [['rr/1', 'x1'], ['rr/2', 'x2'], ['rr/keep', 'k']]) await pub(['-t', t!, '-m', m!, '-r', '-q', '1']);
    const r = await run('tssub', [...at(broker), '-t', 'rr/#', '-T', 'rr/keep', '--remove-retained', '--retained-only', '-v', '-W', '60'], SLOW);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout.toString(), 'rr/1 x1\nrr/2 x2\n');
    assert.deepEqual(await retainedUnder('rr/#', 'rr/marker'), ['rr/keep k']);
    await pub(['-t', 'rr/keep', '-n', '-r', '-q', '1']);
  });

  test('prints what mosquitto_sub prints before it hangs', { skip: noReference }, async () => {
    const args = ['-t', 'rd/#', '-T', 'rd/keep', '--remove-retained', '--retained-only', '-v'];
    const results: string[] = [];
    for (const tool of ['tssub', 'mosquitto_sub'] as const) {
      for (const [t, m] of [['rd/1', 'x1'], ['rd/2', 'x2'], ['rd/keep', 'k']]) await pub(['-t', t!, '-m', m!, '-r', '-q', '1']);
      if (tool === 'tssub') {
        const r = await run(tool, [...at(broker), ...args, '-W', '60'], SLOW);
        assert.equal(r.code, 0, r.stderr);
        results.push(r.stdout.toString());
      } else {
        const id = 'rd-reference';
        const proc = start(tool, [...at(broker), ...args, '-i', id], SLOW);
        results.push(await printed(proc, results[0]!));
        // Its clears follow what it printed: stop it only once the broker has both of them.
        const cleared = (topic: string): RegExp => new RegExp(`Received PUBLISH from ${id} \\(d0, q\\d, r1, m\\d+, '${topic}', \\.\\.\\. \\(0 bytes\\)\\)`);
        const deadline = Date.now() + 60_000;
        while (!['rd/1', 'rd/2'].every((t) => cleared(t).test(broker.log())) && Date.now() < deadline) await sleep(20);
        // mosquitto_sub 2.0.11 never disconnects after a clear: it is still running here.
        assert.equal(proc.child.exitCode, null);
        proc.child.kill('SIGKILL');
        await proc.done;
      }
      assert.deepEqual(await retainedUnder('rd/#', 'rd/marker'), ['rd/keep k']);
    }
    assert.equal(results[0], 'rd/1 x1\nrd/2 x2\n');
    assert.equal(results[0], results[1]);
    await pub(['-t', 'rd/keep', '-n', '-r', '-q', '1']);
  });

  test('-C ends the run once the clears are acknowledged; the cleared message comes back empty and counts', async () => {
    await pub(['-t', 'rc/1', '-m', 'x1', '-r', '-q', '1']);
    const r = await run('tssub', [...at(broker), '-t', 'rc/1', '--remove-retained', '-C', '2', '-v', '-W', '60'], SLOW);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString(), 'rc/1 x1\nrc/1 (null)\n');
    assert.deepEqual(await retainedUnder('rc/#', 'rc/marker'), []);
  });

  for (const version of [[], ['-V', '5']]) {
    test(`with -R ${version.join(' ')}: clears without printing or counting, as mosquitto's man page says`, async () => {
      const topic = `rR${version.length}/1`;
      await pub(['-t', topic, '-m', 'stale', '-r', '-q', '1']);
      const sub = await subscriber(broker, 'tssub', ['-t', topic, '-R', '--remove-retained', '-C', '1', '-v', '-W', '60', ...version], SLOW);
      // The clear's own echo is an empty live message: it is the one -C counts.
      const r = await sub.done;
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.toString(), `${topic} (null)\n`);
      assert.deepEqual(await retainedUnder(topic), []);
    });
  }

  test('--retain-as-published: the empty echo is not cleared again (mosquitto_sub loops forever)', async () => {
    await pub(['-t', 'rp/1', '-m', 'x1', '-r', '-q', '1']);
    const r = await run('tssub', [...at(broker), '-V', '5', '-t', 'rp/1', '--retain-as-published', '--remove-retained', '-C', '2', '-W', '60', '-F', '%t [%p] r=%r'], SLOW);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString(), 'rp/1 [x1] r=1\nrp/1 [] r=1\n');
    const again = await run('tssub', [...at(broker), '-V', '5', '-t', 'rp/1', '--retain-as-published', '-W', '1', '-v'], SLOW);
    assert.equal(again.code, 27);
    assert.equal(again.stdout.length, 0);
  });
});

describe('--remove-retained refused by the broker', { skip: !hasMosquitto ? 'needs mosquitto (ACL)' : false }, () => {
  let locked: Broker;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsmqtt-acl-'));
    execFileSync('mosquitto_passwd', ['-c', '-b', join(dir, 'passwd'), 'admin', 'secret']);
    writeFileSync(join(dir, 'acl'), 'topic read locked/#\nuser admin\ntopic readwrite locked/#\n');
    locked = await startBroker({ config: [`password_file ${join(dir, 'passwd')}`, `acl_file ${join(dir, 'acl')}`] });
    const set = await run('tspub', [...at(locked), '-u', 'admin', '-P', 'secret', '-t', 'locked/1', '-m', 'v', '-r', '-q', '1']);
    assert.equal(set.code, 0, set.stderr);
  });
  after(async () => {
    await locked?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  test('MQTT 5: the message is printed, the refusal reported, exit 1', async () => {
    const r = await run('tssub', [...at(locked), '-V', '5', '-t', 'locked/#', '--remove-retained', '-C', '1', '-W', '60'], SLOW);
    assert.equal(r.stdout.toString(), 'v\n');
    assert.equal(
      r.stderr,
      "tssub: could not clear the retained message on 'locked/1': not authorized (reason code 135)\n" +
        "tssub: could not clear 1 retained message(s): 'locked/1'\n",
    );
    assert.equal(r.code, 1);
  });
});

describe('-U: unsubscribe after subscribing', () => {
  for (const version of [[], ['-V', '5']]) {
    const v = version.length > 0 ? 'v5' : 'v311';
    for (const tool of ['tssub', 'mosquitto_sub'] as const) {
      test(`${tool} ${v}: a kept session stops receiving the unsubscribed filter`, { skip: tool === 'mosquitto_sub' && noReference }, async () => {
        const id = `tsmqtt-unsub-${tool}-${v}`;
        const base = `un/${tool}/${v}`;
        const session = ['-q', '1', '-c', '-i', id, ...version];
        const create = await run(tool, [...at(broker), ...session, '-t', `${base}/a`, '-t', `${base}/b`, '-E'], SLOW);
        assert.equal(create.code, 0, create.stderr);
        const drop = await run(tool, [...at(broker), ...session, '-t', `${base}/a`, '-U', `${base}/b`, '-E'], SLOW);
        assert.equal(drop.code, 0, drop.stderr);
        await pub(['-t', `${base}/b`, '-q', '1', '-m', 'gone']);
        await pub(['-t', `${base}/a`, '-q', '1', '-m', 'kept']);
        const back = await run(tool, [...at(broker), ...session, '-t', `${base}/a`, '-C', '1', '-W', '60', '-v'], SLOW);
        assert.equal(back.code, 0, back.stderr);
        assert.equal(back.stdout.toString(), `${base}/a kept\n`);
      });
    }
  }

  test('-d shows the SUBSCRIBE before the UNSUBSCRIBE, as mosquitto_sub sends them', async () => {
    const r = await run('tssub', [...at(broker), '-t', 'uo/a', '-U', 'uo/b', '-U', 'uo/c', '-E', '-d'], SLOW);
    assert.equal(r.code, 0, r.stderr);
    const sub = r.stderr.indexOf('sending SUBSCRIBE');
    const unsub = r.stderr.indexOf('sending UNSUBSCRIBE');
    assert.ok(sub >= 0 && unsub > sub, r.stderr);
    assert.match(r.stderr, /sending UNSUBSCRIBE \(Mid: \d+, uo\/b, uo\/c\)/);
  });

  test('-U alone (no -t): unsubscribe, then exit 0', async () => {
    const id = 'tsmqtt-unsub-alone';
    const create = await run('tssub', [...at(broker), '-q', '1', '-c', '-i', id, '-t', 'ua/a', '-E'], SLOW);
    assert.equal(create.code, 0, create.stderr);
    const drop = await run('tssub', [...at(broker), '-c', '-i', id, '-U', 'ua/a', '-W', '60'], SLOW);
    assert.equal(drop.code, 0, drop.stderr);
    assert.equal(drop.stdout.length, 0);
    await pub(['-t', 'ua/a', '-q', '1', '-m', 'gone']);
    const back = await run('tssub', [...at(broker), '-q', '1', '-c', '-i', id, '-t', 'ua/other', '-W', '1', '-v'], SLOW);
    assert.equal(back.code, 27);
    assert.equal(back.stdout.length, 0);
  });
});

describe('--retain-as-published (MQTT 5), same %r as mosquitto_sub', { skip: noReference }, () => {
  after(async () => {
    await pub(['-t', 'rap/1', '-n', '-r', '-q', '1']);
  });
  for (const rap of [true, false]) {
    test(rap ? 'with it, a live retained publish keeps r=1' : 'without it, a live retained publish arrives with r=0', async () => {
      await pub(['-t', 'rap/1', '-m', 'old', '-r', '-q', '1']);
      const args = ['-V', '5', '-t', 'rap/1', '-C', '2', '-W', '60', '-F', '%p r=%r', ...(rap ? ['--retain-as-published'] : [])];
      const ours = await subscriber(broker, 'tssub', args, SLOW);
      const theirs = await subscriber(broker, 'mosquitto_sub', args, SLOW);
      await printed(ours, 'old r=1\n');
      await printed(theirs, 'old r=1\n');
      await pub(['-t', 'rap/1', '-m', 'new', '-r', '-q', '1']);
      const [o, t] = await Promise.all([ours.done, theirs.done]);
      assert.equal(o.code, 0, o.stderr);
      assert.equal(o.stdout.toString(), `old r=1\nnew r=${rap ? 1 : 0}\n`);
      assert.equal(o.stdout.toString(), t.stdout.toString());
    });
  }
});

describe('--random-filter: a percentage; dropped messages still count for -C', { skip: noReference }, () => {
  const lines = Array.from({ length: 20 }, (_, i) => `m${i}`).join('\n');
  for (const [percent, check] of [
    ['100', (out: string) => assert.equal(out, `${lines}\n`)],
    ['0.1', (out: string) => assert.ok(out.split('\n').filter(Boolean).every((l) => /^m\d+$/.test(l)), out)],
  ] as const) {
    test(`--random-filter ${percent} -C 20 ends after 20 messages`, async () => {
      const sub = await subscriber(broker, 'tssub', ['-t', `rf/${percent}`, '--random-filter', percent, '-C', '20', '-W', '60'], SLOW);
      const p = await run('mosquitto_pub', [...at(broker), '-t', `rf/${percent}`, '-l'], { input: `${lines}\n` });
      assert.equal(p.code, 0, p.stderr);
      const r = await sub.done;
      assert.equal(r.code, 0, r.stderr);
      check(r.stdout.toString());
    });
  }
});
