/**
 * Every failure the core can report is one of these classes. Each carries the exit code the
 * command must end with, so the CLI's single catch never has to guess.
 */
export class TsmqttError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number) {
    super(message);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** Bad command line, bad option value or combination: nothing was sent to a broker. */
export class UsageError extends TsmqttError {
  constructor(message: string) {
    super(message, 1);
  }
}

/** Input the tool was asked to read could not be read (missing file, stdin problems). */
export class InputError extends TsmqttError {
  constructor(message: string) {
    super(message, 1);
  }
}

/** The transport could not be established: refused, DNS, TLS, unreachable, connect timeout. */
export class ConnectError extends TsmqttError {
  constructor(message: string) {
    super(message, 1);
  }
}

/**
 * The broker answered CONNECT with a refusal. The exit code is the CONNACK return code (MQTT 3.x,
 * 1-5) or reason code (MQTT 5, 128-162), as mosquitto's clients do.
 */
export class ConnackError extends TsmqttError {
  readonly reasonCode: number;
  constructor(message: string, reasonCode: number) {
    super(message, reasonCode);
    this.reasonCode = reasonCode;
  }
}

/**
 * The connection went away while work was still outstanding, or the broker ended it. 7 is
 * mosquitto's MOSQ_ERR_CONN_LOST.
 */
export class ConnectionLostError extends TsmqttError {
  constructor(message: string) {
    super(message, 7);
  }
}

/** The broker refused every subscription, or a publish (MQTT 5 reason code >= 128). */
export class RejectedError extends TsmqttError {
  constructor(message: string) {
    super(message, 1);
  }
}

/** The broker broke the protocol in a way the run cannot paper over. 2 is mosquitto's MOSQ_ERR_PROTOCOL. */
export class ProtocolError extends TsmqttError {
  constructor(message: string) {
    super(message, 2);
  }
}

/** tssub -W: no completion within the given time. 27 is mosquitto's MOSQ_ERR_TIMEOUT. */
export class TimeoutError extends TsmqttError {
  constructor(message: string) {
    super(message, 27);
  }
}

/** A signal stopped the tool before its job could be done: 128 + the signal number. */
export class InterruptedError extends TsmqttError {
  readonly signal: NodeJS.Signals;
  /** `detail` says what was done before the signal came, when that is worth knowing. */
  constructor(signal: NodeJS.Signals, detail?: string) {
    super(
      `interrupted by ${signal}${detail ? `: ${detail}` : ''}`,
      signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 129,
    );
    this.signal = signal;
  }
}

/** Standard output failed for a reason other than its reader going away (disk full, I/O error). */
export class OutputError extends TsmqttError {
  constructor(message: string) {
    super(message, 1);
  }
}
