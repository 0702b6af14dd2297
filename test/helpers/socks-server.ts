// A tiny SOCKS5 proxy (RFC 1928, with RFC 1929 user/password) on loopback for the --proxy tests.
// It records what each client asked for, then forwards bytes both ways.
import net from 'node:net';

interface SocksRequest {
  user?: string;
  password?: string;
  /** 1 IPv4, 3 domain name, 4 IPv6. */
  addressType: number;
  host: string;
  port: number;
}

export interface SocksServer {
  port: number;
  requests: SocksRequest[];
  close(): Promise<void>;
}

/** `credentials` set: the proxy demands exactly these (method 2); unset: no authentication. */
export async function startSocksServer(credentials?: { user: string; password: string }): Promise<SocksServer> {
  const requests: SocksRequest[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => {});
    let buf = Buffer.alloc(0);
    let stage: 'hello' | 'auth' | 'request' = 'hello';
    const seen: Partial<SocksRequest> = {};
    const onData = (chunk: Buffer): void => {
      buf = Buffer.concat([buf, chunk]);
      if (stage === 'hello') {
        if (buf.length < 2 || buf.length < 2 + buf[1]!) return;
        const methods = [...buf.subarray(2, 2 + buf[1]!)];
        buf = buf.subarray(2 + buf[1]!);
        const wanted = credentials ? 2 : 0;
        if (!methods.includes(wanted)) {
          client.end(Buffer.from([5, 0xff]));
          return;
        }
        client.write(Buffer.from([5, wanted]));
        stage = credentials ? 'auth' : 'request';
      }
      if (stage === 'auth') {
        if (buf.length < 2) return;
        const ulen = buf[1]!;
        if (buf.length < 3 + ulen || buf.length < 3 + ulen + buf[2 + ulen]!) return;
        const plen = buf[2 + ulen]!;
        seen.user = buf.subarray(2, 2 + ulen).toString();
        seen.password = buf.subarray(3 + ulen, 3 + ulen + plen).toString();
        buf = buf.subarray(3 + ulen + plen);
        const ok = seen.user === credentials!.user && seen.password === credentials!.password;
        client.write(Buffer.from([1, ok ? 0 : 1]));
        if (!ok) {
          client.end();
          return;
        }
        stage = 'request';
      }
      if (buf.length < 5) return;
      const atyp = buf[3]!;
      const addrLen = atyp === 1 ? 4 : atyp === 4 ? 16 : 1 + buf[4]!;
      if (buf.length < 4 + addrLen + 2) return;
      const addr = buf.subarray(4, 4 + addrLen);
      const host = atyp === 1 ? [...addr].join('.') : atyp === 3 ? addr.subarray(1).toString() : addr.toString('hex');
      const port = buf.readUInt16BE(4 + addrLen);
      const rest = buf.subarray(4 + addrLen + 2);
      requests.push({ ...seen, addressType: atyp, host, port });
      client.removeListener('data', onData);
      client.pause();
      const upstream = net.connect({ host: atyp === 3 && host === 'localhost' ? '127.0.0.1' : host, port }, () => {
        client.write(Buffer.from([5, 0, 0, 1, 127, 0, 0, 1, 0, 0]));
        if (rest.length > 0) upstream.write(rest);
        client.pipe(upstream).pipe(client);
        client.resume();
      });
      sockets.add(upstream);
      upstream.on('close', () => sockets.delete(upstream));
      upstream.on('error', () => client.end(Buffer.from([5, 5, 0, 1, 0, 0, 0, 0, 0, 0])));
    };
    client.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
