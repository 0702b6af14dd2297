// A private CA and the certificates the TLS tests need, made with openssl into a temp folder at
// test time (no key is ever committed).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const hasOpenssl = spawnSync('sh', ['-c', 'command -v openssl'], { stdio: 'ignore' }).status === 0;

export interface Pki {
  dir: string;
  /** The trusted test CA. */
  ca: string;
  /** Another CA that nobody trusts. */
  otherCa: string;
  /** Server certificate for the name localhost (SAN DNS:localhost). */
  serverLocalhost: { cert: string; key: string };
  /** Server certificate for the address 127.0.0.1 only (SAN IP:127.0.0.1). */
  serverIp: { cert: string; key: string };
  /** Server certificate for localhost and 127.0.0.1 that expired yesterday. */
  serverExpired: { cert: string; key: string };
  /** Client certificate signed by the test CA. */
  client: { cert: string; key: string };
  /** Client certificate signed by the other CA. */
  clientOtherCa: { cert: string; key: string };
  /** A key that belongs to no certificate here. */
  strayKey: string;
  /** The client key encrypted with a passphrase. */
  encryptedKey: string;
  remove(): void;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function newKey(dir: string, name: string): string {
  openssl(dir, ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`]);
  return join(dir, `${name}.key`);
}

function newCa(dir: string, name: string): void {
  newKey(dir, name);
  openssl(dir, ['req', '-x509', '-new', '-key', `${name}.key`, '-subj', `/CN=tsmqtt test ${name}`, '-days', '2', '-out', `${name}.crt`]);
}

function issue(dir: string, ca: string, name: string, cn: string, san: string | undefined, days: number): { cert: string; key: string } {
  const key = newKey(dir, name);
  openssl(dir, ['req', '-new', '-key', `${name}.key`, '-subj', `/CN=${cn}`, '-out', `${name}.csr`]);
  const ext = [san ? `subjectAltName=${san}` : '', 'basicConstraints=CA:FALSE'].filter(Boolean).join('\n');
  writeFileSync(join(dir, `${name}.ext`), `${ext}\n`);
  openssl(dir, [
    'x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial',
    '-days', String(days), '-extfile', `${name}.ext`, '-out', `${name}.crt`,
  ]);
  return { cert: join(dir, `${name}.crt`), key };
}

export function makePki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'tsmqtt-pki-'));
  newCa(dir, 'ca');
  newCa(dir, 'other-ca');
  const client = issue(dir, 'ca', 'client', 'test-client', undefined, 2);
  const encryptedKey = join(dir, 'client-encrypted.key');
  openssl(dir, ['pkey', '-in', client.key, '-aes256', '-passout', 'pass:hunter2', '-out', encryptedKey]);
  return {
    dir,
    ca: join(dir, 'ca.crt'),
    otherCa: join(dir, 'other-ca.crt'),
    serverLocalhost: issue(dir, 'ca', 'server-localhost', 'localhost', 'DNS:localhost', 2),
    serverIp: issue(dir, 'ca', 'server-ip', '127.0.0.1', 'IP:127.0.0.1', 2),
    serverExpired: issue(dir, 'ca', 'server-expired', 'localhost', 'DNS:localhost,IP:127.0.0.1', -1),
    client,
    clientOtherCa: issue(dir, 'other-ca', 'client-other', 'test-client', undefined, 2),
    strayKey: newKey(dir, 'stray'),
    encryptedKey,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
