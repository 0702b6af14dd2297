import type { ConnectionConfig } from '../config/types.js';
import { describeEndpoint } from '../config/transport-config.js';

/** What the transport builder notes on an error it saw. */
export interface TransportErrorDetails {
  /** The error came before the TLS handshake was complete. */
  duringTlsHandshake?: boolean;
}

type TransportError = Error & { code?: unknown; reason?: string; host?: string; cert?: { subjectaltname?: string; subject?: { CN?: string } } } & TransportErrorDetails;

const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
]);

/** What the broker's certificate names, for a host name mismatch. */
function certificateNames(err: TransportError): string {
  const san = err.cert?.subjectaltname;
  if (san) return san.split(', ').map((n) => n.replace(/^(DNS|IP Address):/, '')).join(', ');
  return err.cert?.subject?.CN ?? 'other names';
}

/**
 * TLS, WebSocket and socket failures in words a person can act on. mosquitto's clients print
 * "A TLS error occurred." for all of them. Undefined: not a transport failure we know.
 */
export function describeTransportError(err: TransportError, config: ConnectionConfig): string | undefined {
  const where = describeEndpoint(config.host, config.port, config.transport);
  const code = typeof err.code === 'string' ? err.code : '';
  const tls = config.transport?.tls;
  if (UNTRUSTED.has(code) && tls?.psk) {
    return `TLS: ${where} answered with a certificate instead of taking the pre-shared key: is it a PSK listener?`;
  }
  if (UNTRUSTED.has(code)) {
    const trust = tls?.caFile ? `the CA in --cafile '${tls.caFile}'` : tls?.caPath ? `the CAs in --capath '${tls.caPath}'` : 'the system CAs';
    return `TLS: the certificate of ${where} is not signed by a trusted CA (${trust}): give the CA that signed it with --cafile`;
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return `TLS: host name mismatch: the certificate of ${where} is for ${certificateNames(err)}, not '${config.host}': connect with a name it lists, or skip this check with --insecure`;
  }
  if (code === 'CERT_HAS_EXPIRED') {
    return `TLS: the certificate of ${where} has expired (or this machine's clock is wrong)`;
  }
  if (code === 'CERT_NOT_YET_VALID') {
    return `TLS: the certificate of ${where} is not valid yet (or this machine's clock is wrong)`;
  }
  if (code === 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' || (code === 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE' && tls && !tls.certFile && !tls.psk)) {
    return `TLS: ${where} requires a client certificate: give one with --cert FILE --key FILE`;
  }
  if (code === 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA' || code === 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE') {
    return `TLS: ${where} does not trust the client certificate (--cert '${tls?.certFile ?? ''}'): it is not signed by a CA the broker knows`;
  }
  if (code === 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED') {
    return `TLS: ${where} refused the client certificate (--cert '${tls?.certFile ?? ''}'): it has expired`;
  }
  if (code === 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE' && tls?.psk) {
    return `TLS: ${where} refused the pre-shared key handshake: check --psk and --psk-identity`;
  }
  const alert = /alert ([a-z ]+)/.exec(err.message)?.[1];
  if (tls?.psk && (code === 'EPROTO' || code.startsWith('ERR_SSL_')) && err.duringTlsHandshake) {
    return `TLS: ${where} does not accept this pre-shared key${alert ? ` (${alert})` : ''}: check --psk and --psk-identity`;
  }
  if ((code === 'ECONNRESET' || code === 'EPIPE') && tls && err.duringTlsHandshake) {
    return `TLS: ${where} closed the connection during the TLS handshake: is it a plain MQTT port? Drop the TLS options, or use the broker's TLS port (often 8883)`;
  }
  if (code === 'ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR' || code === 'ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC') {
    return tls?.psk
      ? `TLS: ${where} does not accept this pre-shared key: check --psk and --psk-identity`
      : `TLS: the handshake with ${where} failed to decrypt (a client key that does not match its certificate?)`;
  }
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG' || code === 'ERR_SSL_HTTP_REQUEST') {
    return `TLS: ${where} did not answer with TLS: is it a plain MQTT port? Drop the TLS options, or use the broker's TLS port (often 8883)`;
  }
  if (code === 'ERR_SSL_UNSUPPORTED_PROTOCOL' || code === 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION') {
    return `TLS: ${where} and this client share no TLS version${tls?.minVersion ? ` (--tls-version asks for ${tls.minVersion} or later)` : ''}`;
  }
  if (code === 'ERR_SSL_NO_APPLICATION_PROTOCOL' || code === 'ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL') {
    return `TLS: ${where} does not accept the ALPN protocol '${tls?.alpn ?? ''}' (--tls-alpn)`;
  }
  if (code === 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE' || code === 'ERR_SSL_NO_SHARED_CIPHER') {
    return `TLS: the handshake with ${where} failed: no common cipher or protocol${tls?.ciphers ? ` (--ciphers '${tls.ciphers}')` : ''}`;
  }
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || (code === 'EPROTO' && tls)) {
    return `TLS: the handshake with ${where} failed: ${err.reason ?? (alert ? `the broker sent the alert '${alert}'` : err.message.split('\n')[0])}`;
  }
  if (code === 'ENOENT' && config.transport?.unixPath !== undefined) {
    return `no socket at '${config.transport.unixPath}' (--unix): is the broker listening there?`;
  }
  if (config.transport?.websocketPath !== undefined) {
    const status = /^Unexpected server response: (\d+)/.exec(err.message);
    if (status) {
      return `WebSocket: ${where} answered the upgrade to '${config.transport.websocketPath}' with HTTP ${status[1]}: is the path right (--ws-path) and is it an MQTT WebSocket listener?`;
    }
    if (/Invalid Sec-WebSocket-Accept|Server sent no subprotocol|Server sent an invalid subprotocol/.test(err.message)) {
      return `WebSocket: ${where} is not an MQTT WebSocket listener (${err.message})`;
    }
  }
  return undefined;
}
