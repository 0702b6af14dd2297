// A fake MQTT server on loopback that speaks just enough of the protocol, by hand, to put a client
// in one precise faulty situation (no SUBACK, a PUBACK for a QoS 2 PUBLISH, garbage, ...).
// Packets are decoded and encoded with mqtt-packet, independent of the client under test.
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import mqttPacket from 'mqtt-packet';

interface FakeConnection {
  readonly socket: net.Socket;
  /** Protocol level of the CONNECT received (4 until one is). */
  readonly protocolVersion: number;
  /** Encodes and sends a packet with the connection's protocol version. */
  send(packet: mqttPacket.Packet): void;
  /** Sends raw bytes, valid MQTT or not. */
  write(bytes: Buffer | string): void;
  close(): void;
}

export interface FakeBehaviour {
  /** Called when a client connects, before it sent anything. */
  onConnection?(conn: FakeConnection): void;
  /** Called for each packet decoded from the client. */
  onPacket?(conn: FakeConnection, packet: mqttPacket.Packet): void;
  /** Called with raw bytes before decoding (for servers that do not speak MQTT at all). */
  onData?(conn: FakeConnection, data: Buffer): void;
}

export interface FakeBroker {
  readonly host: string;
  readonly port: number;
  /** Every packet every client sent so far. */
  packets(): mqttPacket.Packet[];
  connections(): number;
  /** Waits until a packet of this kind has arrived (n of them), within timeoutMs. */
  waitForPacket(cmd: mqttPacket.PacketCmd, n?: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startFakeBroker(behaviour: FakeBehaviour): Promise<FakeBroker> {
  const seen: mqttPacket.Packet[] = [];
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let version = 4;
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    const conn: FakeConnection = {
      socket,
      get protocolVersion() {
        return version;
      },
      send: (packet) => {
        if (!socket.destroyed) socket.write(mqttPacket.generate(packet, { protocolVersion: version }));
      },
      write: (bytes) => {
        if (!socket.destroyed) socket.write(bytes);
      },
      close: () => socket.destroy(),
    };
    parser.on('packet', (packet: mqttPacket.Packet) => {
      if (packet.cmd === 'connect') {
        version = packet.protocolVersion ?? 4;
        (parser as unknown as { settings: { protocolVersion: number } }).settings.protocolVersion = version;
      }
      seen.push(packet);
      behaviour.onPacket?.(conn, packet);
    });
    // A client that sends what mqtt-packet cannot decode gets no more decoding: a fake has no
    // reason to recover, and the test looks at the client's side.
    parser.on('error', () => {});
    socket.on('data', (data: Buffer) => {
      behaviour.onData?.(conn, data);
      if (behaviour.onPacket) parser.parse(data);
    });
    behaviour.onConnection?.(conn);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    packets: () => [...seen],
    connections: () => connections,
    async waitForPacket(cmd, n = 1, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (seen.filter((p) => p.cmd === cmd).length < n) {
        if (Date.now() > deadline) throw new Error(`fake broker: no ${cmd} #${n} within ${timeoutMs} ms`);
        await sleep(10);
      }
    },
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** CONNACK accepting the connection, in the form the client's protocol version needs. */
function connack(conn: FakeConnection, code = 0, properties?: mqttPacket.IConnackPacket['properties']): void {
  if (conn.protocolVersion === 5) {
    conn.send({ cmd: 'connack', sessionPresent: false, reasonCode: code, ...(properties ? { properties } : {}) });
  } else {
    conn.send({ cmd: 'connack', sessionPresent: false, returnCode: code });
  }
}

/** The behaviours of the fault suite, by name. */
export const FAKES = {
  /** Bytes that are no MQTT at all, sent as soon as the client connects. */
  garbage: {
    onConnection: (c) => c.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x13, 0x37])),
  },
  /** An HTTP server answering the CONNECT as a bad request. */
  http: {
    onData: (c) => {
      c.write('HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 11\r\nConnection: close\r\n\r\nBad Request');
      c.socket.end();
    },
  },
  /** CONNACK refusing the connection: 5, not authorised (MQTT 3.1.1). */
  refuse: {
    onPacket: (c, p) => {
      if (p.cmd === 'connect') connack(c, c.protocolVersion === 5 ? 135 : 5);
    },
  },
  /** A CONNACK cut short: the header announces 2 bytes, one comes, then the socket closes. */
  truncated: {
    onPacket: (c, p) => {
      if (p.cmd === 'connect') {
        c.write(Buffer.from([0x20, 0x02, 0x00]));
        c.socket.end();
      }
    },
  },
  /** CONNACK, then a PUBLISH header announcing the largest remaining length MQTT allows. */
  huge: {
    onPacket: (c, p) => {
      if (p.cmd === 'connect') {
        connack(c);
        c.write(Buffer.from([0x30, 0xff, 0xff, 0xff, 0x7f, 0x00, 0x01, 0x61]));
      }
    },
  },
  /** Accepts the TCP connection and never answers anything. */
  silent: {},
  /** CONNACK, then never a SUBACK (PINGRESP still answered, so keepalive does not end it). */
  noSuback: {
    onPacket: (c, p) => {
      if (p.cmd === 'connect') connack(c);
      if (p.cmd === 'pingreq') c.send({ cmd: 'pingresp' });
    },
  },
  /** A broker that downgrades QoS 2 to 1 the way RabbitMQ does: PUBACK for a QoS 2 PUBLISH. */
  pubackForQos2: {
    onPacket: (c, p) => {
      if (p.cmd === 'connect') connack(c);
      if (p.cmd === 'publish' && p.qos > 0) c.send({ cmd: 'puback', messageId: p.messageId! });
      if (p.cmd === 'subscribe') c.send({ cmd: 'suback', messageId: p.messageId, granted: p.subscriptions.map(() => 1) });
      if (p.cmd === 'pingreq') c.send({ cmd: 'pingresp' });
      if (p.cmd === 'disconnect') c.close();
    },
  },
  /** A broker that refuses every subscription (0x80 / 0x87 not authorized) and acknowledges publishes. */
  subackRefused: {
    onPacket: (c, p) => {
      if (p.cmd === 'connect') connack(c);
      if (p.cmd === 'subscribe') c.send({ cmd: 'suback', messageId: p.messageId, granted: p.subscriptions.map(() => (c.protocolVersion === 5 ? 0x87 : 0x80)) });
      if (p.cmd === 'publish' && p.qos === 1) c.send({ cmd: 'puback', messageId: p.messageId! });
      if (p.cmd === 'disconnect') c.close();
    },
  },
  /** An MQTT 3 broker: any CONNECT other than 3.1.1 gets its return code 1, unacceptable protocol version. */
  v311Only: {
    onData: (c, data) => {
      // The protocol level is the byte after the protocol name: 'MQTT' (4 bytes) at offset 4 of the body.
      const level = data[8];
      if (level !== 4) {
        c.write(Buffer.from([0x20, 0x02, 0x00, 0x01]));
        c.socket.end();
      }
    },
    onPacket: (c, p) => {
      if (p.cmd === 'connect' && p.protocolVersion === 4) connack(c);
      if (p.cmd === 'disconnect') c.close();
    },
  },
  /** An MQTT 5 broker with topic aliases (maximum 10), acknowledging everything. */
  aliases: {
    onPacket: (c, p) => {
      if (p.cmd === 'connect') connack(c, 0, { topicAliasMaximum: 10 });
      if (p.cmd === 'publish' && p.qos === 1) c.send({ cmd: 'puback', messageId: p.messageId! });
      if (p.cmd === 'disconnect') c.close();
    },
  },
} satisfies Record<string, FakeBehaviour>;
