/** MQTT 3.x CONNACK return codes (MQTT 3.1.1 §3.2.2.3). */
const CONNACK_V3: Record<number, string> = {
  1: 'unacceptable protocol version',
  2: 'client identifier rejected',
  3: 'server unavailable',
  4: 'bad user name or password',
  5: 'not authorised',
};

/** MQTT 5 reason codes (MQTT 5.0 §2.4), worded for people. */
const REASON_V5: Record<number, string> = {
  0: 'success',
  1: 'granted QoS 1',
  2: 'granted QoS 2',
  4: 'disconnect with will message',
  16: 'no matching subscribers',
  17: 'no subscription existed',
  24: 'continue authentication',
  25: 're-authenticate',
  128: 'unspecified error',
  129: 'malformed packet',
  130: 'protocol error',
  131: 'implementation specific error',
  132: 'unsupported protocol version',
  133: 'client identifier not valid',
  134: 'bad user name or password',
  135: 'not authorized',
  136: 'server unavailable',
  137: 'server busy',
  138: 'banned',
  139: 'server shutting down',
  140: 'bad authentication method',
  141: 'keep alive timeout',
  142: 'session taken over',
  143: 'topic filter invalid',
  144: 'topic name invalid',
  145: 'packet identifier in use',
  146: 'packet identifier not found',
  147: 'receive maximum exceeded',
  148: 'topic alias invalid',
  149: 'packet too large',
  150: 'message rate too high',
  151: 'quota exceeded',
  152: 'administrative action',
  153: 'payload format invalid',
  154: 'retain not supported',
  155: 'QoS not supported',
  156: 'use another server',
  157: 'server moved',
  158: 'shared subscriptions not supported',
  159: 'connection rate exceeded',
  160: 'maximum connect time',
  161: 'subscription identifiers not supported',
  162: 'wildcard subscriptions not supported',
};

export function connackReason(code: number, protocolVersion: number): string {
  // A 3.x-only broker answers an MQTT 5 CONNECT with the 3.x code 1 (MQTT 5.0 §3.1.2.2), so a
  // refusal below 128 is read as a 3.x code whatever version we asked for.
  const text = protocolVersion === 5 && code >= 128 ? REASON_V5[code] : CONNACK_V3[code];
  return text ?? `unknown reason code ${code}`;
}

export function reasonText(code: number): string {
  return REASON_V5[code] ?? `unknown reason code ${code}`;
}
