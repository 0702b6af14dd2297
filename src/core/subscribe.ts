import type { IPublishPacket, MqttClient } from 'mqtt';
import type { ConnectionConfig, QoS, SubscribeConfig } from './config.js';
import { closeSession, endpoint, openSession, type SessionHooks } from './connect.js';
import { ConnectionLostError, RejectedError, TimeoutError, type TsmqttError } from './errors.js';
import { reasonText } from './reason-codes.js';
import { topicMatches } from './topics.js';

export interface ReceivedMessage {
  topic: string;
  payload: Buffer;
  qos: QoS;
  retain: boolean;
  dup: boolean;
  /** 0 for QoS 0, as mosquitto's %m prints. */
  messageId: number;
  properties?: IPublishPacket['properties'];
}

export interface GrantedSubscription {
  filter: string;
  /** Granted QoS, or a failure reason code (>= 128). */
  code: number;
}

export interface SubscribeHooks extends SessionHooks {
  onConnected?: () => void;
  onSubscribed?: (granted: GrantedSubscription[]) => void;
  /** Prints one message. A returned promise holds back further messages (and their acks). */
  onMessage: (message: ReceivedMessage) => void | Promise<void>;
  onWarning?: (text: string) => void;
}

export interface SubscribeRun {
  connection: ConnectionConfig;
  subscribe: SubscribeConfig;
  hooks: SubscribeHooks;
  signal?: AbortSignal;
}

function toMessage(topic: string, payload: Buffer, packet: IPublishPacket): ReceivedMessage {
  const message: ReceivedMessage = {
    topic,
    payload,
    qos: packet.qos,
    retain: packet.retain,
    dup: packet.dup,
    messageId: packet.messageId ?? 0,
  };
  if (packet.properties) message.properties = packet.properties;
  return message;
}

/** Decides, per message, whether it is printed and whether the run is complete. */
export class MessageGate {
  private counted = 0;
  constructor(private readonly config: SubscribeConfig) {}

  /** Messages dropped here are neither printed nor counted for -C, as in mosquitto_sub. */
  accepts(message: ReceivedMessage): boolean {
    if (this.config.noRetained && message.retain) return false;
    return !this.config.filterOut.some((f) => topicMatches(f, message.topic));
  }

  /** Records a printed message; true once -C is reached. */
  countAndCheckDone(): boolean {
    this.counted++;
    return this.config.count !== undefined && this.counted >= this.config.count;
  }
}

/**
 * Connects, subscribes and hands messages to hooks.onMessage until -C, -E, -W or the signal ends
 * the run. Resolves when the job is done (including an interrupt after connecting: a normal
 * DISCONNECT, so no will), rejects with a typed error otherwise.
 */
export function runSubscribe(run: SubscribeRun): Promise<void> {
  const { connection, subscribe, hooks } = run;
  const stop = new AbortController();
  run.signal?.addEventListener('abort', () => stop.abort(run.signal!.reason), { once: true });

  return new Promise<void>((resolve, reject) => {
    let client: MqttClient | undefined;
    let finished = false;
    let timer: NodeJS.Timeout | undefined;

    const finish = (error?: TsmqttError): void => {
      if (finished) return;
      finished = true;
      if (timer) clearTimeout(timer);
      if (!client) {
        if (error) reject(error);
        else resolve();
        return;
      }
      client.removeAllListeners('close');
      const closing = client.connected
        ? closeSession(client, connection.disconnectProperties)
        : Promise.resolve(client.end(true)).then(() => {});
      closing.then(() => (error ? reject(error) : resolve()), () => (error ? reject(error) : resolve()));
    };

    if (subscribe.timeoutSec !== undefined) {
      const seconds = subscribe.timeoutSec;
      timer = setTimeout(() => {
        const error = new TimeoutError(`timed out after ${seconds} s`);
        if (client) finish(error);
        else {
          // Still connecting: abort the attempt, which rejects openSession below.
          finished = true;
          stop.abort('timeout');
          reject(error);
        }
      }, seconds * 1000);
    }

    const subscribeAll = (c: MqttClient): void => {
      const request = Object.fromEntries(subscribe.filters.map((f) => [f, { qos: subscribe.qos }]));
      c.subscribe(request, subscribe.properties ? { properties: subscribe.properties } : {}, (err, granted) => {
        if (finished) return;
        if (err && !granted) {
          finish(new RejectedError(`subscribing failed: ${err.message}`));
          return;
        }
        const results: GrantedSubscription[] = (granted ?? []).map((g) => ({ filter: g.topic, code: g.qos }));
        const denied = results.filter((g) => g.code >= 128);
        if (denied.length > 0 && denied.length === results.length) {
          finish(new RejectedError(`the broker refused every subscription: ${describeDenied(denied)}`));
          return;
        }
        if (denied.length > 0) hooks.onWarning?.(`the broker refused some subscriptions: ${describeDenied(denied)}`);
        hooks.onSubscribed?.(results);
        if (subscribe.exitAfterSubscribe) finish();
      });
    };

    const listen = (c: MqttClient): void => {
      const gate = new MessageGate(subscribe);
      let pending: void | Promise<void>;
      c.on('message', (topic, payload, packet) => {
        pending = undefined;
        if (finished) return;
        const message = toMessage(topic, payload, packet);
        if (!gate.accepts(message)) return;
        const done = gate.countAndCheckDone();
        pending = hooks.onMessage(message);
        if (done) {
          if (pending) pending.then(() => finish(), () => finish());
          else finish();
        }
      });
      // MQTT.js calls handleMessage right after emitting 'message' and reads no further packet
      // (nor acknowledges this one) until its callback runs: that is our back-pressure valve.
      c.handleMessage = (_packet, callback) => {
        const wait = pending;
        pending = undefined;
        if (wait) wait.then(() => callback(), (e: Error) => callback(e));
        else callback();
      };
    };
    openSession(connection, hooks, stop.signal, (c) => listen(c)).then(
      ({ client: c }) => {
        if (finished) {
          c.end(true);
          return;
        }
        client = c;
        hooks.onConnected?.();
        stop.signal.addEventListener('abort', () => finish(), { once: true });
        // Once the run is finished, a reset while closing is no news to the user.
        c.on('error', (err) => {
          if (!finished) hooks.onWarning?.(err.message);
        });
        c.once('close', () => finish(new ConnectionLostError(`connection to ${endpoint(connection)} lost`)));
        subscribeAll(c);
      },
      (err: TsmqttError) => {
        if (finished) return;
        finished = true;
        if (timer) clearTimeout(timer);
        reject(err);
      },
    );

  });
}

function describeDenied(denied: GrantedSubscription[]): string {
  return denied.map((g) => `'${g.filter}' (${reasonText(g.code)})`).join(', ');
}
