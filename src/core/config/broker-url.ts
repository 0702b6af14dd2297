import { UsageError } from '../errors.js';
import { lastString, type RawOptions } from './raw-options.js';

type UrlScheme = 'mqtt' | 'mqtts' | 'ws' | 'wss';
const SCHEMES: readonly UrlScheme[] = ['mqtt', 'mqtts', 'ws', 'wss'];

/** `-L URL`, split the way mosquitto's clients split it. */
export interface BrokerUrl {
  scheme: UrlScheme;
  host: string;
  /** Absent when the URL names no port: the scheme's default applies. */
  port?: number;
  username?: string;
  password?: string;
  /** Everything after the first '/' behind the host (it may contain '/', '+' and '#'). */
  topic?: string;
}

interface UrlParts {
  scheme: string;
  userinfo?: string;
  hostPort: string;
  topic?: string;
}

/** Splits without judging, so that both parsing and redaction see the same parts. */
function split(text: string): UrlParts | undefined {
  const sep = text.indexOf('://');
  if (sep <= 0) return undefined;
  const rest = text.slice(sep + 3);
  const slash = rest.indexOf('/');
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  // The last '@' ends the user info, so a password may contain '@' (mosquitto takes the first).
  const at = authority.lastIndexOf('@');
  const parts: UrlParts = { scheme: text.slice(0, sep), hostPort: at < 0 ? authority : authority.slice(at + 1) };
  if (at >= 0) parts.userinfo = authority.slice(0, at);
  if (slash >= 0) parts.topic = rest.slice(slash + 1);
  return parts;
}

/** The URL as it may appear in a message: any password replaced by '***'. */
export function redactUrl(text: string): string {
  const parts = split(text);
  if (!parts?.userinfo?.includes(':')) return text;
  const user = parts.userinfo.slice(0, parts.userinfo.indexOf(':'));
  const topic = parts.topic === undefined ? '' : `/${parts.topic}`;
  return `${parts.scheme}://${user}:***@${parts.hostPort}${topic}`;
}

/**
 * Parses `-L`: scheme://[user[:password]@]host[:port][/topic]. As in mosquitto, user and password
 * are taken literally (no %-decoding) and the topic is everything after the first '/'. Unlike
 * mosquitto, IPv6 addresses work in brackets and the topic may be left off. Errors name the part
 * that is wrong and never repeat a password.
 */
export function parseBrokerUrl(text: string): BrokerUrl {
  const shown = `'${redactUrl(text)}'`;
  const parts = split(text);
  if (!parts) {
    throw new UsageError(`-L URL ${shown} has no scheme: write it as mqtt://HOST[:PORT]/TOPIC (or mqtts://, ws://, wss://)`);
  }
  const scheme = parts.scheme.toLowerCase();
  if (!(SCHEMES as readonly string[]).includes(scheme)) {
    throw new UsageError(`unsupported scheme '${parts.scheme}' in -L URL ${shown}: use mqtt://, mqtts://, ws:// or wss://`);
  }
  const url: BrokerUrl = { scheme: scheme as UrlScheme, host: '' };
  if (parts.userinfo !== undefined) {
    const colon = parts.userinfo.indexOf(':');
    const username = colon < 0 ? parts.userinfo : parts.userinfo.slice(0, colon);
    if (username === '') throw new UsageError(`-L URL ${shown} has an '@' but no user name before it`);
    url.username = username;
    if (colon >= 0) url.password = parts.userinfo.slice(colon + 1);
  }
  const { host, portText } = splitHostPort(parts.hostPort, shown);
  if (host === '') throw new UsageError(`-L URL ${shown} has no host`);
  url.host = host;
  if (portText !== undefined) {
    const n = /^[0-9]+$/.test(portText) ? Number(portText) : NaN;
    if (!(n >= 1 && n <= 65535)) {
      throw new UsageError(`port '${portText}' in -L URL ${shown} must be a whole number from 1 to 65535`);
    }
    url.port = n;
  }
  if (parts.topic !== undefined) url.topic = parts.topic;
  return url;
}

function splitHostPort(hostPort: string, shown: string): { host: string; portText?: string } {
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    if (close < 0) throw new UsageError(`-L URL ${shown} has an unclosed '[' in its host`);
    const after = hostPort.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) {
      throw new UsageError(`-L URL ${shown}: unexpected '${after}' after the host`);
    }
    const host = hostPort.slice(1, close);
    return after === '' ? { host } : { host, portText: after.slice(1) };
  }
  const colon = hostPort.indexOf(':');
  if (colon < 0) return { host: hostPort };
  if (hostPort.indexOf(':', colon + 1) >= 0) {
    throw new UsageError(`-L URL ${shown}: write an IPv6 address in brackets, e.g. mqtt://[::1]:1883/TOPIC`);
  }
  return { host: hostPort.slice(0, colon), portText: hostPort.slice(colon + 1) };
}

/** The topic part of -L, if -L was given. */
export function topicOfUrl(raw: RawOptions): string | undefined {
  const text = lastString(raw, 'url');
  return text === undefined ? undefined : parseBrokerUrl(text).topic;
}
