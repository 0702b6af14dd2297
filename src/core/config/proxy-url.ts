import { UsageError } from '../errors.js';

export interface ProxyConfig {
  host: string;
  port: number;
  username?: string;
  password?: string;
}

const DEFAULT_SOCKS_PORT = 1080;

function decode(text: string, what: string, shown: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new UsageError(`--proxy ${shown}: the ${what} has an invalid %-escape`);
  }
}

/**
 * Parses `--proxy socks5h://[user[:password]@]host[:port]`. Only socks5h (names resolved by the
 * proxy) exists, as in mosquitto. User and password are %-decoded (%40 is '@' here; mosquitto
 * turns it into ':'), and a user without a password is allowed (mosquitto crashes on it).
 */
export function parseProxyUrl(text: string): ProxyConfig {
  const sep = text.indexOf('://');
  const scheme = sep < 0 ? '' : text.slice(0, sep);
  const rest = sep < 0 ? '' : text.slice(sep + 3);
  const at = rest.lastIndexOf('@');
  const userinfo = at < 0 ? undefined : rest.slice(0, at);
  const hostPort = at < 0 ? rest : rest.slice(at + 1);
  const shown = userinfo?.includes(':')
    ? `'${scheme}://${userinfo.slice(0, userinfo.indexOf(':'))}:***@${hostPort}'`
    : `'${text}'`;
  if (scheme.toLowerCase() !== 'socks5h') {
    throw new UsageError(`unsupported proxy ${shown}: give it as socks5h://[USER[:PASSWORD]@]HOST[:PORT]`);
  }
  if (hostPort.includes('/')) throw new UsageError(`--proxy ${shown} must not have a path`);
  let host = hostPort;
  let portText: string | undefined;
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    host = close < 0 ? '' : hostPort.slice(1, close);
    const after = close < 0 ? '' : hostPort.slice(close + 1);
    if (after.startsWith(':')) portText = after.slice(1);
    else if (after !== '') host = '';
  } else if (hostPort.includes(':')) {
    host = hostPort.slice(0, hostPort.lastIndexOf(':'));
    portText = hostPort.slice(hostPort.lastIndexOf(':') + 1);
  }
  if (host === '') throw new UsageError(`--proxy ${shown} has no host`);
  let port = DEFAULT_SOCKS_PORT;
  if (portText !== undefined) {
    port = /^[0-9]+$/.test(portText) ? Number(portText) : NaN;
    if (!(port >= 1 && port <= 65535)) {
      throw new UsageError(`port '${portText}' in --proxy ${shown} must be a whole number from 1 to 65535`);
    }
  }
  const proxy: ProxyConfig = { host, port };
  if (userinfo !== undefined) {
    const colon = userinfo.indexOf(':');
    const username = decode(colon < 0 ? userinfo : userinfo.slice(0, colon), 'user name', shown);
    if (username === '') throw new UsageError(`--proxy ${shown} has an '@' but no user name before it`);
    const password = colon < 0 ? '' : decode(userinfo.slice(colon + 1), 'password', shown);
    // RFC 1929 carries each in a length byte.
    if (Buffer.byteLength(username) > 255 || Buffer.byteLength(password) > 255) {
      throw new UsageError(`--proxy ${shown}: SOCKS5 user names and passwords are limited to 255 bytes`);
    }
    proxy.username = username;
    proxy.password = password;
  }
  return proxy;
}
