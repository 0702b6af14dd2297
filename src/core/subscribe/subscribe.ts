import type { IClientSubscribeOptions, IPublishPacket, Packet } from 'mqtt';
import type { ConnectionConfig, QoS, SubscribeConfig } from '../config/types.js';
import { closeSession, endpoint, openSession, type Session, type SessionClient, type SessionHooks } from '../session/session.js';
import { ConnectError, ConnectionLostError, ProtocolError, RejectedError, TimeoutError, type TsmqttError } from '../errors.js';
import { lossReason } from '../session/loss.js';
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

export interface SubscribeHooks extends SessionHooks {
  onConnected?: () => void;
  /** Each connection the broker accepted, the first and every reconnect (to publish on it). */
  onSession?: (client: SessionClient) => void;
  /** The connection was lost and a new one will be sought; `text` says why, as a warning would. */
  onReconnecting?: (text: string) => void;
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
  /** Only the messages it accepts are counted and printed; the others are acknowledged and dropped. */
  accept?: (message: ReceivedMessage) => boolean;
  /** Called once, after the first SUBACK (tspub -e publishes its request there); a rejection ends the run. */
  afterSubscribed?: (client: SessionClient) => Promise<void>;
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
 * One run of runSubscribe, across every connection it makes: -C, --retained-only and the clears of
 * --remove-retained are counted for the run, not per connection.
 */
class Subscription {
  private readonly connection: ConnectionConfig;
  private readonly subscribe: SubscribeConfig;
  private readonly hooks: SubscribeHooks;
  private readonly stop = new AbortController();
  private client: SessionClient | undefined;
  /** CONNACK has been processed and openSession has handed the session over. */
  private connected = false;
  /** The run is over: no more messages are handled; clears and DISCONNECT are under way. */
  private closing = false;
  private settled = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly clearsPending = new Set<string>();
  private readonly clearsFailed: string[] = [];
  private clearsDone: (() => void) | undefined;
  /** Bumped when the connection is lost, so late answers to older clears are ignored. */
  private clearsGeneration = 0;
  // Shared by every connection of the run, so -C and --retained-only count across reconnects.
  private readonly gate: MessageGate;
  /** A message ended the run (-C reached, --retained-only saw a live one): no more are handled. */
  private doneTaking = false;
  private readonly reconnector = new Reconnector();
  private retryTimer: NodeJS.Timeout | undefined;
  /** A new session is being sought; finish() must stop that. */
  private reconnecting = false;
  private afterSubscribedCalled = false;

  constructor(
    private readonly run: SubscribeRun,
    private readonly resolve: () => void,
    private readonly reject: (error: TsmqttError) => void,
  ) {
    this.subscribe = run.subscribe;
    this.hooks = run.hooks;
    this.connection = capReceiveMaximum(run.connection, run.subscribe);
    run.signal?.addEventListener('abort', () => this.stop.abort(run.signal!.reason), { once: true });
    this.gate = new MessageGate(run.subscribe);
  }

  start(): void {
    this.startTimeout();
    openSession(this.connection, this.hooks, this.stop.signal, (c) => this.prepare(c)).then(
      (session) => this.onSession(session),
      (err: TsmqttError) => this.settle(err),
    );
  }

  private settle(error?: TsmqttError): void {
    if (this.settled) return;
    this.settled = true;
    if (this.timer) clearTimeout(this.timer);
    if (error) this.reject(error);
    else this.resolve();
  }

  private clearFailure(): TsmqttError | undefined {
    const failed = [...this.clearsFailed, ...this.clearsPending];
    if (failed.length === 0) return undefined;
    const list = failed.map((t) => `'${t}'`).join(', ');
    return new RejectedError(`could not clear ${failed.length} retained message(s): ${list}`);
  }

  /** Ends the run: waits for --remove-retained's acknowledgements, then disconnects. */
  private finish(error?: TsmqttError): void {
    if (this.closing) return;
    this.closing = true;
    this.stopReconnecting();
    const c = this.client;
    if (!c) {
      this.settle(error);
      return;
    }
    const cleared = new Promise<void>((r) => {
      this.clearsDone = r;
      if (this.clearsPending.size === 0 || !c.connected) r();
    });
    cleared
      .then(() => (c.connected ? closeSession(c, this.connection.disconnectProperties) : Promise.resolve(void c.end(true))))
      .then(
        () => this.settle(error ?? this.clearFailure()),
        () => this.settle(error ?? this.clearFailure()),
      );
  }

  private startTimeout(): void {
    const seconds = this.subscribe.timeoutSec;
    if (seconds === undefined) return;
    this.timer = setTimeout(() => {
      const error = new TimeoutError(`timed out after ${seconds} s`);
      if (!this.connected) {
        // Still connecting: abort the attempt, which rejects openSession.
        this.stop.abort('timeout');
        this.settle(error);
      } else if (this.closing) {
        // Acknowledgements of cleared retained messages never came: give up on them.
        this.client?.end(true);
        this.settle(error);
      } else this.finish(error);
    }, seconds * 1000);
  }

  private clearRetained(c: SessionClient, topic: string): void {
    this.clearsPending.add(topic);
    const generation = this.clearsGeneration;
    c.publish(topic, Buffer.alloc(0), { qos: 1, retain: true }, (err) => {
      if (generation !== this.clearsGeneration) return;
      this.clearsPending.delete(topic);
      if (err) {
        this.clearsFailed.push(topic);
        const code = (err as Error & { code?: unknown }).code;
        const why = typeof code === 'number' && code >= 128 ? `${reasonText(code)} (reason code ${code})` : err.message;
        this.hooks.onWarning?.(`could not clear the retained message on '${topic}': ${why}`);
      }
      if (this.clearsPending.size === 0) this.clearsDone?.();
    });
  }

  private subscribeAll(c: SessionClient): void {
    const { filters, unsubscribe } = this.subscribe;
    const failed = this.watchAcknowledgements(c);
    if (filters.length > 0) {
      const options = subscriptionOptions(this.subscribe, this.connection.protocolVersion);
      c.subscribe(
        Object.fromEntries(filters.map((f) => [f, { ...options }])),
        this.subscribe.properties ? { properties: this.subscribe.properties } : {},
        failed('subscribing'),
      );
    }
    // After the SUBSCRIBE, in the same order mosquitto_sub sends them, on every CONNACK.
    if (unsubscribe.length > 0) {
      c.unsubscribe(
        unsubscribe,
        this.subscribe.unsubscribeProperties ? { properties: this.subscribe.unsubscribeProperties } : {},
        failed('unsubscribing'),
      );
    }
  }

  /**
   * Takes the SUBACK and UNSUBACK of this connection's requests; returns the MQTT.js callback for
   * a request, which reports only what never came back as a packet.
   *
   * The acknowledgements are taken as MQTT.js reads them, not from its callbacks: the SUBSCRIBE
   * callback runs a promise later, after the retained messages that follow the SUBACK in the same
   * read, which -E must not print (mosquitto_sub does not) and the spinner must not see before
   * "subscribed".
   */
  private watchAcknowledgements(c: SessionClient): (what: string) => (err: Error | null | undefined) => void {
    const { filters, unsubscribe } = this.subscribe;
    // -E waits for every acknowledgement; with only -U there is nothing to wait for after them.
    let outstanding = (filters.length > 0 ? 1 : 0) + (unsubscribe.length > 0 ? 1 : 0);
    const timer = this.awaitAcknowledgements(c, () => outstanding);
    const acknowledged = (): void => {
      outstanding--;
      if (outstanding === 0) clearTimeout(timer);
      if (outstanding === 0 && (this.subscribe.exitAfterSubscribe || filters.length === 0)) this.finish();
    };
    let subscribeId: number | undefined;
    let unsubscribeId: number | undefined;
    c.on('packetsend', (packet: Packet) => {
      if (packet.cmd === 'subscribe') subscribeId = packet.messageId;
      else if (packet.cmd === 'unsubscribe') unsubscribeId = packet.messageId;
    });
    c.on('packetreceive', (packet: Packet) => {
      if (this.closing) return;
      if (packet.cmd === 'suback' && packet.messageId === subscribeId) {
        if (!this.onSuback(packet.granted as number[])) return;
        this.subscribed(c);
        acknowledged();
      } else if (packet.cmd === 'unsuback' && packet.messageId === unsubscribeId) {
        this.onUnsuback(packet.granted ?? []);
        acknowledged();
      }
    });
    return (what) => (err) => {
      // MQTT.js reports refusals in the SUBACK as errors too; those were handled from the packet.
      if (!err || this.closing || (what === 'subscribing' ? subscribeId : unsubscribeId) !== undefined) return;
      this.finish(new RejectedError(`${what} failed: ${err.message}`));
    };
  }

  /**
   * A broker that accepts the connection but never answers SUBSCRIBE (or UNSUBSCRIBE) would keep
   * the run waiting for ever: after --connect-timeout, as for CONNACK, the run ends with its own line.
   */
  private awaitAcknowledgements(c: SessionClient, outstanding: () => number): NodeJS.Timeout {
    const seconds = this.connection.connectTimeoutMs / 1000;
    const timer = setTimeout(() => {
      if (this.closing || outstanding() === 0 || !c.connected) return;
      const what = this.subscribe.filters.length > 0 ? 'SUBSCRIBE' : 'UNSUBSCRIBE';
      this.finish(new ConnectError(`no answer to ${what} from ${endpoint(this.connection)} within ${seconds} s (--connect-timeout)`));
    }, this.connection.connectTimeoutMs);
    c.once('close', () => clearTimeout(timer));
    return timer;
  }

  /** False when the broker refused every subscription, which ends the run. */
  private onSuback(codes: readonly number[]): boolean {
    const results: GrantedSubscription[] = this.subscribe.filters.map((filter, i) => ({ filter, code: codes[i] ?? 128 }));
    const denied = results.filter((g) => g.code >= 128);
    if (denied.length === results.length) {
      this.finish(new RejectedError(`the broker refused every subscription: ${describeDenied(denied)}`));
      return false;
    }
    if (denied.length > 0) this.hooks.onWarning?.(`the broker refused some subscriptions: ${describeDenied(denied)}`);
    this.hooks.onSubscribed?.(results);
    return true;
  }

  private onUnsuback(codes: readonly number[]): void {
    const { unsubscribe } = this.subscribe;
    const refused = unsubscribe.map((filter, i) => ({ filter, code: codes[i] ?? 0 })).filter((u) => u.code >= 128);
    if (refused.length > 0) this.hooks.onWarning?.(`the broker refused to unsubscribe: ${describeDenied(refused)}`);
    this.hooks.onUnsubscribed?.(unsubscribe);
  }

  /** The first SUBACK: what the run does once it is sure to receive (tspub -e's request). */
  private subscribed(c: SessionClient): void {
    const after = this.run.afterSubscribed;
    if (!after || this.afterSubscribedCalled) return;
    this.afterSubscribedCalled = true;
    after(c).catch((err: TsmqttError) => this.finish(err));
  }

  /** Judges and prints one message; says what becomes of its acknowledgement. */
  private take(c: SessionClient, message: ReceivedMessage): Delivery {
    if (this.closing || this.doneTaking) return 'hold';
    if (this.run.accept && !this.run.accept(message)) return 'ack';
    const verdict = this.gate.judge(message);
    if (verdict.stop) {
      this.doneTaking = true;
      return 'hold';
    }
    if (verdict.clear) this.clearRetained(c, message.topic);
    if (verdict.last) this.doneTaking = true;
    return (verdict.print ? this.hooks.onMessage(message) : undefined) ?? 'ack';
  }

  /** After take(): the output is out and the acknowledgements written; end the run if it said so. */
  private afterTake(): void {
    if (this.doneTaking) this.finish();
  }

  private listen(c: SessionClient): void {
    // MQTT.js emits 'message' and then asks handleMessage (onMessage here) whether to acknowledge,
    // and reads no further packet until it is answered: that is the back-pressure valve.
    let next: Delivery = 'ack';
    c.on('message', (topic, payload, packet) => {
      next = this.take(c, toMessage(topic, payload, packet));
    });
    c.onMessage = (_packet, callback) => {
      const what = next;
      next = 'ack';
      this.deliver(c, what, callback);
    };
  }

  /** Acknowledges (callback()) once the message is written, or leaves it unacknowledged. */
  private deliver(c: SessionClient, what: Delivery, callback: (error?: Error) => void): void {
    if (what === 'hold') {
      callback(NOT_HANDLED);
      this.afterTake();
      return;
    }
    const handled = (): void => {
      callback();
      // After the callback, so the acknowledgement is written before the DISCONNECT.
      this.afterTake();
    };
    const printed = what === 'ack' ? this.hooks.flush?.() : what.then(() => this.hooks.flush?.());
    if (!printed) {
      handled();
      return;
    }
    const release = keepAliveWhileHeld(c, this.connection.keepalive);
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
  }

  /**
   * Readies a client before it connects: messages of a kept session may arrive (and end the run)
   * before openSession resolves, so the client is known from the start.
   */
  private prepare(c: SessionClient): void {
    this.client = c;
    // A DISCONNECT may come in the same read as CONNACK, before the session is handed over. The
    // broker is done with this connection (MQTT 5 §3.14.4), whether or not it closes it; later,
    // so that the close is seen by the listener the handed-over session gets.
    c.on('disconnect', () => setImmediate(() => c.end(true)));
    this.listen(c);
  }

  private onSession({ client: c, connack }: Session): void {
    const again = this.connected;
    this.connected = true;
    this.reconnecting = false;
    if (this.settled) {
      c.end(true);
      return;
    }
    // Errors end the connection (SessionClient words them from its ending): one line, at 'close'.
    c.on('error', () => {});
    c.once('close', () => {
      if (this.closing) this.clearsDone?.();
      else this.lost(c);
    });
    if (this.closing || c.ending.disconnect) return;
    this.hooks.onSession?.(c);
    if (again) {
      this.resumed(c, connack.sessionPresent);
      return;
    }
    this.hooks.onConnected?.();
    if (this.stop.signal.aborted) {
      this.finish();
      return;
    }
    this.stop.signal.addEventListener('abort', () => this.finish(), { once: true });
    this.subscribeAll(c);
  }

  /** A reconnect succeeded: a session the broker did not keep has no subscriptions. */
  private resumed(c: SessionClient, kept: boolean): void {
    const subscribing = this.subscribe.filters.length > 0 ? ', subscribing again' : '';
    this.hooks.onWarning?.(`reconnected to ${endpoint(this.connection)}${kept ? ': the broker kept the session' : subscribing}`);
    if (!kept) this.subscribeAll(c);
  }

  /** The connection went away while the run was still on: reconnect, or end the run. */
  private lost(c: SessionClient): void {
    // Clears sent on the old connection are forgotten: a resubscription brings the retained
    // messages (and their clears) again.
    this.clearsGeneration++;
    this.clearsPending.clear();
    const why = lossReason(c.ending, this.connection);
    const where = endpoint(this.connection);
    if (why.protocol) {
      this.finish(new ProtocolError(`connection to ${where} lost: ${why.text}`));
      return;
    }
    if (why.final || !this.subscribe.reconnect) {
      this.finish(new ConnectionLostError(`connection to ${where} lost: ${why.text}`));
      return;
    }
    const fight = this.reconnector.lost(this.connection.clientId);
    // Without -i the broker gives each connection an id of its own: nobody to fight with.
    if (fight && this.connection.clientId !== '') {
      this.finish(new ConnectionLostError(`connection to ${where} lost: ${why.text}; ${fight}`));
      return;
    }
    const text = `connection to ${where} lost: ${why.text}; reconnecting in ${this.reconnector.delaySec()} s`;
    this.hooks.onWarning?.(text);
    this.hooks.onReconnecting?.(text);
    this.retry();
  }

  private retry(): void {
    this.reconnecting = true;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.closing) return;
      this.reconnector.attempted();
      openSession(this.connection, this.hooks, this.stop.signal, (c) => this.prepare(c)).then(
        (session) => this.onSession(session),
        (err: TsmqttError) => this.retryFailed(err),
      );
    }, this.reconnector.delayMs());
  }

  private retryFailed(err: TsmqttError): void {
    if (this.closing) return;
    if (!retryable(err)) {
      this.settle(err);
      return;
    }
    this.reconnector.failed();
    this.hooks.onWarning?.(`reconnecting failed: ${err.message}; trying again in ${this.reconnector.delaySec()} s`);
    this.retry();
  }

  private stopReconnecting(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (this.reconnecting) this.stop.abort('finished');
  }
}

/**
 * Connects, subscribes (then unsubscribes -U) and hands messages to hooks.onMessage until -C, -E,
 * -W, --retained-only or the signal ends the run. Resolves when the job is done (including an
 * interrupt after connecting: a normal DISCONNECT, so no will), rejects with a typed error
 * otherwise. A message is acknowledged only once it has been handed over (written, when
 * onMessage returns a promise); one that arrives while the run ends is not acknowledged, so a kept
 * session gets it again.
 */
export function runSubscribe(run: SubscribeRun): Promise<void> {
  return new Promise<void>((resolve, reject) => new Subscription(run, resolve, reject).start());
}

function describeDenied(denied: Array<{ filter: string; code: number }>): string {
  return denied.map((g) => `'${g.filter}' (${reasonText(g.code)})`).join(', ');
}
