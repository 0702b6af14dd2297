import assert from 'node:assert/strict';
import { Duplex, Writable } from 'node:stream';
import { setImmediate as tick } from 'node:timers/promises';
import { describe, test } from 'node:test';
import mqttPacket from 'mqtt-packet';
import {
  decodePublish,
  encodePubacks,
  INCOMPLETE,
  InboundTap,
  MALFORMED,
  packetEnd,
  TopicDecoder,
  type Delivery,
  type InboundMessage,
} from '../../src/core/inbound.js';

type Packet = Parameters<typeof mqttPacket.generate>[0];

const publish = (topic: string, payload: string, qos: 0 | 1 | 2 = 0, messageId?: number, extra: object = {}): Packet =>
  ({ cmd: 'publish', topic, payload: Buffer.from(payload), qos, retain: false, dup: false, ...(messageId ? { messageId } : {}), ...extra }) as Packet;

const bytes = (packets: Packet[], protocolVersion = 4): Buffer =>
  Buffer.concat(packets.map((p) => mqttPacket.generate(p, { protocolVersion })));

/** Everything the tap did, in order, as short words. */
type Log = string[];

class FakeSocket extends Duplex {
  constructor(private readonly log: Log) {
    super();
  }
  override _read(): void {}
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    const ids: number[] = [];
    for (let i = 0; i < chunk.length; i += 4) {
      assert.deepEqual([chunk[i], chunk[i + 1]], [0x40, 2], 'PUBACK, remaining length 2');
      ids.push((chunk[i + 2]! << 8) | chunk[i + 3]!);
    }
    this.log.push(`puback ${ids.join(',')}`);
    done();
  }
}

/** MQTT.js's parser stand-in: logs each packet it is given; with `hold`, finishes only when told. */
class FakeMqttjs extends Writable {
  readonly held: Array<() => void> = [];
  constructor(
    private readonly log: Log,
    private readonly hold = false,
    private readonly protocolVersion = 4,
  ) {
    super();
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    const parser = mqttPacket.parser({ protocolVersion: this.protocolVersion });
    const seen: string[] = [];
    parser.on('packet', (p) => {
      seen.push(p.cmd === 'publish' ? `publish ${String(p.payload)}` : p.cmd);
    });
    parser.on('error', () => seen.push('malformed'));
    parser.parse(chunk);
    this.log.push(`mqttjs ${seen.join(',') || `${chunk.length} bytes`}`);
    if (this.hold) this.held.push(done);
    else done();
  }
}

interface Setup {
  log: Log;
  socket: FakeSocket;
  mqttjs: FakeMqttjs;
  deliveries: InboundMessage[];
  feed: (data: Buffer, chunkSize?: number) => Promise<void>;
}

function setup(options: {
  deliver?: (m: InboundMessage) => Delivery;
  flush?: () => void | Promise<void>;
  endAfter?: number;
  holdMqttjs?: boolean;
  protocolVersion?: number;
  maxPacketSize?: number;
} = {}): Setup {
  const log: Log = [];
  const socket = new FakeSocket(log);
  const mqttjs = new FakeMqttjs(log, options.holdMqttjs, options.protocolVersion);
  const deliveries: InboundMessage[] = [];
  const tap = new InboundTap(
    {
      deliver: (m) => {
        deliveries.push(m);
        log.push(`deliver ${String(m.payload)}`);
        return options.deliver?.(m) ?? 'ack';
      },
      ending: () => options.endAfter !== undefined && deliveries.length >= options.endAfter,
      flush: () => {
        log.push('flush');
        return options.flush?.();
      },
      ended: () => log.push('ended'),
      waiting: () => {
        log.push('wait');
        return () => log.push('go on');
      },
    },
    options.protocolVersion === 5,
    options.maxPacketSize,
  );
  tap.attach(socket, mqttjs);
  const feed = async (data: Buffer, chunkSize = data.length): Promise<void> => {
    for (let i = 0; i < data.length; i += chunkSize) {
      socket.push(data.subarray(i, i + chunkSize));
      await tick();
    }
  };
  return { log, socket, mqttjs, deliveries, feed };
}

const flushed = (log: Log): string[] => log.filter((l) => l !== 'flush');

describe('packetEnd', () => {
  test('decodes the remaining length, says when the header is cut off or too long', () => {
    assert.equal(packetEnd(Buffer.from([0x30, 5]), 0, 2), 7);
    assert.equal(packetEnd(Buffer.from([0, 0x30, 0x80, 0x01]), 1, 4), 4 + 128);
    assert.equal(packetEnd(Buffer.from([0x30, 0xff, 0xff, 0xff, 0x7f]), 0, 5), 5 + 268_435_455);
    assert.equal(packetEnd(Buffer.from([0x30]), 0, 1), INCOMPLETE);
    assert.equal(packetEnd(Buffer.from([0x30, 0x80, 0x80]), 0, 3), INCOMPLETE);
    assert.equal(packetEnd(Buffer.from([0x30, 0x80, 0x80, 0x80, 0x80, 0x01]), 0, 6), MALFORMED);
  });
});

describe('decodePublish', () => {
  const decode = (packet: Packet, protocolVersion = 4): InboundMessage | undefined => {
    const buf = bytes([packet], protocolVersion);
    let body = 2;
    while (buf[body - 1]! & 0x80) body++;
    return decodePublish(buf, 0, body, buf.length, protocolVersion === 5, new TopicDecoder());
  };

  test('QoS 0 and 1, flags, an empty payload, a long one, UTF-8 topics', () => {
    assert.deepEqual(decode(publish('a/b', 'hello')), { topic: 'a/b', payload: Buffer.from('hello'), qos: 0, retain: false, dup: false, messageId: 0 });
    assert.deepEqual(decode({ ...publish('t', 'x', 1, 513), retain: true, dup: true } as Packet), {
      topic: 't',
      payload: Buffer.from('x'),
      qos: 1,
      retain: true,
      dup: true,
      messageId: 513,
    });
    assert.equal(decode(publish('t', ''))?.payload.length, 0);
    assert.equal(decode(publish('t', 'y'.repeat(300_000)))?.payload.length, 300_000);
    assert.equal(decode(publish('ünï/😀', 'z'))?.topic, 'ünï/😀');
  });

  test('left to MQTT.js: QoS 2, MQTT 5 properties', () => {
    assert.equal(decode(publish('t', 'x', 2, 7)), undefined);
    assert.equal(decode(publish('t', 'x', 1, 7, { properties: { contentType: 'text/plain' } }), 5), undefined);
    assert.equal(decode(publish('t', 'x', 0, undefined, { properties: { topicAlias: 1 } }), 5), undefined);
    assert.deepEqual(decode(publish('t', 'x', 1, 7), 5)?.payload, Buffer.from('x'));
  });

  test('left to MQTT.js: packet id 0, an empty topic, a topic longer than the packet', () => {
    assert.equal(decodePublish(Buffer.from([0x32, 5, 0, 1, 0x74, 0, 0]), 0, 2, 7, false, new TopicDecoder()), undefined);
    assert.equal(decodePublish(Buffer.from([0x30, 3, 0, 0, 0x78]), 0, 2, 5, false, new TopicDecoder()), undefined);
    assert.equal(decodePublish(Buffer.from([0x30, 3, 0, 9, 0x78]), 0, 2, 5, false, new TopicDecoder()), undefined);
  });
});

describe('TopicDecoder', () => {
  test('the same bytes give the same string; other bytes of the same length do not', () => {
    const topics = new TopicDecoder();
    const a = Buffer.from('xx/abc/yy');
    const first = topics.decode(a, 3, 6);
    assert.equal(first, 'abc');
    assert.equal(topics.decode(Buffer.from('abc'), 0, 3), 'abc');
    assert.equal(topics.decode(Buffer.from('abd'), 0, 3), 'abd');
    a.write('zzz', 3);
    assert.equal(topics.decode(Buffer.from('abc'), 0, 3), 'abc', 'kept a copy, not a view');
  });
});

test('encodePubacks: four bytes each', () => {
  assert.deepEqual([...encodePubacks([1, 0x1234, 65535])], [0x40, 2, 0, 1, 0x40, 2, 0x12, 0x34, 0x40, 2, 0xff, 0xff]);
});

describe('InboundTap', () => {
  const three = bytes([publish('t', 'one', 1, 1), publish('t', 'two', 1, 2), publish('t', 'three', 1, 3)]);

  test('cut anywhere, the messages come in order, intact; one PUBACK write per read, after the flush', async () => {
    for (const size of [1, 2, 3, 5, 7, 11, three.length]) {
      const s = setup();
      await s.feed(three, size);
      assert.deepEqual(
        s.deliveries.map((m) => [m.topic, String(m.payload), m.messageId]),
        [['t', 'one', 1], ['t', 'two', 2], ['t', 'three', 3]],
        `reads of ${size} bytes`,
      );
      const acks = s.log.filter((l) => l.startsWith('puback')).join(',').replace(/puback /g, '');
      assert.equal(acks, '1,2,3');
      for (let i = 0; i < s.log.length; i++) {
        if (s.log[i]!.startsWith('puback')) assert.equal(s.log[i - 1], 'flush', 'a PUBACK write follows a flush');
      }
    }
    const whole = setup();
    await whole.feed(three);
    assert.deepEqual(whole.log, ['deliver one', 'deliver two', 'deliver three', 'flush', 'puback 1,2,3']);
  });

  test('QoS 0: no PUBACK', async () => {
    const s = setup();
    await s.feed(bytes([publish('a', '1'), publish('a', '2')]));
    assert.deepEqual(s.log, ['deliver 1', 'deliver 2', 'flush']);
  });

  test('other packets go to MQTT.js, in their place', async () => {
    const s = setup();
    const data = bytes([
      { cmd: 'connack', returnCode: 0, sessionPresent: true } as Packet,
      publish('t', 'kept', 1, 9),
      { cmd: 'suback', messageId: 1, granted: [1] } as Packet,
      publish('t', 'retained', 0),
      { cmd: 'pingresp' } as Packet,
    ]);
    await s.feed(data);
    assert.deepEqual(flushed(s.log), ['mqttjs connack', 'deliver kept', 'mqttjs suback', 'deliver retained', 'mqttjs pingresp', 'puback 9']);
  });

  test('a QoS 2 message: earlier PUBACKs go out first; while MQTT.js takes its time, what follows waits', async () => {
    const s = setup({ holdMqttjs: true });
    await s.feed(bytes([publish('t', 'a', 1, 1), publish('t', 'b', 2, 2), publish('t', 'c', 1, 3)]));
    assert.deepEqual(s.log, ['deliver a', 'flush', 'puback 1', 'mqttjs publish b', 'wait']);
    assert.equal(s.socket.isPaused(), true);
    s.mqttjs.held.shift()!();
    await tick();
    assert.deepEqual(s.log.slice(5), ['go on', 'deliver c', 'flush', 'puback 3']);
    assert.equal(s.socket.isPaused(), false);
  });

  /** A flush() whose first call waits until release() is called; the later ones do not wait. */
  function firstFlushWaits(): { flush: () => Promise<void> | undefined; release: () => void } {
    let release: (() => void) | undefined;
    let first = true;
    return {
      flush: () => {
        if (!first) return undefined;
        first = false;
        return new Promise<void>((r) => (release = r));
      },
      release: () => release!(),
    };
  }

  test('a PUBLISH for MQTT.js waits until those before it are written and acknowledged', async () => {
    const { flush, release } = firstFlushWaits();
    const s = setup({ flush });
    await s.feed(bytes([publish('t', 'a', 1, 1), publish('t', 'b', 2, 2)]));
    assert.deepEqual(s.log, ['deliver a', 'flush', 'wait']);
    release();
    await tick();
    assert.deepEqual(s.log.slice(3), ['puback 1', 'go on', 'mqttjs publish b']);
  });

  test('a delivery that waits (a slow reader) holds back the rest and its own PUBACK', async () => {
    let release!: () => void;
    const s = setup({ deliver: (m) => (String(m.payload) === 'a' ? new Promise<void>((r) => (release = r)) : 'ack') });
    await s.feed(bytes([publish('t', 'a', 1, 1), publish('t', 'b', 1, 2)]));
    assert.deepEqual(s.log, ['deliver a', 'wait']);
    assert.equal(s.socket.isPaused(), true);
    await s.feed(bytes([publish('t', 'c', 1, 3)]));
    assert.deepEqual(s.log, ['deliver a', 'wait'], 'nothing more is read meanwhile');
    release();
    await tick();
    assert.deepEqual(s.log.slice(2), ['go on', 'deliver b', 'flush', 'puback 1,2', 'deliver c', 'flush', 'puback 3']);
  });

  test('a delivery that fails is not acknowledged', async () => {
    const s = setup({ deliver: (m) => (String(m.payload) === 'a' ? Promise.reject(new Error('EPIPE')) : 'ack') });
    await s.feed(bytes([publish('t', 'a', 1, 1), publish('t', 'b', 1, 2)]));
    await tick();
    assert.deepEqual(flushed(s.log), ['deliver a', 'wait', 'go on', 'deliver b', 'puback 2']);
  });

  test('a flush that waits holds back the PUBACKs and what follows', async () => {
    const { flush, release } = firstFlushWaits();
    const s = setup({ flush });
    await s.feed(bytes([publish('t', 'a', 1, 1)]));
    await s.feed(bytes([publish('t', 'b', 1, 2)]));
    assert.deepEqual(s.log, ['deliver a', 'flush', 'wait']);
    release();
    await tick();
    assert.deepEqual(s.log.slice(3), ['puback 1', 'go on', 'deliver b', 'flush', 'puback 2']);
  });

  test('output that fails: no PUBACK, and a run that was ending still ends', async () => {
    const s = setup({ endAfter: 2, flush: () => Promise.reject(new Error('EPIPE')) });
    await s.feed(bytes([publish('t', 'a', 1, 1), publish('t', 'b', 1, 2)]));
    await tick();
    assert.deepEqual(s.log, ['deliver a', 'deliver b', 'flush', 'wait', 'ended', 'go on']);
  });

  test('the message that ends the run: output, PUBACKs, then the end; nothing after it is delivered', async () => {
    const s = setup({ endAfter: 2 });
    await s.feed(bytes([publish('t', 'a', 1, 1), publish('t', 'b', 1, 2), publish('t', 'c', 1, 3)]));
    assert.deepEqual(s.log, ['deliver a', 'deliver b', 'flush', 'puback 1,2', 'ended', 'mqttjs publish c']);
  });

  test('MQTT 5: without properties on the hot path; with them, or too large, MQTT.js', async () => {
    const s = setup({ protocolVersion: 5, maxPacketSize: 40 });
    await s.feed(
      bytes(
        [
          publish('t', 'plain', 1, 1),
          publish('t', 'typed', 1, 2, { properties: { contentType: 'text/plain' } }),
          publish('t', 'x'.repeat(50), 0),
        ],
        5,
      ),
    );
    assert.deepEqual(flushed(s.log), ['deliver plain', 'puback 1', 'mqttjs publish typed', `mqttjs publish ${'x'.repeat(50)}`]);
  });

  test('a length that is not MQTT: from there on everything goes to MQTT.js as it is', async () => {
    const s = setup();
    await s.feed(Buffer.concat([bytes([publish('t', 'a')]), Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01])]));
    await s.feed(Buffer.from([1, 2, 3]));
    assert.deepEqual(s.log, ['deliver a', 'mqttjs malformed', 'flush', 'mqttjs 3 bytes']);
  });
});
