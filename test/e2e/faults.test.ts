// Fault suite, fast part: tspub and tssub against fake servers on loopback that each put the client
// in one faulty situation, with a bounded time, a checked exit code and a checked stderr line.
// Expected outcomes are those of issue 19; a test of one of its defects names it (defect N).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, afterEach, describe, test } from 'node:test';
import { resolve } from 'node:path';
import { killAll, start, type Result, type Running } from '../helpers/cli.js';
import { FAKES, startFakeBroker, type FakeBehaviour, type FakeBroker } from '../helpers/fake-broker.js';

const ROOT = resolve(import.meta.dirname, '..', '..');

const fakes: FakeBroker[] = [];
async function fake(behaviour: FakeBehaviour): Promise<FakeBroker> {
  const f = await startFakeBroker(behaviour);
  fakes.push(f);
  return f;
}
afterEach(async () => {
  killAll();
  await Promise.all(fakes.splice(0).map((f) => f.stop()));
});
after(killAll);

function at(f: FakeBroker): string[] {
  return ['-h', f.host, '-p', String(f.port)];
}

interface Timed extends Result {
  ms: number;
}

/** Runs a command to its end (SIGKILL at `limitMs`) and says how long it took. */
async function timed(proc: Running): Promise<Timed> {
  const t0 = performance.now();
  const r = await proc.done;
  return { ...r, ms: performance.now() - t0 };
}

function ended(r: Timed, limitMs: number): void {
  assert.equal(r.signal, null, `still running after ${limitMs} ms, killed (stderr: ${JSON.stringify(r.stderr)})`);
  assert.ok(r.ms < limitMs, `took ${Math.round(r.ms)} ms, more than ${limitMs} ms`);
}

/** The stderr lines, with the command name and the fake's port made neutral, for comparison. */
function neutral(stderr: string): string {
  return stderr.replace(/^ts(pub|sub): /gm, 'TOOL: ').replace(/127\.0\.0\.1:\d+/g, 'HOST:PORT');
}

/** Waits until the fake has seen a packet of this kind from the client. */
async function until(f: FakeBroker, cmd: Parameters<FakeBroker['waitForPacket']>[0]): Promise<void> {
  await f.waitForPacket(cmd, 1, 5000);
}

describe('servers that do not speak MQTT', () => {
  for (const kind of ['garbage', 'http'] as const) {
    // A protocol error, as mosquitto's clients call it (exit 2).
    test(`${kind}: tspub exits 2 at once, saying the server does not speak MQTT`, async () => {
      const f = await fake(FAKES[kind]);
      const r = await timed(start('tspub', [...at(f), '-t', 't', '-m', 'x'], { timeoutMs: 5000 }));
      ended(r, 5000);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /^tspub: 127\.0\.0\.1:\d+ answered CONNECT with something that is not MQTT \(.+\): is it an MQTT broker, or does it expect TLS \(--cafile, --tls-use-os-certs\)\?\n$/);
    });

    test(`${kind}: tssub exits 2 at once with the same one line as tspub`, async () => {
      const f = await fake(FAKES[kind]);
      const pub = await timed(start('tspub', [...at(f), '-t', 't', '-m', 'x'], { timeoutMs: 5000 }));
      const sub = await timed(start('tssub', [...at(f), '-t', 't'], { timeoutMs: 5000 }));
      ended(sub, 5000);
      assert.equal(sub.code, 2);
      assert.equal(neutral(sub.stderr), neutral(pub.stderr));
    });
  }
});

describe('CONNACK faults', () => {
  for (const tool of ['tspub', 'tssub'] as const) {
    const args = tool === 'tspub' ? ['-t', 't', '-m', 'x'] : ['-t', 't'];

    test(`refused CONNACK: ${tool} exits with the return code (5) and says why`, async () => {
      const f = await fake(FAKES.refuse);
      const r = await timed(start(tool, [...at(f), ...args], { timeoutMs: 5000 }));
      ended(r, 5000);
      assert.equal(r.code, 5);
      assert.match(r.stderr, new RegExp(`^${tool}: connection refused by the broker at 127\\.0\\.0\\.1:\\d+: not authori[sz]ed\\n$`));
    });

    // As mosquitto_pub: a connection closed before CONNACK is a lost connection (7).
    test(`truncated CONNACK: ${tool} exits 7 at once, naming a closed connection`, async () => {
      const f = await fake(FAKES.truncated);
      const r = await timed(start(tool, [...at(f), ...args], { timeoutMs: 5000 }));
      ended(r, 5000);
      assert.equal(r.code, 7);
      assert.match(r.stderr, new RegExp(`^${tool}: 127\\.0\\.0\\.1:\\d+ closed the connection before accepting it`));
      assert.equal(r.stderr.split('\n').filter(Boolean).length, 1, 'one line');
    });

    test(`silent server: ${tool} --connect-timeout 2 exits 1 after about 2 s`, async () => {
      const f = await fake(FAKES.silent);
      const r = await timed(start(tool, [...at(f), ...args, '--connect-timeout', '2'], { timeoutMs: 8000 }));
      ended(r, 4500);
      assert.ok(r.ms > 1800, `gave up after ${Math.round(r.ms)} ms, before the 2 s`);
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`^${tool}: no answer to CONNECT from 127\\.0\\.0\\.1:\\d+ within 2 s`));
    });
  }

  test('silent server: tssub -W 2 exits 27 after about 2 s', async () => {
    const f = await fake(FAKES.silent);
    const r = await timed(start('tssub', [...at(f), '-t', 't', '-W', '2'], { timeoutMs: 8000 }));
    ended(r, 4000);
    assert.equal(r.code, 27);
    assert.match(r.stderr, /^tssub: timed out after 2 s\n$/);
  });
});

// Defect 1: the guards are just past each bound, so the file stays quick if it ever came back.
describe('subscription never acknowledged', () => {
  for (const [kind, wait] of [['noSuback', 5], ['huge', 2]] as const) {
    const what = kind === 'noSuback' ? 'CONNACK without SUBACK' : 'PUBLISH header announcing 268,435,455 bytes';

    test(`${what}: tssub -W ${wait} exits 27 within ${wait + 1.5} s`, async () => {
      const f = await fake(FAKES[kind]);
      const limit = (wait + 1.5) * 1000;
      const r = await timed(start('tssub', [...at(f), '-t', 'x', '-W', String(wait)], { timeoutMs: limit + 500 }));
      ended(r, limit);
      assert.equal(r.code, 27);
      assert.match(r.stderr, new RegExp(`^tssub: timed out after ${wait} s\\n$`));
    });

    const signals = kind === 'noSuback' ? (['SIGTERM', 'SIGINT'] as const) : (['SIGTERM'] as const);
    for (const signal of signals) {
      test(`${what}: ${signal} ends tssub within 1 s, exit 0 (signal after connecting)`, async () => {
        const f = await fake(FAKES[kind]);
        const proc = start('tssub', [...at(f), '-t', 'x'], { timeoutMs: 10_000 });
        await until(f, 'subscribe');
        const t0 = performance.now();
        proc.child.kill(signal);
        const guard = setTimeout(() => proc.child.kill('SIGKILL'), 1500);
        const r = await proc.done;
        clearTimeout(guard);
        const ms = performance.now() - t0;
        assert.equal(r.signal, null, `${signal} did not end it: killed by the test guard`);
        assert.ok(ms < 1000, `ended ${Math.round(ms)} ms after ${signal}`);
        assert.equal(r.code, 0);
      });
    }
  }

  test('CONNACK without SUBACK: tssub gives up after --connect-timeout with a line about the subscription', async () => {
    const f = await fake(FAKES.noSuback);
    const r = await timed(start('tssub', [...at(f), '-t', 'x', '--connect-timeout', '2'], { timeoutMs: 5500 }));
    ended(r, 5000);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^tssub: .*(SUBACK|subscri).*\n$/i);
    assert.equal(f.connections(), 1, 'no reconnect and resubscribe loop');
  });

  test('CONNACK without SUBACK: tspub is not concerned and publishes (QoS 0)', async () => {
    const f = await fake(FAKES.noSuback);
    const r = await timed(start('tspub', [...at(f), '-t', 't', '-m', 'x'], { timeoutMs: 5000 }));
    ended(r, 5000);
    assert.equal(r.code, 0);
  });
});

// Defects 2 and 3.
describe('QoS 2 PUBLISH answered by PUBACK (a broker downgrading to QoS 1)', () => {
  /** The one outcome: exit 2 (protocol error, as mosquitto_pub), saying it went at QoS 1. */
  function downgraded(r: Timed): void {
    assert.equal(r.code, 2, `exit ${r.code}, stderr ${JSON.stringify(r.stderr)}`);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('tspub: '));
    assert.equal(lines.length, 1, `one tspub: line in ${JSON.stringify(r.stderr)}`);
    assert.match(lines[0]!, /QoS 1/);
    assert.match(lines[0]!, /-q 1/);
  }

  test('tspub -q 2 -m: exit 2, delivered at QoS 1, suggests -q 1', async () => {
    const f = await fake(FAKES.pubackForQos2);
    const r = await timed(start('tspub', [...at(f), '-t', 't', '-q', '2', '-m', 'x'], { timeoutMs: 5000 }));
    ended(r, 5000);
    downgraded(r);
  });

  test('tspub -q 2 -m -d: the same outcome as without -d', async () => {
    const f = await fake(FAKES.pubackForQos2);
    const r = await timed(start('tspub', [...at(f), '-t', 't', '-q', '2', '-m', 'x', '-d'], { timeoutMs: 5000 }));
    ended(r, 5000);
    downgraded(r);
  });

  test('tspub -q 2 --repeat 3 -d: the same outcome', async () => {
    const f = await fake(FAKES.pubackForQos2);
    const r = await timed(start('tspub', [...at(f), '-t', 't', '-q', '2', '-m', 'x', '--repeat', '3', '-d'], { timeoutMs: 5000 }));
    ended(r, 5000);
    downgraded(r);
  });

  test('tspub -q 2 -l: ends at the end of input with the same outcome', async () => {
    const f = await fake(FAKES.pubackForQos2);
    const r = await timed(start('tspub', [...at(f), '-t', 't', '-q', '2', '-l'], { input: 'x\n', timeoutMs: 4000 }));
    ended(r, 3500);
    downgraded(r);
  });

  test('tspub -q 2 -l: SIGTERM ends it within 2 s', async () => {
    const f = await fake(FAKES.pubackForQos2);
    const proc = start('tspub', [...at(f), '-t', 't', '-q', '2', '-l'], { timeoutMs: 10_000 });
    proc.child.stdin!.write('x\n'); // stdin stays open: tspub waits for more lines
    await until(f, 'publish');
    const t0 = performance.now();
    proc.child.kill('SIGTERM');
    const guard = setTimeout(() => proc.child.kill('SIGKILL'), 2500);
    const r = await proc.done;
    clearTimeout(guard);
    assert.equal(r.signal, null, 'SIGTERM did not end it: killed by the test guard');
    assert.ok(performance.now() - t0 < 2000);
    // 143: interrupted before every message was complete (man page); 2 if the downgrade was
    // already reported as the protocol error it is.
    assert.ok(r.code === 143 || r.code === 2, `exit ${r.code}`);
  });
});

// Defect 4.
describe('invalid UTF-8 from argv is refused, not rewritten', () => {
  /** Runs through sh: node cannot put bytes that are not UTF-8 into argv itself. */
  function viaShell(tool: 'tspub' | 'tssub', f: FakeBroker, args: string): Promise<Timed> {
    const bad = `"$(printf 'a/\\377\\376/b')"`;
    const t0 = performance.now();
    const child = spawn('sh', ['-c', `exec "$0" "${ROOT}/bin/${tool}.js" -h ${f.host} -p ${f.port} ${args.replaceAll('BAD', bad)}`, process.execPath], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env['PATH'], HOME: '/nonexistent', XDG_CONFIG_HOME: '/nonexistent' },
    });
    let err = '';
    const out: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const guard = setTimeout(() => child.kill('SIGKILL'), 5000);
    return new Promise((resolveDone) =>
      child.on('close', (code, signal) => {
        clearTimeout(guard);
        resolveDone({ code, signal, stdout: Buffer.concat(out), stderr: err, ms: performance.now() - t0 });
      }),
    );
  }
  const cases: [tool: 'tspub' | 'tssub', args: string, option: RegExp][] = [
    ['tspub', '-t BAD -m x', /-t|topic/],
    ['tssub', '-t BAD -W 2', /-t|topic/],
    ['tspub', '-i BAD -t ok -m x', /-i|client id/],
    ['tssub', '-u BAD -t ok -W 2', /-u|user ?name/],
    ['tspub', '-V 5 -D publish user-property BAD v -t ok -m x', /-D|user-property/],
  ];
  for (const [tool, args, option] of cases) {
    test(`${tool} ${args.replace('BAD', () => 'a/\\377\\376/b')}: exit 1 naming the option, nothing published`, async () => {
      const f = await fake(FAKES.pubackForQos2);
      const r = await viaShell(tool, f, args);
      ended(r, 5000);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /UTF-8/);
      assert.match(r.stderr, option);
      assert.equal(f.packets().filter((p) => p.cmd === 'publish' || p.cmd === 'subscribe').length, 0);
    });
  }
});

test('topic alias: -V 5 -D publish topic-alias 1 --repeat 3 sends the topic once, then the alias alone', async () => {
  const f = await fake(FAKES.aliases);
  const r = await timed(start('tspub', [...at(f), '-V', '5', '-q', '1', '-t', 'alias/topic', '-m', 'x', '-D', 'publish', 'topic-alias', '1', '--repeat', '3'], { timeoutMs: 5000 }));
  ended(r, 5000);
  assert.equal(r.code, 0, r.stderr);
  const publishes = f.packets().filter((p) => p.cmd === 'publish');
  assert.equal(publishes.length, 3);
  assert.deepEqual(
    publishes.map((p) => [p.topic, p.properties?.topicAlias]),
    [['alias/topic', 1], ['', 1], ['', 1]],
  );
});

// Defect 7.
describe('a broker that does not speak the version asked for', () => {
  test('an MQTT 3 broker refusing MQTT 5 in MQTT 3: exit 132, as mosquitto, and the way out', async () => {
    const f = await fake(FAKES.v311Only);
    for (const tool of ['tspub', 'tssub'] as const) {
      const args = tool === 'tspub' ? ['-t', 't', '-m', 'x'] : ['-t', 't'];
      const r = await timed(start(tool, [...at(f), '-V', '5', ...args], { timeoutMs: 5000 }));
      ended(r, 5000);
      assert.equal(r.code, 132, r.stderr);
      assert.match(r.stderr, new RegExp(`^${tool}: the broker at 127\\.0\\.0\\.1:\\d+ does not accept MQTT 5 \\(it answered in MQTT 3: unacceptable protocol version\\): try -V 311\\n$`));
      const ok = await timed(start(tool, [...at(f), '-V', '311', ...args, ...(tool === 'tssub' ? ['-E'] : [])], { timeoutMs: 5000 }));
      assert.notEqual(ok.code, 132);
    }
  });

  test('a server that closes the connection on an MQTT 5 CONNECT: exit 7 and the hint', async () => {
    const f = await fake(FAKES.truncated);
    const r = await timed(start('tspub', [...at(f), '-V', '5', '-t', 't', '-m', 'x'], { timeoutMs: 5000 }));
    assert.equal(r.code, 7);
    assert.match(r.stderr, /closed the connection before accepting it: if it is an MQTT broker, it may not accept MQTT 5: try -V 311\n$/);
  });
});

describe('tspub -e: a refused subscription is its own line, not a timeout', () => {
  for (const version of ['5', '311']) {
    test(`-V ${version}`, async () => {
      const f = await fake(FAKES.subackRefused);
      const r = await timed(start('tspub', [...at(f), '-V', version, '-t', 'svc/x', '-e', 'resp/x', '-m', 'x', '-W', '5'], { timeoutMs: 8000 }));
      ended(r, 4000);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^tspub: the broker refused every subscription: 'resp\/x' \(.+\)\n$/);
      assert.equal(f.packets().filter((p) => p.cmd === 'publish').length, 0, 'no request published without a subscription');
    });
  }
});
