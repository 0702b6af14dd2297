// Ways to reach a broker other than -h/-p: -L URLs, --unix, -A, --nodelay, a SOCKS5 proxy, and
// WebSocket (served by aedes behind `ws`: see test/helpers/ws-broker.ts).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { hasMosquitto, startBroker, type Broker } from '../helpers/broker.js';
import { at, killAll, run, start, subscriber } from '../helpers/cli.js';
import { hasOpenssl, makePki, type Pki } from '../helpers/pki.js';
import { startSocksServer } from '../helpers/socks-server.js';
import { startWsBroker, type WsBroker } from '../helpers/ws-broker.js';

let broker: Broker;
let sockDir: string;
before(async () => {
  sockDir = mkdtempSync(join(tmpdir(), 'tsmqtt-sock-'));
  broker = await startBroker({ config: hasMosquitto ? ['listener 0 ' + join(sockDir, 'mosq.sock')] : [] });
});
after(async () => {
  killAll();
  await broker.stop();
  rmSync(sockDir, { recursive: true, force: true });
});

describe('-L URL', () => {
  test('tspub publishes to the URL topic (which may hold slashes)', async () => {
    const sub = await subscriber(broker, 'tssub', ['-t', 'url/a/b', '-C', '1', '-W', '20']);
    const r = await run('tspub', ['-L', `mqtt://127.0.0.1:${broker.port}/url/a/b`, '-m', 'via-url']);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    assert.equal((await sub.done).stdout.toString(), 'via-url\n');
  });

  test('tssub adds the URL topic to its -t filters', async () => {
    const before = broker.subackCount();
    const sub = start('tssub', ['-L', `MQTT://127.0.0.1:${broker.port}/url/one`, '-t', 'url/two', '-C', '2', '-W', '20', '-v']);
    await broker.waitForSubacks(before + 1);
    await run('tspub', [...at(broker), '-t', 'url/one', '-m', '1']);
    await run('tspub', [...at(broker), '-t', 'url/two', '-m', '2']);
    const r = await sub.done;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString(), 'url/one 1\nurl/two 2\n');
  });

  test('the last of -p and -L sets the port, as in mosquitto', async () => {
    const urlLast = await run('tspub', ['-p', '1', '-L', `mqtt://127.0.0.1:${broker.port}/url/p`, '-m', 'x']);
    assert.equal(urlLast.code, 0, urlLast.stderr);
    const portLast = await run('tspub', ['-L', 'mqtt://127.0.0.1:1/url/p', '-p', String(broker.port), '-m', 'x']);
    assert.equal(portLast.code, 0, portLast.stderr);
    const portFirst = await run('tspub', ['-p', String(broker.port), '-L', 'mqtt://127.0.0.1:1/url/p', '-m', 'x']);
    assert.equal(portFirst.code, 1);
    assert.equal(portFirst.stderr, 'tspub: connection refused by 127.0.0.1:1: is a broker running there?\n');
  });
});

describe('--unix, -A, --nodelay', { skip: !hasMosquitto && 'needs mosquitto' }, () => {
  test('--unix: a round trip through the broker\'s unix socket', async () => {
    const path = join(sockDir, 'mosq.sock');
    const before = broker.subackCount();
    const sub = start('tssub', ['--unix', path, '-t', 'unix/t', '-C', '1', '-W', '20']);
    await broker.waitForSubacks(before + 1);
    const r = await run('tspub', ['--unix', path, '-t', 'unix/t', '-m', 'through-a-socket-file']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await sub.done).stdout.toString(), 'through-a-socket-file\n');
  });

  test('--unix to a path with no socket', async () => {
    const r = await run('tspub', ['--unix', join(sockDir, 'none.sock'), '-t', 'x', '-m', 'x']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `tspub: no socket at '${join(sockDir, 'none.sock')}' (--unix): is the broker listening there?\n`);
  });

  test('a -h after --unix goes back to TCP', async () => {
    const r = await run('tspub', ['--unix', join(sockDir, 'none.sock'), ...at(broker), '-t', 'x', '-m', 'x']);
    assert.equal(r.code, 0, r.stderr);
  });

  test('-A binds the local end: the broker sees 127.0.0.2', async () => {
    const r = await run('tspub', [...at(broker), '-A', '127.0.0.2', '-i', 'bound-client', '-t', 'x', '-m', 'x']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(broker.log(), /New client connected from 127\.0\.0\.2:\d+ as bound-client/);
  });

  test('-A with a host name: looked up, of the broker\'s family', async () => {
    const r = await run('tspub', [...at(broker), '-A', 'localhost', '-i', 'bound-by-name', '-t', 'x', '-m', 'x']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(broker.log(), /New client connected from 127\.0\.0\.1:\d+ as bound-by-name/);
  });

  test('--nodelay connects and publishes', async () => {
    const r = await run('tspub', [...at(broker), '--nodelay', '-t', 'x', '-m', 'x', '-q', '1']);
    assert.equal(r.code, 0, r.stderr);
  });
});

describe('--proxy socks5h://', () => {
  test('without authentication: the proxy is asked for the host name (socks5h)', async () => {
    const proxy = await startSocksServer();
    try {
      const sub = await subscriber(broker, 'tssub', ['-t', 'socks/t', '-C', '1', '-W', '20']);
      const r = await run('tspub', ['-h', 'localhost', '-p', String(broker.port), '--proxy', `socks5h://127.0.0.1:${proxy.port}`, '-t', 'socks/t', '-m', 'proxied']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal((await sub.done).stdout.toString(), 'proxied\n');
      assert.deepEqual(proxy.requests, [{ addressType: 3, host: 'localhost', port: broker.port }]);
    } finally {
      await proxy.close();
    }
  });

  test('with user and %-encoded password; tssub through the proxy too', async () => {
    const proxy = await startSocksServer({ user: 'bob', password: 'p@ss:word' });
    try {
      const url = `socks5h://bob:p%40ss%3Aword@127.0.0.1:${proxy.port}`;
      const before = broker.subackCount();
      const sub = start('tssub', [...at(broker), '--proxy', url, '-t', 'socks/u', '-C', '1', '-W', '20']);
      await broker.waitForSubacks(before + 1);
      const r = await run('tspub', [...at(broker), '--proxy', url, '-t', 'socks/u', '-m', 'ok']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal((await sub.done).stdout.toString(), 'ok\n');
      assert.deepEqual(proxy.requests[1], { user: 'bob', password: 'p@ss:word', addressType: 1, host: '127.0.0.1', port: broker.port });
    } finally {
      await proxy.close();
    }
  });

  test('a refused proxy password, and a proxy that is not there', async () => {
    const proxy = await startSocksServer({ user: 'bob', password: 'right' });
    try {
      const wrong = await run('tspub', [...at(broker), '--proxy', `socks5h://bob:wrong@127.0.0.1:${proxy.port}`, '-t', 'x', '-m', 'x']);
      assert.equal(wrong.code, 1);
      assert.equal(wrong.stderr, `tspub: the SOCKS proxy at 127.0.0.1:${proxy.port} refused the user name or password\n`);
      const noAuth = await run('tspub', [...at(broker), '--proxy', `socks5h://127.0.0.1:${proxy.port}`, '-t', 'x', '-m', 'x']);
      assert.equal(noAuth.code, 1);
      assert.equal(noAuth.stderr, `tspub: the SOCKS proxy at 127.0.0.1:${proxy.port} wants an authentication method we do not offer (give a user and password in the proxy URL?)\n`);
    } finally {
      await proxy.close();
    }
    const down = await run('tspub', [...at(broker), '--proxy', 'socks5h://127.0.0.1:1', '-t', 'x', '-m', 'x']);
    assert.equal(down.code, 1);
    assert.equal(down.stderr, 'tspub: connection refused by the SOCKS proxy at 127.0.0.1:1: is it running?\n');
  });
});

describe('WebSocket (aedes behind ws)', () => {
  let pki: Pki | undefined;
  let ws: WsBroker;
  let wsPort = 0;
  let wssPort = 0;

  before(async () => {
    if (hasOpenssl) pki = makePki();
    ws = await startWsBroker({
      plain: http.createServer(),
      ...(pki && { secure: https.createServer({ cert: readFileSync(pki.serverLocalhost.cert), key: readFileSync(pki.serverLocalhost.key) }) }),
    });
    wsPort = ws.port;
    wssPort = ws.securePort;
  });
  after(async () => {
    await ws?.stop();
    pki?.remove();
  });

  test('ws:// round trip (default path /mqtt)', async () => {
    const before = ws.subscribed();
    const sub = start('tssub', ['-L', `ws://127.0.0.1:${wsPort}/ws/t`, '-C', '1', '-W', '20']);
    await ws.waitForSubscribed(before + 1);
    const r = await run('tspub', ['-L', `ws://127.0.0.1:${wsPort}/ws/t`, '-m', 'over-websocket']);
    assert.equal(r.code, 0, r.stderr);
    const s = await sub.done;
    assert.equal(s.code, 0, s.stderr);
    assert.equal(s.stdout.toString(), 'over-websocket\n');
  });

  test('a path the server does not serve', async () => {
    const r = await run('tspub', ['-L', `ws://127.0.0.1:${wsPort}/ws/t`, '--ws-path', '/other', '-m', 'x']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `tspub: WebSocket: 127.0.0.1:${wsPort} answered the upgrade to '/other' with HTTP 400: is the path right (--ws-path) and is it an MQTT WebSocket listener?\n`);
  });

  test('wss:// with --cafile, and the TLS checks still apply', { skip: !hasOpenssl && 'needs openssl' }, async () => {
    const before = ws.subscribed();
    const sub = start('tssub', ['-L', `wss://localhost:${wssPort}/wss/t`, '--cafile', pki!.ca, '-C', '1', '-W', '20']);
    await ws.waitForSubscribed(before + 1);
    const r = await run('tspub', ['-L', `wss://localhost:${wssPort}/wss/t`, '--cafile', pki!.ca, '-m', 'secure-websocket']);
    assert.equal(r.code, 0, r.stderr);
    const s = await sub.done;
    assert.equal(s.code, 0, s.stderr);
    assert.equal(s.stdout.toString(), 'secure-websocket\n');
    const mismatch = await run('tspub', ['-L', `wss://127.0.0.1:${wssPort}/wss/t`, '--cafile', pki!.ca, '-m', 'x']);
    assert.equal(mismatch.code, 1);
    assert.equal(mismatch.stderr, `tspub: TLS: host name mismatch: the certificate of 127.0.0.1:${wssPort} is for localhost, not '127.0.0.1': connect with a name it lists, or skip this check with --insecure\n`);
  });
});
