// TLS against real mosquitto listeners, with a private CA made by openssl at test time: success,
// and each failure with the message a person can act on (mosquitto says "A TLS error occurred.").
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { hasMosquitto, startBroker, type Broker } from '../helpers/broker.js';
import { killAll, run, start } from '../helpers/cli.js';
import { hasOpenssl, makePki, type Pki } from '../helpers/pki.js';

const skip = !hasMosquitto || !hasOpenssl ? 'needs mosquitto and openssl' : false;

let pki: Pki;
let broker: Broker;
/** Listeners: certificate for localhost; the same requiring a client certificate; certificate for 127.0.0.1; expired; PSK. */
let portLocalhost: string;
let portClientCert: string;
let portIp: string;
let portExpired: string;
let portPsk: string;

before(async () => {
  if (skip) return;
  pki = makePki();
  writeFileSync(`${pki.dir}/psk`, 'tsmqtt-id:0a1b2c3d4e5f\n');
  const listener = (port: number, cert: { cert: string; key: string }, requireCert = false): string[] => [
    `listener ${port} 127.0.0.1`,
    `cafile ${pki.ca}`,
    `certfile ${cert.cert}`,
    `keyfile ${cert.key}`,
    `require_certificate ${requireCert}`,
  ];
  broker = await startBroker({
    extraPorts: 5,
    config: (p) => [
      ...listener(p[0]!, pki.serverLocalhost),
      ...listener(p[1]!, pki.serverLocalhost, true),
      ...listener(p[2]!, pki.serverIp),
      ...listener(p[3]!, pki.serverExpired),
      `listener ${p[4]} 127.0.0.1`,
      'psk_hint tsmqtt',
      `psk_file ${pki.dir}/psk`,
    ],
  });
  [portLocalhost, portClientCert, portIp, portExpired, portPsk] = broker.extraPorts.map(String) as [string, string, string, string, string];
});
after(async () => {
  killAll();
  await broker?.stop();
  pki?.remove();
});

const pub = (args: string[]) => run('tspub', [...args, '-t', 'tls/t', '-m', 'x']);

describe('TLS', { skip }, () => {
  test('a round trip over TLS: tssub and tspub with --cafile', async () => {
    const sub = start('tssub', ['-h', 'localhost', '-p', portLocalhost, '--cafile', pki.ca, '-t', 'tls/rt', '-C', '1', '-W', '20']);
    await broker.waitForSubacks(broker.subackCount() + 1, 10_000);
    const p = await run('tspub', ['-h', 'localhost', '-p', portLocalhost, '--cafile', pki.ca, '-t', 'tls/rt', '-m', 'secret-channel']);
    assert.equal(p.stderr, '');
    assert.equal(p.code, 0);
    const s = await sub.done;
    assert.equal(s.stderr, '');
    assert.equal(s.code, 0);
    assert.equal(s.stdout.toString(), 'secret-channel\n');
  });

  test('--capath: every certificate in the directory is trusted', async () => {
    const r = await pub(['-h', 'localhost', '-p', portLocalhost, '--capath', pki.dir]);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
  });

  test('--tls-version tlsv1.3 and --tls-alpn', async () => {
    const r = await pub(['-h', 'localhost', '-p', portLocalhost, '--cafile', pki.ca, '--tls-version', 'tlsv1.3', '--tls-alpn', 'mqtt']);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
  });

  test('untrusted server: the system CAs do not know the private CA', async () => {
    const r = await pub(['-h', 'localhost', '-p', portLocalhost, '--tls-use-os-certs']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `tspub: TLS: the certificate of localhost:${portLocalhost} is not signed by a trusted CA (the system CAs): give the CA that signed it with --cafile\n`);
  });

  test('untrusted server: another CA in --cafile', async () => {
    const r = await run('tssub', ['-h', 'localhost', '-p', portLocalhost, '--cafile', pki.otherCa, '-t', 'x']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `tssub: TLS: the certificate of localhost:${portLocalhost} is not signed by a trusted CA (the CA in --cafile '${pki.otherCa}'): give the CA that signed it with --cafile\n`);
  });

  test('host name mismatch: certificate for localhost, connecting to 127.0.0.1', async () => {
    const r = await pub(['-h', '127.0.0.1', '-p', portLocalhost, '--cafile', pki.ca]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `tspub: TLS: host name mismatch: the certificate of 127.0.0.1:${portLocalhost} is for localhost, not '127.0.0.1': connect with a name it lists, or skip this check with --insecure\n`);
  });

  test('--insecure skips the host name check (and only that)', async () => {
    const ok = await pub(['-h', '127.0.0.1', '-p', portLocalhost, '--cafile', pki.ca, '--insecure']);
    assert.equal(ok.stderr, '');
    assert.equal(ok.code, 0);
    const untrusted = await pub(['-h', '127.0.0.1', '-p', portLocalhost, '--cafile', pki.otherCa, '--insecure']);
    assert.equal(untrusted.code, 1);
    assert.match(untrusted.stderr, /is not signed by a trusted CA/);
  });

  test('host name mismatch: certificate for 127.0.0.1, connecting to localhost', async () => {
    const r = await pub(['-h', 'localhost', '-p', portIp, '--cafile', pki.ca]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `tspub: TLS: host name mismatch: the certificate of localhost:${portIp} is for 127.0.0.1, not 'localhost': connect with a name it lists, or skip this check with --insecure\n`);
    const byAddress = await pub(['-h', '127.0.0.1', '-p', portIp, '--cafile', pki.ca]);
    assert.equal(byAddress.stderr, '');
    assert.equal(byAddress.code, 0);
  });

  test('expired server certificate', async () => {
    const r = await pub(['-h', 'localhost', '-p', portExpired, '--cafile', pki.ca]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `tspub: TLS: the certificate of localhost:${portExpired} has expired (or this machine's clock is wrong)\n`);
  });

  test('client certificate required but none given', async () => {
    const r = await pub(['-h', 'localhost', '-p', portClientCert, '--cafile', pki.ca]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `tspub: TLS: localhost:${portClientCert} requires a client certificate: give one with --cert FILE --key FILE\n`);
  });

  test('client certificate accepted', async () => {
    const r = await pub(['-h', 'localhost', '-p', portClientCert, '--cafile', pki.ca, '--cert', pki.client.cert, '--key', pki.client.key]);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
  });

  test('client certificate from a CA the broker does not know', async () => {
    const r = await pub(['-h', 'localhost', '-p', portClientCert, '--cafile', pki.ca, '--cert', pki.clientOtherCa.cert, '--key', pki.clientOtherCa.key]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `tspub: TLS: localhost:${portClientCert} does not trust the client certificate (--cert '${pki.clientOtherCa.cert}'): it is not signed by a CA the broker knows\n`);
  });

  test('wrong key for the client certificate: caught before connecting', async () => {
    const r = await pub(['-h', 'localhost', '-p', portClientCert, '--cafile', pki.ca, '--cert', pki.client.cert, '--key', pki.strayKey]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `tspub: the key in --key '${pki.strayKey}' does not belong to the certificate in --cert '${pki.client.cert}'\n`);
  });

  test('encrypted key', async () => {
    const r = await pub(['-h', 'localhost', '-p', portClientCert, '--cafile', pki.ca, '--cert', pki.client.cert, '--key', pki.encryptedKey]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `tspub: key file (--key) '${pki.encryptedKey}' is encrypted with a passphrase, which cannot be entered here: decrypt it with 'openssl pkey -in ${pki.encryptedKey} -out PLAIN.key'\n`);
  });

  test('files that are missing or not PEM say which file and why', async () => {
    const missing = await pub(['-h', 'localhost', '-p', portLocalhost, '--cafile', `${pki.dir}/nope.crt`]);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, `tspub: cannot read CA file (--cafile) '${pki.dir}/nope.crt': no such file\n`);
    const notPem = await pub(['-h', 'localhost', '-p', portLocalhost, '--cafile', pki.client.key]);
    assert.equal(notPem.code, 1);
    assert.equal(notPem.stderr, `tspub: CA file (--cafile) '${pki.client.key}' holds no PEM certificate (-----BEGIN CERTIFICATE-----)\n`);
    const notKey = await pub(['-h', 'localhost', '-p', portClientCert, '--cafile', pki.ca, '--cert', pki.client.cert, '--key', pki.ca]);
    assert.equal(notKey.code, 1);
    assert.equal(notKey.stderr, `tspub: key file (--key) '${pki.ca}' is not a PEM private key\n`);
  });

  test('TLS to a plain port, and plain to a TLS port', async () => {
    const tlsToPlain = await pub(['-h', 'localhost', '-p', String(broker.port), '--cafile', pki.ca]);
    assert.equal(tlsToPlain.code, 1);
    assert.equal(tlsToPlain.stderr, `tspub: TLS: localhost:${broker.port} closed the connection during the TLS handshake: is it a plain MQTT port? Drop the TLS options, or use the broker's TLS port (often 8883)\n`);
    const plainToTls = await pub(['-h', 'localhost', '-p', portLocalhost]);
    assert.equal(plainToTls.code, 1);
    assert.equal(plainToTls.stderr, `tspub: localhost:${portLocalhost} closed the connection during CONNECT: is it an MQTT broker, or does it expect TLS (--cafile, --tls-use-os-certs)?\n`);
  });

  test('an unknown cipher list is a usage error', async () => {
    const r = await pub(['-h', 'localhost', '-p', portLocalhost, '--cafile', pki.ca, '--ciphers', 'NO-SUCH-CIPHER']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, "tspub: --ciphers 'NO-SUCH-CIPHER' names no cipher that OpenSSL here knows\nUse 'tspub --help' to see usage.\n");
  });

  test('TLS-PSK: the right key connects, a wrong one is named as such', async () => {
    const ok = await run('tssub', ['-h', '127.0.0.1', '-p', portPsk, '--psk', '0a1b2c3d4e5f', '--psk-identity', 'tsmqtt-id', '-t', 'x', '-E']);
    assert.equal(ok.stderr, '');
    assert.equal(ok.code, 0);
    const wrong = await pub(['-h', '127.0.0.1', '-p', portPsk, '--psk', '0a1b2c3d4e00', '--psk-identity', 'tsmqtt-id']);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, new RegExp(`^tspub: TLS: 127\\.0\\.0\\.1:${portPsk} does not accept this pre-shared key( \\([a-z ]+\\))?: check --psk and --psk-identity\\n$`));
    const certListener = await pub(['-h', '127.0.0.1', '-p', portLocalhost, '--psk', '0a1b2c3d4e5f', '--psk-identity', 'tsmqtt-id']);
    assert.equal(certListener.code, 1);
    assert.equal(certListener.stderr, `tspub: TLS: 127.0.0.1:${portLocalhost} answered with a certificate instead of taking the pre-shared key: is it a PSK listener?\n`);
  });

  test('-d over TLS shows the packets, never the password', async () => {
    const r = await run('tspub', ['-h', 'localhost', '-p', portLocalhost, '--cafile', pki.ca, '-u', 'alice', '-P', 'tls-s3cret', '-t', 'tls/d', '-m', 'x', '-d']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /sending CONNECT \(v4, c1, k60, u'alice', p\(hidden\)\)/);
    assert.ok(!r.stderr.includes('tls-s3cret'));
  });
});
