// closeSessionFlushed against a stand-in broker on loopback that answers CONNECT and then only
// reads: it never closes the connection unless the test says so.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import { PassThrough } from 'node:stream';
import tls from 'node:tls';
import { describe, test } from 'node:test';
import { parseConnectionConfig } from '../../src/core/config/connection.js';
import { closeSessionFlushed, hasKernelSocketSemantics, openSession, watchPings } from '../../src/core/session/session.js';

const CONNACK = Buffer.from([0x20, 2, 0, 0]);
const DISCONNECT = Buffer.from([0xe0, 0]);
const PINGREQ = Buffer.from([0xc0, 0]);

interface Peer {
  /** Everything the client sent, once it half-closed the connection. */
  received: Promise<Buffer>;
  socket: net.Socket;
}

/** `close()` ends the listener and any connection still open. */
async function standIn(): Promise<{ port: number; peer: Promise<Peer>; close: () => void }> {
  const sockets = new Set<net.Socket>();
  let arrived!: (peer: Peer) => void;
  const peer = new Promise<Peer>((resolve) => (arrived = resolve));
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    const chunks: Buffer[] = [];
    let answered = false;
    const received = new Promise<Buffer>((resolve) => socket.on('end', () => resolve(Buffer.concat(chunks))));
    socket.on('data', (data: Buffer) => {
      chunks.push(data);
      if (!answered) socket.write(CONNACK);
      answered = true;
    });
    socket.on('error', () => {});
    arrived({ received, socket });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  const close = (): void => {
    for (const socket of sockets) socket.destroy();
    server.close();
  };
  return { port, peer, close };
}

async function connect(port: number) {
  const config = parseConnectionConfig({ host: '127.0.0.1', port: String(port) });
  const { client } = await openSession(config, {});
  client.on('error', () => {});
  return client;
}

describe('closeSessionFlushed', () => {
  test('resolves once DISCONNECT and the FIN are sent, while the broker still holds the connection open', async () => {
    const broker = await standIn();
    try {
      const client = await connect(broker.port);
      watchPings(client);
      client.stream.write(Buffer.from([0x30, 4, 0, 1, 0x74, 0x78]));
      await closeSessionFlushed(client);
      const received = await (await broker.peer).received;
      assert.ok(received.subarray(-8).equals(Buffer.concat([Buffer.from([0x30, 4, 0, 1, 0x74, 0x78]), DISCONNECT])));
    } finally {
      broker.close();
    }
  });

  for (const [what, prepare] of [
    ['a PINGREQ is unanswered', (client: Awaited<ReturnType<typeof connect>>) => (watchPings(client), client.sendPing())],
    ['its pings were not watched', () => {}],
  ] as const) {
    test(`waits for the broker to close when ${what}`, async () => {
      const broker = await standIn();
      try {
        const client = await connect(broker.port);
        prepare(client);
        let resolved = false;
        const closing = closeSessionFlushed(client).then(() => (resolved = true));
        const peer = await broker.peer;
        const received = await peer.received;
        if (!client.stream.writableFinished) await once(client.stream, 'finish');
        await new Promise((resolve) => setImmediate(resolve));
        assert.ok(received.subarray(-2).equals(DISCONNECT));
        assert.equal(resolved, false);
        assert.equal(client.stream.destroyed, false);
        if (what.includes('PINGREQ')) assert.ok(received.includes(PINGREQ));
        peer.socket.end();
        await closing;
      } finally {
        broker.close();
      }
    });
  }

  test('only a plain socket is closed early: TLS and WebSocket layers may still hold bytes', () => {
    assert.equal(hasKernelSocketSemantics(new net.Socket()), true);
    assert.equal(hasKernelSocketSemantics(new tls.TLSSocket(new net.Socket())), false);
    assert.equal(hasKernelSocketSemantics(new PassThrough()), false);
  });
});
