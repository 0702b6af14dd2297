import { createPrivateKey } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type * as TlsModule from 'node:tls';
import { InputError, UsageError } from '../errors.js';
import type { TlsConfig } from '../config/types.js';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

function why(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return (err as Error).message;
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new InputError(`cannot read ${what} '${path}': ${why(err)}`);
  }
}

async function certificatesIn(path: string, what: string): Promise<string[]> {
  const found = (await readText(path, what)).match(PEM_CERTIFICATE) ?? [];
  if (found.length === 0) throw new InputError(`${what} '${path}' holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  return found;
}

/** Every PEM certificate in the regular files of `dir` (OpenSSL's hashed names are not needed). */
async function certificatesInDirectory(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(`cannot read CA directory (--capath) '${dir}': ${code === 'ENOTDIR' ? 'not a directory' : why(err)}`);
  }
  const found: string[] = [];
  for (const name of names.sort()) {
    const path = join(dir, name);
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) continue;
    const text = await readFile(path, 'utf8').catch(() => '');
    found.push(...(text.match(PEM_CERTIFICATE) ?? []));
  }
  if (found.length === 0) throw new InputError(`CA directory (--capath) '${dir}' holds no PEM certificate`);
  return found;
}

async function privateKey(path: string): Promise<string> {
  const pem = await readText(path, 'key file (--key)');
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(pem)) {
    throw new InputError(
      `key file (--key) '${path}' is encrypted with a passphrase, which cannot be entered here: decrypt it with 'openssl pkey -in ${path} -out PLAIN.key'`,
    );
  }
  try {
    createPrivateKey(pem);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_MISSING_PASSPHRASE' || /passphrase/i.test((err as Error).message)) {
      throw new InputError(
        `key file (--key) '${path}' is encrypted with a passphrase, which cannot be entered here: decrypt it with 'openssl pkey -in ${path} -out PLAIN.key'`,
      );
    }
    throw new InputError(`key file (--key) '${path}' is not a PEM private key`);
  }
  return pem;
}

/** The CA list when the system's CAs are trusted: Node's bundled list, plus the OS store where Node can read it. */
function systemCertificates(tls: typeof TlsModule): string[] | undefined {
  const get = (tls as { getCACertificates?: (type: string) => string[] }).getCACertificates;
  if (typeof get !== 'function') return undefined;
  return [...get('default'), ...get('system')];
}

/**
 * Reads the CA, certificate and key files and checks that they fit together before anything is
 * sent, so each problem is reported with the file it is in.
 */
export async function createTlsContext(tls: typeof TlsModule, config: TlsConfig): Promise<TlsModule.SecureContext> {
  const ca: string[] = [];
  if (config.caFile !== undefined) ca.push(...(await certificatesIn(config.caFile, 'CA file (--cafile)')));
  if (config.caPath !== undefined) ca.push(...(await certificatesInDirectory(config.caPath)));
  const options: TlsModule.SecureContextOptions = {};
  if (ca.length > 0) {
    if (config.useOsCerts) ca.push(...(systemCertificates(tls) ?? tls.rootCertificates));
    options.ca = ca;
  } else if (config.useOsCerts) {
    const system = systemCertificates(tls);
    if (system) options.ca = system;
  }
  if (config.certFile !== undefined && config.keyFile !== undefined) {
    options.cert = (await certificatesIn(config.certFile, 'certificate file (--cert)')).join('\n');
    options.key = await privateKey(config.keyFile);
  }
  if (config.minVersion) options.minVersion = config.minVersion;
  // TLS 1.2 PSK suites are not in OpenSSL's default list.
  if (config.ciphers !== undefined) options.ciphers = config.ciphers;
  else if (config.psk) options.ciphers = `PSK:${tls.DEFAULT_CIPHERS}`;
  try {
    return tls.createSecureContext(options);
  } catch (err) {
    const text = (err as Error).message;
    if (/key values mismatch/i.test(text)) {
      throw new InputError(`the key in --key '${config.keyFile}' does not belong to the certificate in --cert '${config.certFile}'`);
    }
    if (/no cipher match/i.test(text)) {
      throw new UsageError(`--ciphers '${config.ciphers}' names no cipher that OpenSSL here knows`);
    }
    if (config.minVersion === 'TLSv1.1' && /version/i.test(text)) {
      throw new UsageError('TLS 1.1 (--tls-version tlsv1.1) is not available in this Node.js');
    }
    throw new InputError(`cannot set up TLS: ${text}`);
  }
}
