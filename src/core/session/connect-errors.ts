import type { IConnackPacket } from 'mqtt';
import type { ConnectionConfig } from '../config/types.js';
import { describeEndpoint } from '../config/transport-config.js';
import { ConnackError, ConnectError, type TsmqttError } from '../errors.js';
import { describeTransportError } from '../transport/error-text.js';
import { connackReason } from './reason-codes.js';

export function endpoint(config: ConnectionConfig): string {
  return describeEndpoint(config.host, config.port, config.transport);
}

/** What the broker added to a refusing MQTT 5 CONNACK: its own words, and maybe another server. */
function connackDetails(connack: IConnackPacket | undefined): string {
  const reason = connack?.properties?.reasonString;
  const reference = connack?.properties?.serverReference;
  return (reason ? ` (the broker says: "${reason}")` : '') + (reference ? `; it points to ${reference}` : '');
}

/** Turns a transport or protocol error raised before CONNACK into a typed error. */
export function connectFailure(err: Error & { code?: unknown }, config: ConnectionConfig, connack?: IConnackPacket): TsmqttError {
  const where = endpoint(config);
  if (typeof err.code === 'number' && err.code > 0) {
    return new ConnackError(
      `connection refused by the broker at ${where}: ${connackReason(err.code, config.protocolVersion)}${connackDetails(connack)}`,
      err.code,
    );
  }
  const transport = describeTransportError(err, config);
  if (transport) return new ConnectError(transport);
  switch (err.code) {
    case 'ECONNREFUSED':
      return new ConnectError(`connection refused by ${where}: is a broker running there?`);
    case 'ENOTFOUND':
    case 'EAI_NONAME':
      return new ConnectError(`cannot resolve host '${config.host}'`);
    case 'EAI_AGAIN':
      return new ConnectError(`cannot resolve host '${config.host}' (name service not answering)`);
    case 'ETIMEDOUT':
      return new ConnectError(`timed out connecting to ${where}`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new ConnectError(`cannot reach ${where}: no route to host`);
    case 'ECONNRESET':
    case 'EPIPE':
      return new ConnectError(
        `${where} closed the connection during CONNECT: is it an MQTT broker${config.transport?.tls ? '' : ', or does it expect TLS (--cafile, --tls-use-os-certs)'}?`,
      );
    default:
      break;
  }
  if (err.message === 'connack timeout') {
    return new ConnectError(
      `no answer to CONNECT from ${where} within ${config.connectTimeoutMs / 1000} s: is it an MQTT broker?`,
    );
  }
  if (err.code === undefined) {
    // No system error code: MQTT.js's parser refused what came back (an HTTP server, a TLS port).
    const tlsHint = config.transport?.tls ? '' : ', or does it expect TLS (--cafile, --tls-use-os-certs)';
    return new ConnectError(`${where} answered CONNECT with something that is not MQTT (${err.message}): is it an MQTT broker${tlsHint}?`);
  }
  return new ConnectError(`cannot connect to ${where}: ${err.message}`);
}

/** The connection closed before CONNACK: what the transport said, if it said something we know. */
export function closedBeforeConnack(transportError: Error | undefined, config: ConnectionConfig): TsmqttError {
  const known = transportError && connectFailure(transportError, config);
  return known && !known.message.startsWith('cannot connect to ')
    ? known
    : new ConnectError(`${endpoint(config)} closed the connection before accepting it: is it an MQTT broker?`);
}

