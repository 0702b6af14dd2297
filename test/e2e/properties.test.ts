// -D: MQTT 5 properties end to end. What a subscriber sees is checked with mosquitto_sub -V 5 -F
// against mosquitto_pub given the same -D; what our commands put on the wire (CONNECT,
// SUBSCRIBE, DISCONNECT) is checked through a relay that decodes the packets on their way to
// the real broker.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import type mqttPacket from 'mqtt-packet';
import { hasMosquitto, hasMosquittoClients, startBroker, type Broker } from '../helpers/broker.js';
import { at, killAll, run, start, subscriber } from '../helpers/cli.js';
import { startWiretap, type Wiretap } from '../helpers/wiretap.js';

const skip = !hasMosquitto || !hasMosquittoClients ? 'needs mosquitto and mosquitto-clients' : false;

let broker: Broker;
let tap: Wiretap;
before(async () => {
  if (skip) return;
  broker = await startBroker();
  tap = await startWiretap(broker);
});
after(async () => {
  killAll();
  await tap?.stop();
  await broker?.stop();
});

const viaTap = (): string[] => ['-h', tap.host, '-p', String(tap.port)];
const FORMAT = ['-V', '5', '-F', '%C|%D|%E|%F|%P|%R|%p'];

/** Every PUBLISH property, with distinct user-property keys (see the repeated-key test). */
const PUBLISH_PROPERTIES = [
  '-D', 'publish', 'content-type', 'text/plain',
  '-D', 'PUBLISH', 'Correlation-Data', 'corr123',
  '-D', 'publish', 'message-expiry-interval', '3600',
  '-D', 'publish', 'payload-format-indicator', '1',
  '-D', 'publish', 'response-topic', 'resp/t',
  '-D', 'publish', 'user-property', 'k1', 'v1',
  '-D', 'publish', 'user-property', 'k2', 'v 2',
];
// The broker counts the expiry down in whole seconds; a second may tick between hops.
const EXPECTED = /^text\/plain\|corr123\|(3600|3599)\|1\|k1:v1 k2:v 2\|resp\/t\|(.*)$/;

async function waitFor(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe('-D publish: what mosquitto_sub -V 5 -F sees, as from mosquitto_pub', { skip }, () => {
  const modes: Array<[string, string[], string | undefined, string[]]> = [
    ['-m', ['-m', 'single', '-q', '1'], undefined, ['single']],
    ['-l (lines encoded by tspub itself)', ['-l', '-q', '2'], 'l1\nl2\n', ['l1', 'l2']],
    ['--repeat', ['-m', 'again', '--repeat', '2'], undefined, ['again', 'again']],
  ];
  for (const [name, args, input, payloads] of modes) {
    test(name, async () => {
      const lines: string[][] = [];
      for (const tool of ['tspub', 'mosquitto_pub'] as const) {
        const topic = `props/${tool}/${lines.length}${name.length}`;
        const sub = await subscriber(broker, 'mosquitto_sub', ['-t', topic, '-C', String(payloads.length), '-W', '10', ...FORMAT]);
        const pub = await run(tool, [...at(broker), '-t', topic, ...PUBLISH_PROPERTIES, ...args], input === undefined ? {} : { input });
        assert.equal(pub.code, 0, `${tool}: ${pub.stderr}`);
        const r = await sub.done;
        assert.equal(r.code, 0, r.stderr);
        lines.push(r.stdout.toString().trimEnd().split('\n'));
      }
      const [ours, theirs] = lines;
      assert.deepEqual(ours!.map((l) => l.match(EXPECTED)?.[2]), payloads, ours!.join('\n'));
      assert.deepEqual(theirs!.map((l) => l.match(EXPECTED)?.[2]), payloads, theirs!.join('\n'));
    });
  }

  test('payload-format-indicator 0, a repeated user-property key, topic-alias', async () => {
    const sub = await subscriber(broker, 'mosquitto_sub', ['-t', 'props/more', '-C', '2', '-W', '10', '-V', '5', '-F', '%F|%P|%p']);
    const pub = await run('tspub', [
      ...at(broker), '-t', 'props/more', '-l',
      '-D', 'publish', 'payload-format-indicator', '0',
      '-D', 'publish', 'user-property', 'k', 'a',
      '-D', 'publish', 'user-property', 'k', 'b',
      '-D', 'publish', 'topic-alias', '1',
    ], { input: 'one\ntwo\n' });
    assert.equal(pub.code, 0, pub.stderr);
    assert.equal((await sub.done).stdout.toString(), '0|k:a k:b|one\n0|k:a k:b|two\n');
  });
});

describe('-D publish topic-alias: the topic goes once, then the alias alone (as mosquitto_pub)', { skip }, () => {
  for (const [name, args, input] of [
    ['--repeat 3', ['-m', 'x', '--repeat', '3'], undefined],
    ['-l -q 1', ['-l', '-q', '1'], 'a\nb\nc\n'],
  ] as const) {
    test(name, async () => {
      tap.clear();
      const sub = await subscriber(broker, 'mosquitto_sub', ['-t', 'alias/t', '-C', '3', '-W', '10', '-v']);
      const pub = await run('tspub', [...viaTap(), '-t', 'alias/t', '-D', 'publish', 'topic-alias', '2', ...args], input ? { input } : {});
      assert.equal(pub.code, 0, pub.stderr);
      const sent = tap.sent<mqttPacket.IPublishPacket>('client', 'publish');
      assert.deepEqual(sent.map((p) => [p.topic, p.properties?.topicAlias]), [['alias/t', 2], ['', 2], ['', 2]]);
      assert.equal((await sub.done).stdout.toString().split('\n').filter((l) => l.startsWith('alias/t ')).length, 3);
    });
  }
});

describe('-D will: the will carries its properties when the broker publishes it', { skip }, () => {
  const WILL = [
    '--will-topic', 'will/props', '--will-payload', 'gone',
    '-D', 'will', 'content-type', 'text/x',
    '-D', 'will', 'correlation-data', 'wcd',
    '-D', 'will', 'message-expiry-interval', '600',
    '-D', 'will', 'payload-format-indicator', '1',
    '-D', 'will', 'user-property', 'wk', 'wv',
    '-D', 'will', 'response-topic', 'will/resp',
    '-D', 'will', 'will-delay-interval', '0',
  ];
  for (const tool of ['tssub', 'tspub'] as const) {
    test(`${tool} killed with SIGKILL`, async () => {
      const watcher = await subscriber(broker, 'mosquitto_sub', ['-t', 'will/props', '-C', '1', '-W', '10', ...FORMAT]);
      const id = `will-${tool}`;
      const args = tool === 'tssub' ? ['-t', 'will/none'] : ['-t', 'will/none', '-l'];
      const client = start(tool, [...at(broker), '-i', id, ...args, ...WILL], { timeoutMs: 20_000 });
      await waitFor(() => broker.log().includes(` as ${id} (p5`), `${id} to connect`);
      client.child.kill('SIGKILL');
      const r = await watcher.done;
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout.toString(), /^text\/x\|wcd\|(600|599)\|1\|wk:wv\|will\/resp\|gone\n$/);
    });
  }
});

describe('-D connect, subscribe, disconnect: the packets on the wire', { skip }, () => {
  const last = <T extends mqttPacket.Packet>(cmd: T['cmd'], from: 'client' | 'broker' = 'client'): T => {
    const packets = tap.sent<T>(from, cmd);
    assert.ok(packets.length > 0, `no ${cmd} seen`);
    return packets.at(-1)!;
  };
  const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

  test('tssub: CONNECT, SUBSCRIBE and DISCONNECT properties; the broker echoes the subscription id', async () => {
    // The last -p wins: tssub connects through the relay.
    const sub = await subscriber(broker, 'tssub', [
      '-p', String(tap.port), '-t', 'wire/sub', '-C', '1', '-W', '10', '-F', '%p',
      '-D', 'connect', 'receive-maximum', '5',
      '-D', 'connect', 'maximum-packet-size', '100000',
      '-D', 'connect', 'topic-alias-maximum', '3',
      '-D', 'connect', 'request-problem-information', '0',
      '-D', 'connect', 'request-response-information', '1',
      '-D', 'connect', 'session-expiry-interval', '30',
      '-D', 'connect', 'user-property', 'ck', 'cv',
      '-D', 'subscribe', 'subscription-identifier', '42',
      '-D', 'subscribe', 'user-property', 'sk', 'sv',
      '-D', 'disconnect', 'reason-string', 'bye',
      '-D', 'disconnect', 'user-property', 'dk', 'dv',
    ]);
    const pub = await run('mosquitto_pub', [...at(broker), '-t', 'wire/sub', '-m', 'hello']);
    assert.equal(pub.code, 0, pub.stderr);
    const r = await sub.done;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString(), 'hello\n');

    const connect = last<mqttPacket.IConnectPacket>('connect');
    assert.equal(connect.protocolVersion, 5);
    assert.deepEqual(plain(connect.properties), {
      sessionExpiryInterval: 30,
      receiveMaximum: 5,
      maximumPacketSize: 100000,
      topicAliasMaximum: 3,
      requestResponseInformation: true,
      requestProblemInformation: false,
      userProperties: { ck: 'cv' },
    });
    assert.deepEqual(plain(last<mqttPacket.ISubscribePacket>('subscribe').properties), {
      subscriptionIdentifier: 42,
      userProperties: { sk: 'sv' },
    });
    assert.equal(last<mqttPacket.IPublishPacket>('publish', 'broker').properties?.subscriptionIdentifier, 42);
    assert.deepEqual(plain(last<mqttPacket.IDisconnectPacket>('disconnect').properties), {
      reasonString: 'bye',
      userProperties: { dk: 'dv' },
    });
  });

  test('tspub: CONNECT and DISCONNECT properties', async () => {
    const pub = await run('tspub', [
      ...viaTap(), '-t', 'wire/pub', '-m', 'x', '-q', '1',
      '-D', 'connect', 'user-property', 'who', 'tspub',
      '-D', 'connect', 'receive-maximum', '7',
      '-D', 'disconnect', 'reason-string', 'done',
    ]);
    assert.equal(pub.code, 0, pub.stderr);
    assert.deepEqual(plain(last<mqttPacket.IConnectPacket>('connect').properties), {
      receiveMaximum: 7,
      userProperties: { who: 'tspub' },
    });
    assert.deepEqual(plain(last<mqttPacket.IDisconnectPacket>('disconnect').properties), { reasonString: 'done' });
  });

  test('tssub -D connect maximum-packet-size: the broker holds back what is larger', async () => {
    const sub = await subscriber(broker, 'tssub', ['-t', 'wire/max', '-C', '1', '-W', '10', '-D', 'connect', 'maximum-packet-size', '100']);
    for (const message of ['x'.repeat(200), 'small']) {
      const pub = await run('mosquitto_pub', [...at(broker), '-t', 'wire/max', '-m', message]);
      assert.equal(pub.code, 0, pub.stderr);
    }
    assert.equal((await sub.done).stdout.toString(), 'small\n');
  });

  test('-D connect authentication-method the broker does not know: exit 140, as mosquitto_pub', async () => {
    const args = ['-t', 'x', '-m', '1', '-D', 'connect', 'authentication-method', 'none-such'];
    const ours = await run('tspub', [...at(broker), ...args]);
    const theirs = await run('mosquitto_pub', [...at(broker), ...args]);
    assert.equal(theirs.code, 140);
    assert.equal(ours.code, 140);
    assert.equal(ours.stderr, `tspub: connection refused by the broker at 127.0.0.1:${broker.port}: bad authentication method\n`);
  });
});
