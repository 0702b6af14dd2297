// The quick path's TCP connection (src/core/tcp-link.ts) over both of its layers, libuv's TCP handle
// and net.Socket, against small peers on loopback: each case runs on both layers and requires the
// same events, bytes and errors from each.
import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, test } from 'node:test';
import { addressFamily, connectLibuv, libuvHandles } from '../../src/core/libuv-tcp.js';
import { openTcpLink, type SocketLayer, type TcpLink } from '../../src/core/tcp-link.js';

const LAYERS: SocketLayer[] = ['fastest', 'net'];

/** What a link reported, in order. */
interface Recorder {
  log: string[];
  received: () => Buffer;
  closed: Promise<void>;
  events: { data: (chunk: Buffer) => void; error: (err: Error) => void; close: () => void };
}

function recorder(): Recorder {
  const chunks: Buffer[] = [];
  const log: string[] = [];
  let onClose!: () => void;
  const closed = new Promise<void>((resolve) => (onClose = resolve));
  return {
    log,
    received: () => Buffer.concat(chunks),
    closed,
    events: {
      data: (chunk) => {
        chunks.push(chunk);
        if (log.at(-1) !== 'data') log.push('data');
      },
      error: (err) => log.push(`error ${(err as Error & { code?: string }).code}`),
      close: () => {
        log.push('close');
        onClose();
      },
    },
  };
}

/** A loopback server; `close()` ends it and every connection it holds. */
async function server(
  onConnection: (socket: net.Socket) => void,
  host = '127.0.0.1',
): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const srv = net.createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    onConnection(socket);
  });
  await new Promise<void>((resolve) => srv.listen(0, host, resolve));
  return {
    port: (srv.address() as net.AddressInfo).port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => srv.close(() => resolve()));
    },
  };
}

const noAttempt = (): void => {};

/**
 * A server whose connection gathers what it reads until the client's FIN, then ends its side too;
 * `got` is what it read. `setUp` sees the socket first.
 */
async function collector(setUp: (socket: net.Socket) => void = () => {}) {
  let got: Promise<Buffer> | undefined;
  const peer = await server((socket) => {
    const chunks: Buffer[] = [];
    setUp(socket);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    got = new Promise((resolve) =>
      socket.on('end', () => {
        resolve(Buffer.concat(chunks));
        socket.end();
      }),
    );
  });
  return { ...peer, got: () => got! };
}

describe('the libuv layer is there to test', () => {
  test('Node 20 and 22 offer the TCP handle unchanged, so "fastest" is not net again', (t) => {
    const major = Number(process.versions.node.split('.')[0]);
    if (major !== 20 && major !== 22) {
      t.skip(`Node ${major}: the TCP handle is checked on Node 20 and 22 only, where the quick path uses it`);
      return;
    }
    assert.ok(libuvHandles(), 'process.binding("tcp_wrap") is missing or changed: the quick path falls back to net');
  });
});

describe('addressFamily', () => {
  test('IPv4 literals as net.isIPv4 takes them; anything with a colon is tried as IPv6', () => {
    for (let i = 0; i < 2000; i++) {
      const octets = Array.from({ length: 4 }, () => (Math.random() < 0.2 ? `0${Math.floor(Math.random() * 300)}` : String(Math.floor(Math.random() * 300))));
      const address = octets.join('.');
      assert.equal(addressFamily(address) === 4, net.isIPv4(address), address);
    }
    for (const address of ['127.0.0.1', '0.0.0.0', '255.255.255.255', '10.1.20.199']) assert.equal(addressFamily(address), 4, address);
    for (const address of ['::1', 'fe80::1%lo', '::ffff:127.0.0.1', 'fe80::zz']) assert.equal(addressFamily(address), 6, address);
    // A resolver would read these (010 as octal, or a name): net does that, not the handle.
    for (const address of ['010.0.0.1', '01.2.3.4', '256.0.0.1', '1.2.3.300', '1.2.3', '1.2.3.4.5', '1..2.3', ' 1.2.3.4', '1.2.3.4 ', '1.2.3.-4', '1.2.3.0x1', '１.2.3.4', 'localhost', 'broker.example', '']) {
      assert.equal(addressFamily(address), undefined, address);
    }
  });
});

for (const layer of LAYERS) {
  describe(`a link over ${layer === 'net' ? 'net.Socket' : 'the fastest layer'}`, () => {
    test('sends, receives, and ends after the last byte; the peer closing ends the link', async () => {
      const peer = await collector((socket) => socket.once('data', () => socket.write(Buffer.from('hello'))));
      try {
        const r = recorder();
        const link = await openTcpLink('127.0.0.1', peer.port, layer, r.events, noAttempt);
        link.write(Buffer.from('abc'));
        while (r.received().length < 5) await new Promise((resolve) => setTimeout(resolve, 5));
        link.end(Buffer.from('def'));
        await r.closed;
        assert.equal((await peer.got()).toString(), 'abcdef');
        assert.equal(r.received().toString(), 'hello');
        assert.deepEqual(r.log, ['data', 'close']);
      } finally {
        await peer.close();
      }
    });

    test('8 MiB to a slow reader arrive whole and in order, the FIN after them', async () => {
      const big = Buffer.alloc(8 * 1024 * 1024);
      for (let i = 0; i < big.length; i += 4) big.writeUInt32BE(i, i);
      const peer = await collector((socket) => {
        socket.pause();
        // The kernel buffers fill first, so libuv must queue the write and finish it later.
        setTimeout(() => socket.resume(), 200);
      });
      try {
        const r = recorder();
        const link = await openTcpLink('127.0.0.1', peer.port, layer, r.events, noAttempt);
        link.write(big.subarray(0, 100));
        link.end(big.subarray(100));
        await r.closed;
        assert.ok((await peer.got()).equals(big));
        assert.deepEqual(r.log, ['close']);
      } finally {
        await peer.close();
      }
    });

    test('nothing listening: rejected as net.connect fails', async () => {
      const peer = await server(() => {});
      const { port } = peer;
      await peer.close();
      const r = recorder();
      await assert.rejects(openTcpLink('127.0.0.1', port, layer, r.events, noAttempt), (err: Error & { code?: string; syscall?: string; address?: string; port?: number }) => {
        assert.equal(err.code, 'ECONNREFUSED');
        assert.equal(err.syscall, 'connect');
        assert.equal(err.message, `connect ECONNREFUSED 127.0.0.1:${port}`);
        assert.equal(err.address, '127.0.0.1');
        assert.equal(err.port, port);
        return true;
      });
      assert.deepEqual(r.log, []);
    });

    test('"localhost" reaches a server on ::1 when 127.0.0.1 refuses', async (t) => {
      let peer;
      try {
        peer = await server((socket) => socket.end('v6'), '::1');
      } catch {
        t.skip('no IPv6 loopback here');
        return;
      }
      try {
        const r = recorder();
        await openTcpLink('localhost', peer.port, layer, r.events, noAttempt);
        await r.closed;
        assert.equal(r.received().toString(), 'v6');
      } finally {
        await peer.close();
      }
    });

    test('a reset by the peer: an error, then close', async () => {
      const peer = await server((socket) => socket.once('data', () => socket.resetAndDestroy()));
      try {
        const r = recorder();
        const link = await openTcpLink('127.0.0.1', peer.port, layer, r.events, noAttempt);
        link.write(Buffer.from('x'));
        await r.closed;
        assert.deepEqual(r.log, ['error ECONNRESET', 'close']);
      } finally {
        await peer.close();
      }
    });

    test('destroy() while connecting: no events, and the peer sees the connection go', async () => {
      let peerClosed: Promise<void> | undefined;
      const peer = await server((socket) => {
        peerClosed = new Promise((resolve) => socket.on('close', () => resolve()));
        socket.on('end', () => socket.end());
        socket.resume();
      });
      try {
        const r = recorder();
        let attempt: TcpLink | undefined;
        const opening = openTcpLink('127.0.0.1', peer.port, layer, r.events, (link) => {
          attempt = link;
        });
        opening.catch(() => {});
        attempt!.destroy();
        await new Promise((resolve) => setTimeout(resolve, 100));
        if (peerClosed) await peerClosed;
        assert.deepEqual(r.log, []);
      } finally {
        await peer.close();
      }
    });
  });
}

describe('the libuv layer hands back what it cannot take', () => {
  test('an IPv6 literal the handle rejects is left to net (a resolver)', async (t) => {
    const uv = libuvHandles();
    if (!uv) {
      t.skip('no libuv layer on this Node');
      return;
    }
    const r = recorder();
    assert.equal(await connectLibuv(uv, 'fe80::zz', 6, 1883, r.events, noAttempt), undefined);
    assert.deepEqual(r.log, []);
  });
});
