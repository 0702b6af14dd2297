import type { IConnackPacket } from 'mqtt';
import type { ConnectionConfig, ProtocolVersion } from '../config/types.js';
import { describeEndpoint } from '../config/transport-config.js';
import { ConnackError, ConnectError, ConnectionLostError, ProtocolError, type TsmqttError } from '../errors.js';
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
  if (typeof err.code === 'number' && err.code > 0) return refusal(err.code, config, connack);
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
    return new ProtocolError(`${where} answered CONNECT with something that is not MQTT (${err.message}): is it an MQTT broker${tlsHint}?`);
  }
  return new ConnectError(`cannot connect to ${where}: ${err.message}`);
}

/** The connection closed before CONNACK: what the transport said, if it said something we know. */
export function closedBeforeConnack(transportError: Error | undefined, config: ConnectionConfig): TsmqttError {
  const known = transportError && connectFailure(transportError, config);
  return known && !known.message.startsWith('cannot connect to ')
    ? known
    : new ConnectionLostError(`${endpoint(config)} closed the connection before accepting it: ${closedHint(config)}`);
}

/** Some brokers (RabbitMQ 3) close the connection on a CONNECT of a version they do not speak. */
function closedHint(config: ConnectionConfig): string {
  return config.protocolVersion === 5 ? 'if it is an MQTT broker, it may not accept MQTT 5: try -V 311' : 'is it an MQTT broker?';
}

const VERSION_NAMES: Record<ProtocolVersion, string> = { 3: 'MQTT 3.1', 4: 'MQTT 3.1.1', 5: 'MQTT 5' };
const OTHER_VERSION: Record<ProtocolVersion, string> = { 3: '-V 311', 4: '-V 31 or -V 5', 5: '-V 311' };

/**
 * A CONNACK that refuses. An MQTT 3 broker answers an MQTT 5 CONNECT with its own code 1,
 * "unacceptable protocol version": that is MQTT 5's 132, the exit status mosquitto's clients give.
 */
function refusal(code: number, config: ConnectionConfig, connack: IConnackPacket | undefined): TsmqttError {
  const where = endpoint(config);
  const version = config.protocolVersion;
  if ((version === 5 && (code === 1 || code === 132)) || (version !== 5 && code === 1)) {
    const answered = version === 5 && code === 1 ? ' (it answered in MQTT 3: unacceptable protocol version)' : '';
    const exit = version === 5 ? 132 : 1;
    return new ConnackError(`the broker at ${where} does not accept ${VERSION_NAMES[version]}${answered}${connackDetails(connack)}: try ${OTHER_VERSION[version]}`, exit);
  }
  return new ConnackError(`connection refused by the broker at ${where}: ${connackReason(code, version)}${connackDetails(connack)}`, code);
}

