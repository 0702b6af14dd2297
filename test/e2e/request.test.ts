// tspub -e: request/response against a real mosquitto, with a responder made of MQTT.js (a client
// like any service's), side by side with mosquitto_rr where the two promise the same bytes.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { connect, type MqttClient } from 'mqtt';
import { hasMosquitto, hasMosquittoClients, startBroker, type Broker } from '../helpers/broker.js';
import { at, killAll, run, start } from '../helpers/cli.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin');
const skip = !hasMosquitto || !hasMosquittoClients ? 'needs mosquitto and mosquitto-clients' : false;

let broker: Broker;
let responder: MqttClient;
/** What the responder does with a request on svc/<name>: answers to send, in order. */
type Answer = { payload: string; correlation?: 'same' | 'other' | 'none'; retain?: boolean };
const script = new Map<string, Answer[]>();

before(async () => {
  if (skip) return;
  broker = await startBroker();
  responder = connect({ host: broker.host, port: broker.port, protocolVersion: 5, reconnectPeriod: 0 });
  await new Promise<void>((resolve, reject) => {
    responder.once('connect', () => resolve());
    responder.once('error', reject);
  });
  await responder.subscribeAsync('svc/#', { qos: 1 });
  responder.on('message', (topic, payload, packet) => {
    const responseTopic = packet.properties?.responseTopic ?? `reply/${topic}`;
    const correlation = packet.properties?.correlationData;
    for (const answer of script.get(topic.slice('svc/'.length)) ?? [{ payload: `re: ${payload.toString()}` }]) {
      const properties: { correlationData?: Buffer } = {};
      if (answer.correlation === 'other') properties.correlationData = Buffer.from('someone-else');
      else if (answer.correlation !== 'none' && correlation) properties.correlationData = correlation;
      responder.publish(responseTopic, answer.payload, { qos: 1, properties });
    }
  });
});
after(async () => {
  killAll();
  await responder?.endAsync();
  await broker?.stop();
});

const ask = (name: string, extra: string[] = []) => run('tspub', [...at(broker), '-t', `svc/${name}`, '-e', `resp/${name}`, '-m', 'ping', '-W', '10', ...extra]);

describe('tspub -e: request/response', { skip }, () => {
  test('a responder answers: the response is printed, exit 0', async () => {
    const r = await ask('plain');
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    assert.equal(r.stdout.toString(), 're: ping\n');
  });

  test('no responder: -W 1 ends with exit 27 and one line', async () => {
    const r = await run('tspub', [...at(broker), '-t', 'nobody/there', '-e', 'resp/nobody', '-m', 'x', '-W', '1']);
    assert.equal(r.code, 27);
    assert.equal(r.stderr, "tspub: no response on 'resp/nobody' within 1 s\n");
    assert.equal(r.stdout.length, 0);
  });

  test('a response with another correlation data, sent first, is ignored (and named with -d)', async () => {
    script.set('stale', [{ payload: 'late answer to someone else', correlation: 'other' }, { payload: 'mine' }]);
    const r = await ask('stale', ['-d']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString(), 'mine\n');
    assert.match(r.stderr, /Ignoring a message on 'resp\/stale': its correlation data is not this request's/);
  });

  test('a retained message already on the response topic is not taken as the response', async () => {
    // MQTT 5: the subscription asks for no retained messages (retain handling 2), and the stale one
    // lacks the correlation data anyway; MQTT 3.1.1: a message with the retain flag is skipped.
    for (const [version, responseTopic] of [[[], 'resp/kept'], [['-V', '311'], 'reply/svc/kept']] as const) {
      const kept = await run('tspub', [...at(broker), '-t', responseTopic, '-m', 'stale retained', '-r', '-q', '1']);
      assert.equal(kept.code, 0, kept.stderr);
      const r = await run('tspub', [...at(broker), ...version, '-t', 'svc/kept', '-e', responseTopic, '-m', 'ping', '-W', '10']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.toString(), 're: ping\n', version.join(' '));
    }
  });

  test('-V 311: no properties, so the first message on the response topic is the response', async () => {
    const r = await run('tspub', [...at(broker), '-V', '311', '-t', 'svc/v311', '-e', 'reply/svc/v311', '-m', 'old', '-W', '10']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString(), 're: old\n');
  });

  test('-C 2 waits for two responses; -v and --json shape them as tssub does', async () => {
    script.set('two', [{ payload: 'part 1' }, { payload: 'part 2' }]);
    const verbose = await ask('two', ['-C', '2', '-v']);
    assert.equal(verbose.code, 0, verbose.stderr);
    assert.equal(verbose.stdout.toString(), 'resp/two part 1\nresp/two part 2\n');
    const json = await ask('two', ['-C', '2', '--json']);
    assert.equal(json.code, 0, json.stderr);
    const lines = json.stdout.toString().trim().split('\n').map((l) => JSON.parse(l) as { topic: string; payload: string });
    assert.deepEqual(lines.map((l) => [l.topic, l.payload]), [['resp/two', 'part 1'], ['resp/two', 'part 2']]);
  });

  test('options of the responses without -e, and -e with -l, are usage errors', async () => {
    const c = await run('tspub', ['-t', 'x', '-m', '1', '-C', '2']);
    assert.equal(c.stderr, "tspub: -C is for the responses of a request: add -e RESPONSE_TOPIC\nUse 'tspub --help' to see usage.\n");
    assert.equal(c.code, 1);
    const l = await run('tspub', ['-t', 'x', '-e', 'r', '-l'], { input: 'a\n' });
    assert.equal(l.stderr, "tspub: -e publishes one request: not with -l\nUse 'tspub --help' to see usage.\n");
    const wild = await run('tspub', ['-t', 'x', '-e', 'r/#', '-m', '1']);
    assert.match(wild.stderr, /^tspub: response topic \(-e\): invalid/);
  });

  test('a shell responder: tssub -F prints the response topic and correlation data, tspub sends them back', async () => {
    const service = start('sh', [
      '-c',
      `"$0" "$1" ${at(broker).join(' ')} -V 5 -t sh/req -C 1 -F '%R %D %p' | while read -r topic corr payload; do "$0" "$2" ${at(broker).join(' ')} -t "$topic" -D publish correlation-data "$corr" -m "shell says $payload"; done`,
      process.execPath,
      join(BIN, 'tssub.js'),
      join(BIN, 'tspub.js'),
    ]);
    await broker.waitForSubacks(broker.subackCount() + 1, 10_000);
    const r = await run('tspub', [...at(broker), '-t', 'sh/req', '-e', 'sh/resp', '-m', 'hello', '-W', '10']);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout.toString(), 'shell says hello\n');
    await service.done;
  });
});

describe('tspub -e and mosquitto_rr: the same bytes for the same response', { skip }, () => {
  for (const options of [[], ['-v'], ['-N'], ['-F', '%t|%p|%q']]) {
    test(options.join(' ') || 'default output', async () => {
      const name = `rr${options.join('').replace(/[^a-z]/gi, '')}`;
      script.set(name, [{ payload: 'the answer' }]);
      const args = [...at(broker), '-t', `svc/${name}`, '-e', `resp/${name}`, '-m', 'q', '-W', '10', ...options];
      const ours = await run('tspub', args);
      const theirs = await run('mosquitto_rr', args);
      assert.equal(ours.code, 0, ours.stderr);
      assert.equal(theirs.code, 0, theirs.stderr);
      assert.equal(ours.stdout.toString('hex'), theirs.stdout.toString('hex'));
    });
  }
});
