import type { IConnackPacket } from 'mqtt';
import { decodeConnack, encodeConnect } from './connect-packet.js';
import { INCOMPLETE, MALFORMED, packetEnd } from './inbound.js';
import { closedBeforeConnack, connectFailure, endpoint } from './connect.js';
import { ConnectError, ConnectionLostError, InterruptedError, RejectedError, type TsmqttError } from './errors.js';
import { encodePubrel, PublishEncoder } from './packets.js';
import {
  checkBrokerLimits,
  checkPayloadFits,
  loadPayload,
  lostBeforeAcknowledged,
  rejectedMessage,
  type PublishRun,
} from './publish.js';
import type { StopSignal } from './stop-signal.js';
import { openTcpLink, type SocketLayer, type TcpLink } from './tcp-link.js';

/**
 * The quick path of tspub: one message over plain TCP, with no will, no MQTT 5 properties and no
 * -d, which is what shell loops and CI checks run over and over. It speaks its handful of packets
 * (CONNECT, PUBLISH, PUBREL, PINGREQ, DISCONNECT) itself, so such a run never loads or evaluates
 * MQTT.js, which costs more than the whole exchange. Everything else goes through runPublish.
 * The behaviour is runPublish's: the same checks, errors, messages and exit codes, and the same
 * bytes on the wire (test/e2e/quick-publish.test.ts runs both paths side by side).
 */
export function quickPublishable(run: PublishRun): boolean {
  const { connection, publish } = run;
  return (
    run.hooks.debug === undefined &&
    connection.transport === undefined &&
    // A kept session may hold messages for this client id, which the broker sends right away.
    connection.cleanSession &&
    connection.will === undefined &&
    connection.properties === undefined &&
    connection.disconnectProperties === undefined &&
    connection.sessionExpiry === undefined &&
    connection.receiveMaximum === undefined &&
    connection.passwordFrom === undefined &&
    publish.properties === undefined &&
    publish.repeat === 1 &&
    publish.source.kind !== 'lines'
  );
}

const PACKET_ID = 1;
const CONNACK = 2;
const PUBACK = 4;
const PUBREC = 5;
const PUBCOMP = 7;
const PINGRESP = 13;
const DISCONNECT = 14;
const PINGREQ_PACKET = Buffer.from([0xc0, 0x00]);

/** PUBREL as MQTT.js writes it: with MQTT 5, reason code 0 and an empty property section spelled out. */
function pubrelPacket(protocolVersion: number): Buffer {
  return protocolVersion === 5 ? Buffer.from([0x62, 0x04, PACKET_ID >> 8, PACKET_ID & 0xff, 0x00, 0x00]) : encodePubrel(PACKET_ID);
}

/** DISCONNECT with reason code 0 (normal disconnection), as MQTT.js writes it. */
function disconnectPacket(protocolVersion: number): Buffer {
  return protocolVersion === 5 ? Buffer.from([0xe0, 0x02, 0x00, 0x00]) : Buffer.from([0xe0, 0x00]);
}

/**
 * Publishes the message of -m/-n/-f/-s once; resolves when it is complete as its QoS requires.
 * `layer` 'net' keeps to net.Socket (TSMQTT_QUICK_PUBLISH=net), for comparison and as a way out;
 * `stop` (by default run.signal) ends the run with InterruptedError.
 */
export async function quickPublish(run: PublishRun, layer: SocketLayer = 'fastest', stop: StopSignal | undefined = run.signal): Promise<void> {
  const { source } = run.publish;
  if (source.kind === 'lines') throw new Error('quickPublish: -l is not a one-shot publish');
  const payload = await loadPayload(source, () => run.stdin);
  checkPayloadFits(payload, run);
  if (stop?.aborted) throw new InterruptedError(stop.reason as NodeJS.Signals);
  return new Promise<void>((resolve, reject) => new Exchange(run, payload, layer, stop, resolve, reject).start());
}

type Phase = 'connecting' | 'waiting-connack' | 'publishing' | 'closing' | 'settled';

class Exchange {
  private phase: Phase = 'connecting';
  private socket: TcpLink | undefined;
  private pending: Buffer = Buffer.alloc(0);
  private transportError: Error | undefined;
  private connackTimer: NodeJS.Timeout | undefined;
  private keepaliveTimer: NodeJS.Timeout | undefined;
  private heardSincePing = true;
  private readonly version: number;
  private readonly onAbort = (): void =>
    this.fail(new InterruptedError(this.stop!.reason as NodeJS.Signals));

  constructor(
    private readonly run: PublishRun,
    private readonly payload: Buffer,
    private readonly layer: SocketLayer,
    private readonly stop: StopSignal | undefined,
    private readonly resolve: () => void,
    private readonly reject: (error: TsmqttError) => void,
  ) {
    this.version = run.connection.protocolVersion;
  }

  start(): void {
    const config = this.run.connection;
    this.stop?.addEventListener('abort', this.onAbort, { once: true });
    // As MQTT.js's connectTimeout: from the start of the connection to CONNACK.
    this.connackTimer = setTimeout(() => this.fail(connectFailure(new Error('connack timeout'), config)), config.connectTimeoutMs);
    const events = {
      data: (data: Buffer) => this.receive(data),
      error: (err: Error) => {
        this.transportError ??= err;
      },
      close: () => this.closed(),
    };
    openTcpLink(config.host, config.port, this.layer, events, (socket) => {
      this.socket = socket;
    }).then(
      (socket) => {
        if (this.phase === 'settled') {
          socket.destroy();
          return;
        }
        this.phase = 'waiting-connack';
        socket.write(encodeConnect(config));
      },
      (err: Error) => this.fail(connectFailure(err, config)),
    );
  }

  private receive(data: Buffer): void {
    this.heardSincePing = true;
    let buffer = this.pending.length === 0 ? data : Buffer.concat([this.pending, data]);
    while (this.phase !== 'settled') {
      const end = packetEnd(buffer, 0, buffer.length);
      if (end === MALFORMED) {
        this.protocolError('a packet length is malformed');
        return;
      }
      if (end === INCOMPLETE || end > buffer.length) break;
      let body = 1;
      while (buffer[body++]! & 0x80); // the remaining length's bytes
      this.handle(buffer[0]! >> 4, buffer.subarray(body, end));
      buffer = buffer.subarray(end);
    }
    this.pending = buffer;
  }

  private handle(type: number, body: Buffer): void {
    const { connection, publish } = this.run;
    if (this.phase === 'waiting-connack') {
      if (type !== CONNACK) {
        this.protocolError(`the broker sent packet type ${type} before CONNACK`);
        return;
      }
      clearTimeout(this.connackTimer);
      let connack;
      try {
        connack = decodeConnack(body, this.version);
      } catch (err) {
        this.protocolError((err as Error).message);
        return;
      }
      if (connack.code !== 0) {
        const refusal = Object.assign(new Error('connection refused'), { code: connack.code });
        this.fail(connectFailure(refusal, connection, connack as unknown as IConnackPacket));
        return;
      }
      try {
        checkBrokerLimits(connack, this.run, this.payload);
      } catch (err) {
        this.fail(err as TsmqttError);
        return;
      }
      this.sendPublish();
      return;
    }
    if (this.phase !== 'publishing') return;
    if (body.length >= 2 && body.readUInt16BE(0) === PACKET_ID) {
      if ((type === PUBACK && publish.qos === 1) || (type === PUBREC && publish.qos === 2)) {
        const reason = this.version === 5 && body.length >= 3 ? body[2]! : 0;
        if (reason >= 0x80) this.fail(new RejectedError(rejectedMessage(publish.topic, reason)));
        else if (type === PUBREC) this.socket!.write(pubrelPacket(this.version));
        else this.disconnect();
        return;
      }
      if (type === PUBCOMP && publish.qos === 2) {
        this.disconnect();
        return;
      }
    }
    // PINGRESP needs no answer; after a DISCONNECT the broker closes the connection, and 'close'
    // reports the message as unacknowledged, as on any lost connection.
    if (type === PINGRESP || type === DISCONNECT) return;
    this.protocolError(`the broker sent an unexpected packet of type ${type}`);
  }

  private sendPublish(): void {
    const { topic, qos, retain } = this.run.publish;
    const encoder = new PublishEncoder(topic, qos, retain, this.version);
    const packet = Buffer.allocUnsafe(encoder.size(this.payload.length));
    encoder.encodeInto(packet, 0, PACKET_ID, this.payload);
    if (qos === 0) {
      // Written is complete for QoS 0: PUBLISH and DISCONNECT leave in one write.
      this.phase = 'closing';
      this.socket!.end(Buffer.concat([packet, disconnectPacket(this.version)]));
      return;
    }
    this.phase = 'publishing';
    this.socket!.write(packet);
    this.watchKeepalive();
  }

  /** As MQTT.js does: a PINGREQ each keepalive interval, and a silent broker is a lost one. */
  private watchKeepalive(): void {
    const seconds = this.run.connection.keepalive;
    if (seconds <= 0) return;
    this.keepaliveTimer = setInterval(() => {
      if (!this.heardSincePing) {
        this.socket?.destroy();
        return;
      }
      this.heardSincePing = false;
      this.socket?.write(PINGREQ_PACKET);
    }, seconds * 1000);
  }

  private disconnect(): void {
    this.phase = 'closing';
    clearInterval(this.keepaliveTimer);
    this.socket!.end(disconnectPacket(this.version));
  }

  private protocolError(what: string): void {
    const config = this.run.connection;
    if (this.phase === 'waiting-connack' || this.phase === 'connecting') {
      this.fail(new ConnectError(`${endpoint(config)} does not speak MQTT as expected: ${what}`));
    } else {
      this.fail(new ConnectionLostError(`${lostBeforeAcknowledged(this.run.publish.topic)}: ${what}`));
    }
  }

  /** The broker closed the connection (after our DISCONNECT, as it should, or before). */
  private closed(): void {
    const config = this.run.connection;
    switch (this.phase) {
      case 'closing':
        this.settle();
        this.resolve();
        return;
      case 'waiting-connack':
        this.fail(closedBeforeConnack(this.transportError, config));
        return;
      case 'publishing':
        this.fail(new ConnectionLostError(lostBeforeAcknowledged(this.run.publish.topic)));
        return;
      default:
        return;
    }
  }

  private settle(): void {
    this.phase = 'settled';
    clearTimeout(this.connackTimer);
    clearInterval(this.keepaliveTimer);
    this.stop?.removeEventListener('abort', this.onAbort);
  }

  private fail(error: TsmqttError): void {
    if (this.phase === 'settled') return;
    this.settle();
    this.socket?.destroy();
    this.reject(error);
  }
}
