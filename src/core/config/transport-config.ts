import { parseBrokerUrl, type BrokerUrl } from './broker-url.js';
import { flag, lastGiven, lastString, type RawOptions } from './raw-options.js';
import { parseIntegerIn } from './values.js';
import { UsageError } from '../errors.js';
import { parseProxyUrl } from './proxy-url.js';
import { DEFAULT_PORT, type TlsConfig, type TlsMinVersion, type TransportConfig } from './types.js';

const DEFAULT_TLS_PORT = 8883;
/** Where most brokers serve MQTT over WebSocket (MQTT.js itself defaults to '/'). */
const DEFAULT_WS_PATH = '/mqtt';

const TLS_VERSIONS: Record<string, TlsMinVersion> = { 'tlsv1.3': 'TLSv1.3', 'tlsv1.2': 'TLSv1.2', 'tlsv1.1': 'TLSv1.1' };

/** Options that only change how TLS is done; without a TLS connection they would be ignored. */
const TLS_MODIFIERS = ['cert', 'key', 'insecure', 'tls-version', 'tls-alpn', 'ciphers'];

export interface ResolvedAddress {
  host: string;
  port: number;
  transport?: TransportConfig;
  /** The last -L, when one was given. */
  url?: BrokerUrl;
}

/** The pre-shared key as libmosquitto and the mosquitto broker read it (OpenSSL BN_hex2bn). */
function parsePsk(hex: string): Buffer {
  if (!/^[0-9a-fA-F]+$/.test(hex)) {
    throw new UsageError('pre-shared key (--psk) must be hexadecimal digits');
  }
  // As a big number: leading zeros vanish, and an odd digit count gets one in front.
  let digits = hex.replace(/^0+/, '');
  if (digits.length % 2 === 1) digits = `0${digits}`;
  if (digits === '') throw new UsageError('pre-shared key (--psk) must not be zero');
  return Buffer.from(digits, 'hex');
}

function parseTls(raw: RawOptions, url: BrokerUrl | undefined, port: number): TlsConfig | undefined {
  const caFile = lastString(raw, 'cafile');
  const caPath = lastString(raw, 'capath');
  const pskHex = lastString(raw, 'psk');
  const pskIdentity = lastString(raw, 'psk-identity');
  const secureScheme = url?.scheme === 'mqtts' || url?.scheme === 'wss';
  const useOsCerts = flag(raw, 'tls-use-os-certs') || secureScheme;
  const requested = caFile !== undefined || caPath !== undefined || pskHex !== undefined || useOsCerts;
  const enabled = requested || (port === DEFAULT_TLS_PORT && url?.scheme !== 'ws' && url?.scheme !== 'mqtt');
  if (!enabled) {
    const stray = TLS_MODIFIERS.find((name) => raw[name] !== undefined && raw[name] !== false);
    if (stray) {
      throw new UsageError(
        `--${stray} needs a TLS connection: add --cafile FILE, --capath DIR or --tls-use-os-certs, or use port 8883 or an mqtts:// URL`,
      );
    }
    if (pskIdentity !== undefined) throw new UsageError('--psk-identity needs --psk');
    return undefined;
  }
  const certFile = lastString(raw, 'cert');
  const keyFile = lastString(raw, 'key');
  if (certFile !== undefined && keyFile === undefined) throw new UsageError("--cert needs --key (the certificate's private key)");
  if (keyFile !== undefined && certFile === undefined) throw new UsageError('--key needs --cert (the certificate it belongs to)');
  for (const [name, value] of [['cafile', caFile], ['capath', caPath], ['cert', certFile], ['key', keyFile]] as const) {
    if (value === '') throw new UsageError(`--${name} must not be empty`);
  }

  const tls: TlsConfig = { useOsCerts: useOsCerts || (caFile === undefined && caPath === undefined), insecure: flag(raw, 'insecure') };
  if (pskHex !== undefined) {
    if (pskIdentity === undefined) throw new UsageError('--psk needs --psk-identity');
    if (caFile !== undefined || caPath !== undefined) throw new UsageError('use either --psk or --cafile/--capath, not both');
    if (certFile !== undefined) throw new UsageError('use either --psk or --cert/--key, not both');
    tls.psk = { key: parsePsk(pskHex), identity: pskIdentity };
    tls.useOsCerts = useOsCerts;
  } else if (pskIdentity !== undefined) {
    throw new UsageError('--psk-identity needs --psk');
  }
  if (caFile !== undefined) tls.caFile = caFile;
  if (caPath !== undefined) tls.caPath = caPath;
  if (certFile !== undefined) tls.certFile = certFile;
  if (keyFile !== undefined) tls.keyFile = keyFile;
  const version = lastString(raw, 'tls-version');
  if (version !== undefined) {
    const min = TLS_VERSIONS[version];
    if (!min) throw new UsageError(`TLS version (--tls-version) must be one of tlsv1.3, tlsv1.2, tlsv1.1, not '${version}'`);
    tls.minVersion = min;
  }
  const alpn = lastString(raw, 'tls-alpn');
  if (alpn !== undefined) {
    if (alpn === '' || Buffer.byteLength(alpn) > 255) throw new UsageError('ALPN protocol (--tls-alpn) must be 1 to 255 bytes');
    tls.alpn = alpn;
  }
  const ciphers = lastString(raw, 'ciphers');
  if (ciphers !== undefined) tls.ciphers = ciphers;
  return tls;
}

/**
 * Host, port and transport from -h, -p, -L, --unix, -A, --proxy, --nodelay and the TLS options.
 * Where options say the same thing the last one given wins, as in mosquitto: `-L` sets host,
 * port (and credentials and topic), so `-p` after it overrides its port and `-p` before it does
 * not; a -h, -L or -p after --unix goes back to TCP.
 */
export function resolveAddress(raw: RawOptions): ResolvedAddress {
  const urlText = lastString(raw, 'url');
  const url = urlText === undefined ? undefined : parseBrokerUrl(urlText);
  const hostFrom = lastGiven(raw, ['host', 'url', 'unix', 'port']);
  const unixPath = hostFrom === 'unix' ? lastString(raw, 'unix') : undefined;
  const namedBy = lastGiven(raw, ['host', 'url']);
  const host = namedBy === 'url' ? url!.host : (lastString(raw, 'host') ?? 'localhost');
  if (host === '') throw new UsageError('host (-h) must not be empty');
  if (unixPath === '') throw new UsageError('socket path (--unix) must not be empty');

  const tlsRequested =
    url?.scheme === 'mqtts' || url?.scheme === 'wss' || ['cafile', 'capath', 'psk', 'tls-use-os-certs'].some((k) => raw[k] !== undefined && raw[k] !== false);
  let port: number;
  const portText = lastString(raw, 'port');
  if (lastGiven(raw, ['port', 'url']) === 'url') {
    port = url!.port ?? (url!.scheme === 'mqtts' ? 8883 : url!.scheme === 'ws' ? 80 : url!.scheme === 'wss' ? 443 : DEFAULT_PORT);
  } else if (portText !== undefined) {
    port = parseIntegerIn(portText, 1, 65535, 'port (-p)');
  } else {
    port = tlsRequested ? DEFAULT_TLS_PORT : DEFAULT_PORT;
  }

  const transport: TransportConfig = { noDelay: flag(raw, 'nodelay') };
  if (unixPath !== undefined) transport.unixPath = unixPath;
  const bind = lastString(raw, 'bind-address');
  if (bind !== undefined) {
    if (bind === '') throw new UsageError('bind address (-A) must not be empty');
    if (unixPath !== undefined) throw new UsageError('-A (bind address) cannot be used with --unix');
    transport.bindAddress = bind;
  }
  const proxyText = lastString(raw, 'proxy');
  if (proxyText !== undefined) {
    if (unixPath !== undefined) throw new UsageError('--proxy cannot be used with --unix');
    transport.proxy = parseProxyUrl(proxyText);
  }
  const tls = parseTls(raw, url, unixPath === undefined ? port : 0);
  if (tls) transport.tls = tls;
  const wsPath = lastString(raw, 'ws-path');
  if (url?.scheme === 'ws' || url?.scheme === 'wss') {
    transport.websocketPath = wsPath ?? DEFAULT_WS_PATH;
    if (!transport.websocketPath.startsWith('/')) {
      throw new UsageError(`WebSocket path (--ws-path) must start with '/', not '${transport.websocketPath}'`);
    }
  } else if (wsPath !== undefined) {
    throw new UsageError('--ws-path needs a ws:// or wss:// URL (-L)');
  }

  const plain = Object.keys(transport).length === 1 && !transport.noDelay;
  const resolved: ResolvedAddress = { host, port };
  if (!plain) resolved.transport = transport;
  if (url) resolved.url = url;
  return resolved;
}

/** How the broker is reached, for messages: `127.0.0.1:1883`, `[::1]:1883`, `/run/mosq.sock`. */
export function describeEndpoint(host: string, port: number, transport?: TransportConfig): string {
  if (transport?.unixPath !== undefined) return transport.unixPath;
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
