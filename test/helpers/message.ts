import type { ReceivedMessage } from '../../src/core/subscribe/subscribe.js';

/** A received message for output tests: topic fmt/topic, payload 'message', QoS 0, unless overridden. */
export function message(overrides: Omit<Partial<ReceivedMessage>, 'payload'> & { payload?: Buffer | string } = {}): ReceivedMessage {
  const { payload = 'message', ...rest } = overrides;
  return {
    topic: 'fmt/topic',
    qos: 0,
    retain: false,
    dup: false,
    messageId: 0,
    ...rest,
    payload: typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload,
  };
}
