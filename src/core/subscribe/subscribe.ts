import type { IClientSubscribeOptions, IDisconnectPacket, IPublishPacket, Packet } from 'mqtt';
import type { ConnectionConfig, QoS, SubscribeConfig } from '../config/types.js';
import { closeSession, endpoint, openSession, type Session, type SessionClient, type SessionHooks } from '../session/session.js';
import { ConnectionLostError, RejectedError, TimeoutError, type TsmqttError } from '../errors.js';
import { Reconnector, retryable } from '../session/reconnect.js';
import { MessageGate } from './message-gate.js';
import { reasonText } from '../session/reason-codes.js';

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

/**
 * What became of one message: 'ack' handed over, acknowledge it; 'hold' not handled, do not;
 * a promise: handed over once it resolves (not at all if it rejects), and nothing after it is
 * read until then.
 */
type Delivery = 'ack' | 'hold' | Promise<void>;

export interface GrantedSubscription {
  filter: string;
  /** Granted QoS, or a failure reason code (>= 128). */
  code: number;
}

interface SubscribeHooks extends SessionHooks {
  onConnected?: () => void;
  onSubscribed?: (granted: GrantedSubscription[]) => void;
  onUnsubscribed?: (filters: string[]) => void;
  /**
   * Prints one message, or keeps its bytes for flush(). A returned promise holds back further
   * messages (and their acks).
   */
  onMessage: (message: ReceivedMessage) => void | Promise<void>;
  /**
   * Writes what onMessage kept. Called after a run of messages (what one read from the broker
   * brought); their acknowledgements are sent after it, or after the promise it returns.
   */
  flush?: () => void | Promise<void>;
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

/** mosquitto's default in-flight window: -C below it caps the MQTT 5 receive maximum at -C. */
const DEFAULT_IN_FLIGHT = 20;

/**
 * With -C N under MQTT 5, the broker need not have more than N unacknowledged messages in flight
 * to us, as mosquitto_sub does for N < 20. A receive maximum the user set explicitly wins.
 */
export function capReceiveMaximum(connection: ConnectionConfig, subscribe: SubscribeConfig): ConnectionConfig {
  const { count } = subscribe;
  if (connection.protocolVersion !== 5 || count === undefined || count >= DEFAULT_IN_FLIGHT) return connection;
  if (connection.receiveMaximum !== undefined) return connection;
  return { ...connection, receiveMaximum: count };
}

/** The per-filter SUBSCRIBE options: -q, and under MQTT 5 retain-as-published and retain handling. */
export function subscriptionOptions(subscribe: SubscribeConfig, protocolVersion: number): IClientSubscribeOptions {
  const options: IClientSubscribeOptions = { qos: subscribe.qos };
  if (protocolVersion !== 5) return options;
  if (subscribe.retainAsPublished) options.rap = true;
  // -R: ask the broker not to send retained messages at all (retain handling 2), as mosquitto_sub
  // does; but --remove-retained needs to see them to clear them.
  if (subscribe.noRetained && !subscribe.removeRetained) options.rh = 2;
  return options;
}

/**
 * While a slow reader holds the socket reads, the broker's PINGRESPs wait unread behind the held
 * messages and MQTT.js would give up on the connection after 1.5 keepalives. Until the reader
 * catches up, keep telling the broker we are alive and keep MQTT.js's timer from firing.
 */
function keepAliveWhileHeld(client: SessionClient, keepaliveSec: number): () => void {
  if (keepaliveSec <= 0) return () => {};
  const timer = setInterval(() => {
    client.sendPing();
    client.reschedulePing(true);
  }, keepaliveSec * 500);
  return () => clearInterval(timer);
}

/** Passed to MQTT.js for a message that was not printed: it then sends no PUBACK/PUBCOMP. */
const NOT_HANDLED = new Error('message not handled: the run is ending');

/**
 * Connects, subscribes (then unsubscribes -U) and hands messages to hooks.onMessage until -C, -E,
 * -W, --retained-only or the signal ends the run. Resolves when the job is done (including an
 * interrupt after connecting: a normal DISCONNECT, so no will), rejects with a typed error
 * otherwise. A message is acknowledged only once it has been handed over (written, when
 * onMessage returns a promise); one that arrives while the run ends is not acknowledged, so a kept
 * session gets it again.
 */
export function runSubscribe(run: SubscribeRun): Promise<void> {
  const { subscribe, hooks } = run;
  const connection = capReceiveMaximum(run.connection, subscribe);
  const stop = new AbortController();
  run.signal?.addEventListener('abort', () => stop.abort(run.signal!.reason), { once: true });

  return new Promise<void>((resolve, reject) => {
    let client: SessionClient | undefined;
    /** CONNACK has been processed and openSession has handed the session over. */
    let connected = false;
    /** The run is over: no more messages are handled; clears and DISCONNECT are under way. */
    let closing = false;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const clearsPending = new Set<string>();
    const clearsFailed: string[] = [];
    let clearsDone: (() => void) | undefined;
    /** Bumped when the connection is lost, so late answers to older clears are ignored. */
    let clearsGeneration = 0;
    /** Set once the reconnect machinery exists; cancels a pending reconnect. */
    let stopReconnecting = (): void => {};
    // Shared by every connection of the run, so -C and --retained-only count across reconnects.
    const gate = new MessageGate(subscribe);

    const settle = (error?: TsmqttError): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      if (error) reject(error);
      else resolve();
    };

    const clearFailure = (): TsmqttError | undefined => {
      const failed = [...clearsFailed, ...clearsPending];
      if (failed.length === 0) return undefined;
      const list = failed.map((t) => `'${t}'`).join(', ');
      return new RejectedError(`could not clear ${failed.length} retained message(s): ${list}`);
    };

    /** Ends the run: waits for --remove-retained's acknowledgements, then disconnects. */
    const finish = (error?: TsmqttError): void => {
      if (closing) return;
      closing = true;
      stopReconnecting();
      const c = client;
      if (!c) {
        settle(error);
        return;
      }
      const cleared = new Promise<void>((r) => {
        clearsDone = r;
        if (clearsPending.size === 0 || !c.connected) r();
      });
      cleared
        .then(() => (c.connected ? closeSession(c, connection.disconnectProperties) : Promise.resolve(void c.end(true))))
        .then(
          () => settle(error ?? clearFailure()),
          () => settle(error ?? clearFailure()),
        );
    };

    if (subscribe.timeoutSec !== undefined) {
      const seconds = subscribe.timeoutSec;
      timer = setTimeout(() => {
        const error = new TimeoutError(`timed out after ${seconds} s`);
        if (!connected) {
          // Still connecting: abort the attempt, which rejects openSession below.
          stop.abort('timeout');
          settle(error);
        } else if (closing) {
          // Acknowledgements of cleared retained messages never came: give up on them.
          client?.end(true);
          settle(error);
        } else finish(error);
      }, seconds * 1000);
    }

    const clearRetained = (c: SessionClient, topic: string): void => {
      clearsPending.add(topic);
      const generation = clearsGeneration;
      c.publish(topic, Buffer.alloc(0), { qos: 1, retain: true }, (err) => {
        if (generation !== clearsGeneration) return;
        clearsPending.delete(topic);
        if (err) {
          clearsFailed.push(topic);
          const code = (err as Error & { code?: unknown }).code;
          const why = typeof code === 'number' && code >= 128 ? `${reasonText(code)} (reason code ${code})` : err.message;
          hooks.onWarning?.(`could not clear the retained message on '${topic}': ${why}`);
        }
        if (clearsPending.size === 0) clearsDone?.();
      });
    };

    const subscribeAll = (c: SessionClient): void => {
      const { filters, unsubscribe } = subscribe;
      // -E waits for every acknowledgement; with only -U there is nothing to wait for after them.
      let outstanding = (filters.length > 0 ? 1 : 0) + (unsubscribe.length > 0 ? 1 : 0);
      const acknowledged = (): void => {
        outstanding--;
        if (outstanding === 0 && (subscribe.exitAfterSubscribe || filters.length === 0)) finish();
      };
      const onSuback = (codes: readonly number[]): void => {
        const results: GrantedSubscription[] = filters.map((filter, i) => ({ filter, code: codes[i] ?? 128 }));
        const denied = results.filter((g) => g.code >= 128);
        if (denied.length === results.length) {
          finish(new RejectedError(`the broker refused every subscription: ${describeDenied(denied)}`));
          return;
        }
        if (denied.length > 0) hooks.onWarning?.(`the broker refused some subscriptions: ${describeDenied(denied)}`);
        hooks.onSubscribed?.(results);
        acknowledged();
      };
      const onUnsuback = (codes: readonly number[]): void => {
        const refused = unsubscribe.map((filter, i) => ({ filter, code: codes[i] ?? 0 })).filter((u) => u.code >= 128);
        if (refused.length > 0) hooks.onWarning?.(`the broker refused to unsubscribe: ${describeDenied(refused)}`);
        hooks.onUnsubscribed?.(unsubscribe);
        acknowledged();
      };
      // The acknowledgements are taken as MQTT.js reads them, not from its callbacks: the
      // SUBSCRIBE callback runs a promise later, after the retained messages that follow the SUBACK
      // in the same read, which -E must not print (mosquitto_sub does not) and the spinner must
      // not see before "subscribed".
      let subscribeId: number | undefined;
      let unsubscribeId: number | undefined;
      const onSend = (packet: Packet): void => {
        if (packet.cmd === 'subscribe') subscribeId = packet.messageId;
        else if (packet.cmd === 'unsubscribe') unsubscribeId = packet.messageId;
      };
      const onReceive = (packet: Packet): void => {
        if (closing) return;
        if (packet.cmd === 'suback' && packet.messageId === subscribeId) onSuback(packet.granted as number[]);
        else if (packet.cmd === 'unsuback' && packet.messageId === unsubscribeId) onUnsuback(packet.granted ?? []);
      };
      c.on('packetsend', onSend);
      c.on('packetreceive', onReceive);
      const failed = (what: string) => (err: Error | null | undefined): void => {
        // MQTT.js reports refusals in the SUBACK as errors too; those were handled from the packet.
        if (!err || closing || (what === 'subscribing' ? subscribeId : unsubscribeId) !== undefined) return;
        finish(new RejectedError(`${what} failed: ${err.message}`));
      };
      if (filters.length > 0) {
        const options = subscriptionOptions(subscribe, connection.protocolVersion);
        c.subscribe(
          Object.fromEntries(filters.map((f) => [f, { ...options }])),
          subscribe.properties ? { properties: subscribe.properties } : {},
          failed('subscribing'),
        );
      }
      // After the SUBSCRIBE, in the same order mosquitto_sub sends them, on every CONNACK.
      if (unsubscribe.length > 0) {
        c.unsubscribe(
          unsubscribe,
          subscribe.unsubscribeProperties ? { properties: subscribe.unsubscribeProperties } : {},
          failed('unsubscribing'),
        );
      }
    };

    /** A message ended the run (-C reached, --retained-only saw a live one): no more are handled. */
    let ending = false;
    /** Judges and prints one message; says what becomes of its acknowledgement. */
    const take = (c: SessionClient, message: ReceivedMessage): Delivery => {
      if (closing || ending) return 'hold';
      const verdict = gate.judge(message);
      if (verdict.stop) {
        ending = true;
        return 'hold';
      }
      if (verdict.clear) clearRetained(c, message.topic);
      if (verdict.last) ending = true;
      return (verdict.print ? hooks.onMessage(message) : undefined) ?? 'ack';
    };
    /** After take(): the output is out and the acknowledgements written; end the run if it said so. */
    const afterTake = (): void => {
      if (ending) finish();
    };

    const listen = (c: SessionClient): void => {
      // MQTT.js emits 'message' and then asks handleMessage (onMessage here) whether to acknowledge,
      // and reads no further packet until it is answered: that is the back-pressure valve.
      let next: Delivery = 'ack';
      c.on('message', (topic, payload, packet) => {
        next = take(c, toMessage(topic, payload, packet));
      });
      c.onMessage = (_packet, callback) => {
        const what = next;
        next = 'ack';
        deliver(c, what, callback);
      };
    };
    /** Acknowledges (callback()) once the message is written, or leaves it unacknowledged. */
    const deliver = (c: SessionClient, what: Delivery, callback: (error?: Error) => void): void => {
      if (what === 'hold') {
        callback(NOT_HANDLED);
        afterTake();
        return;
      }
      const handled = (): void => {
        callback();
        // After the callback, so the acknowledgement is written before the DISCONNECT.
        afterTake();
      };
      const printed = what === 'ack' ? hooks.flush?.() : what.then(() => hooks.flush?.());
      if (!printed) {
        handled();
        return;
      }
      const release = keepAliveWhileHeld(c, connection.keepalive);
      printed.then(
        () => {
          release();
          handled();
        },
        (e: Error) => {
          release();
          callback(e);
        },
      );
    };
    // Messages of a kept session may arrive (and end the run) before openSession resolves, so
    // the client is known from the start.
    const endings = new WeakMap<SessionClient, Ending>();
    const prepare = (c: SessionClient): void => {
      client = c;
      const ending: Ending = {};
      endings.set(c, ending);
      // A DISCONNECT may come in the same read as CONNACK, before the session is handed over.
      c.on('disconnect', (packet: IDisconnectPacket) => {
        ending.disconnect = packet;
        // The broker is done with this connection (MQTT 5 §3.14.4), whether or not it closes it;
        // later, so that the close is seen by the listener the handed-over session gets.
        setImmediate(() => c.end(true));
      });
      listen(c);
    };
    const reconnector = new Reconnector();
    let retryTimer: NodeJS.Timeout | undefined;
    /** A new session is being sought; finish() must stop that. */
    let reconnecting = false;
    stopReconnecting = (): void => {
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = undefined;
      if (reconnecting) stop.abort('finished');
    };

    const onSession = ({ client: c, connack }: Session): void => {
      const again = connected;
      connected = true;
      reconnecting = false;
      if (settled) {
        c.end(true);
        return;
      }
      const ending = endings.get(c) ?? {};
      // Once the run is closing, a reset while the socket goes down is no news to the user.
      c.on('error', (err) => {
        if (err.message === 'Keepalive timeout') ending.keepalive = true;
        else if (!closing) hooks.onWarning?.(err.message);
      });
      c.once('close', () => {
        if (closing) clearsDone?.();
        else lost(ending);
      });
      if (closing || ending.disconnect) return;
      if (again) {
        const kept = connack.sessionPresent;
        hooks.onWarning?.(
          `reconnected to ${endpoint(connection)}${kept ? ': the broker kept the session' : subscribe.filters.length > 0 ? ', subscribing again' : ''}`,
        );
        if (!kept) subscribeAll(c);
        return;
      }
      hooks.onConnected?.();
      if (stop.signal.aborted) {
        finish();
        return;
      }
      stop.signal.addEventListener('abort', () => finish(), { once: true });
      subscribeAll(c);
    };

    /** The connection went away while the run was still on: reconnect, or end the run. */
    const lost = (ending: Ending): void => {
      // Clears sent on the old connection are forgotten: a resubscription brings the retained
      // messages (and their clears) again.
      clearsGeneration++;
      clearsPending.clear();
      const why = lossReason(ending, connection);
      const where = endpoint(connection);
      if (why.final || !subscribe.reconnect) {
        finish(new ConnectionLostError(`connection to ${where} lost: ${why.text}`));
        return;
      }
      const fight = reconnector.lost(connection.clientId);
      // Without -i the broker gives each connection an id of its own: nobody to fight with.
      if (fight && connection.clientId !== '') {
        finish(new ConnectionLostError(`connection to ${where} lost: ${why.text}; ${fight}`));
        return;
      }
      hooks.onWarning?.(`connection to ${where} lost: ${why.text}; reconnecting in ${reconnector.delaySec()} s`);
      retry();
    };

    const retry = (): void => {
      reconnecting = true;
      retryTimer = setTimeout(() => {
        retryTimer = undefined;
        if (closing) return;
        reconnector.attempted();
        openSession(connection, hooks, stop.signal, prepare).then(onSession, (err: TsmqttError) => {
          if (closing) return;
          if (!retryable(err)) {
            settle(err);
            return;
          }
          reconnector.failed();
          hooks.onWarning?.(`reconnecting failed: ${err.message}; trying again in ${reconnector.delaySec()} s`);
          retry();
        });
      }, reconnector.delayMs());
    };

    openSession(connection, hooks, stop.signal, prepare).then(onSession, (err: TsmqttError) => settle(err));
  });
}

/** How a connection ended, as far as the client could see. */
export interface Ending {
  /** The broker's MQTT 5 DISCONNECT, if it sent one. */
  disconnect?: IDisconnectPacket;
  /** MQTT.js gave up waiting for PINGRESP. */
  keepalive?: boolean;
}

/**
 * Words for why the connection ended. `final`: the broker ended it on purpose (MQTT 5
 * DISCONNECT), so reconnecting would be wrong, except when it is shutting down or busy.
 */
export function lossReason(
  ending: Ending,
  connection: ConnectionConfig,
): { text: string; final: boolean } {
  if (ending.disconnect) {
    const code = ending.disconnect.reasonCode ?? 0;
    const said = ending.disconnect.properties?.reasonString;
    const words = said ? ` (the broker says: "${said}")` : '';
    if (code === 142) {
      return {
        text: `the broker disconnected us: session taken over (reason code 142): another client connected with the client id '${connection.clientId}'${words}`,
        final: true,
      };
    }
    return {
      text: `the broker disconnected us: ${reasonText(code)} (reason code ${code})${words}`,
      final: ![139, 137, 159].includes(code),
    };
  }
  if (ending.keepalive) {
    return {
      text: `keepalive expired: the broker did not answer PINGREQ (nothing received for ${connection.keepalive * 1.5} s, keepalive ${connection.keepalive} s)`,
      final: false,
    };
  }
  return { text: 'the broker closed the connection', final: false };
}

function describeDenied(denied: Array<{ filter: string; code: number }>): string {
  return denied.map((g) => `'${g.filter}' (${reasonText(g.code)})`).join(', ');
}
