import net from 'node:net';
import mqttPacket from 'mqtt-packet';
import type { Broker } from './broker.js';

interface Tapped {
  /** 'client' for what the client sent, 'broker' for what it received. */
  from: 'client' | 'broker';
  packet: mqttPacket.Packet;
}

export interface Wiretap {
  host: string;
  port: number;
  /** Every packet seen so far, in order per direction. */
  packets(): Tapped[];
  /** Every byte one side sent, over all connections so far, in order. */
  bytes(from: Tapped['from']): Buffer;
  /** Forgets what was seen so far. */
  clear(): void;
  /** The packets of one kind sent by one side. */
  sent<T extends mqttPacket.Packet>(from: Tapped['from'], cmd: T['cmd']): T[];
  stop(): Promise<void>;
}

/**
 * A loopback TCP relay between a client and the real broker that decodes what passes, so a test
 * can check the exact packets and properties a command sent (CONNECT, SUBSCRIBE, DISCONNECT ...)
 * while the broker behind it is real. The decoder is mqtt-packet, independent of our encoder.
 */
export async function startWiretap(broker: Broker): Promise<Wiretap> {
  const seen: Tapped[] = [];
  const raw: Record<Tapped['from'], Buffer[]> = { client: [], broker: [] };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: broker.host, port: broker.port });
    sockets.add(client).add(upstream);
    const fromClient = mqttPacket.parser({ protocolVersion: 4 });
    const fromBroker = mqttPacket.parser({ protocolVersion: 4 });
    fromClient.on('packet', (packet: mqttPacket.Packet) => {
      // The version comes from CONNECT; the broker's side is parsed with the same one.
      if (packet.cmd === 'connect') {
        const version = packet.protocolVersion ?? 4;
        for (const parser of [fromClient, fromBroker]) {
          (parser as unknown as { settings: { protocolVersion: number } }).settings.protocolVersion = version;
        }
      }
      seen.push({ from: 'client', packet });
    });
    fromBroker.on('packet', (packet: mqttPacket.Packet) => seen.push({ from: 'broker', packet }));
    client.on('data', (data: Buffer) => {
      raw.client.push(Buffer.from(data));
      fromClient.parse(data);
      upstream.write(data);
    });
    upstream.on('data', (data: Buffer) => {
      raw.broker.push(Buffer.from(data));
      fromBroker.parse(data);
      client.write(data);
    });
    const close = (): void => {
      client.destroy();
      upstream.destroy();
    };
    for (const s of [client, upstream]) {
      s.on('error', close);
      s.on('close', close);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    packets: () => [...seen],
    bytes: (from) => Buffer.concat(raw[from]),
    clear: () => {
      seen.length = 0;
      raw.client.length = 0;
      raw.broker.length = 0;
    },
    sent: <T extends mqttPacket.Packet>(from: Tapped['from'], cmd: T['cmd']) =>
      seen.filter((t) => t.from === from && t.packet.cmd === cmd).map((t) => t.packet as T),
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
