/**
 * The option tables, as data. Each option is declared once here; tspub and tssub spread the
 * shared tables into their own lists, and the argv normaliser, yargs and --help all read them.
 * Spellings follow mosquitto_pub/mosquitto_sub 2.0: an option mosquitto has only as a letter
 * (-C, -W, -R ...) has no long spelling here either.
 */
export interface OptionSpec {
  /** Key in RawOptions (core/config.ts). */
  key: string;
  short?: string;
  long?: string;
  /** Placeholder for the value in help; absent for flags that take no value. */
  value?: string;
  /** List options (tssub -t, -T) accumulate; everything else: last occurrence wins. */
  repeatable?: boolean;
  /** The value may be left off when the option ends the command line (or its config-file line). */
  optionalValue?: boolean;
  /**
   * Options whose value is several arguments (-D COMMAND PROPERTY VALUE): given the words taken so
   * far, the full form still needed, one placeholder per word. Absent: the value is one argument.
   */
  words?: (taken: readonly string[]) => string;
  group: HelpGroup;
  describe: string;
}

export type HelpGroup = 'Connection' | 'TLS' | 'Will' | 'Properties' | 'Publish' | 'Request' | 'Subscribe' | 'Output' | 'General';
export type ToolName = 'tspub' | 'tssub';

const connectionOptions: OptionSpec[] = [
  { key: 'host', short: 'h', long: 'host', value: 'HOST', group: 'Connection', describe: 'broker host name or address (default: localhost)' },
  { key: 'port', short: 'p', long: 'port', value: 'PORT', group: 'Connection', describe: 'broker port (default: 1883; 8883 with TLS)' },
  { key: 'protocol-version', short: 'V', long: 'protocol-version', value: 'VERSION', group: 'Connection', describe: 'MQTT version: 31, 311 or 5 (also mqttv31, mqttv311, mqttv5; default: 311)' },
  { key: 'id', short: 'i', long: 'id', value: 'ID', group: 'Connection', describe: 'client id (default: assigned by the broker; MQTT 3.1: a random tsmqtt-... id)' },
  { key: 'id-prefix', short: 'I', long: 'id-prefix', value: 'PREFIX', group: 'Connection', describe: 'client id made of PREFIX followed by the process id' },
  { key: 'keepalive', short: 'k', long: 'keepalive', value: 'SECONDS', group: 'Connection', describe: 'keepalive interval, 5 to 65535 seconds (default: 60)' },
  { key: 'username', short: 'u', long: 'username', value: 'USER', group: 'Connection', describe: 'user name' },
  { key: 'pw', short: 'P', long: 'pw', value: 'PASSWORD', optionalValue: true, group: 'Connection', describe: 'password, never printed (not even with -d); a bare -P at the end asks on the terminal' },
  { key: 'disable-clean-session', short: 'c', long: 'disable-clean-session', group: 'Connection', describe: 'keep the session (subscriptions, queued QoS 1/2 messages) after disconnect; needs -i' },
  { key: 'session-expiry-interval', short: 'x', value: 'SECONDS', group: 'Connection', describe: 'MQTT 5 session expiry interval; -1 or ∞ for never (with -c, default: never)' },
];

/** How the connection reaches the broker, and secrets kept off the command line. */
const transportOptions: OptionSpec[] = [
  { key: 'url', short: 'L', long: 'url', value: 'URL', group: 'Connection', describe: 'mqtt|mqtts|ws|wss://[USER[:PASSWORD]@]HOST[:PORT][/TOPIC]: broker, credentials and topic in one' },
  { key: 'ws-path', long: 'ws-path', value: 'PATH', group: 'Connection', describe: 'HTTP path of a ws:// or wss:// connection (default: /mqtt)' },
  { key: 'unix', long: 'unix', value: 'PATH', group: 'Connection', describe: 'connect through the unix domain socket PATH instead of TCP' },
  { key: 'bind-address', short: 'A', value: 'ADDRESS', group: 'Connection', describe: 'bind the local end of the connection to ADDRESS' },
  { key: 'nodelay', long: 'nodelay', group: 'Connection', describe: 'disable Nagle\'s algorithm (TCP_NODELAY)' },
  { key: 'proxy', long: 'proxy', value: 'URL', group: 'Connection', describe: 'connect through the SOCKS5 proxy socks5h://[USER[:PASSWORD]@]HOST[:PORT] (default port: 1080)' },
  { key: 'pw-env', long: 'pw-env', value: 'VARIABLE', group: 'Connection', describe: 'read the password from the environment variable VARIABLE' },
  { key: 'pw-file', long: 'pw-file', value: 'FILE', group: 'Connection', describe: 'read the password from the first line of FILE' },
];

const tlsOptions: OptionSpec[] = [
  { key: 'cafile', long: 'cafile', value: 'FILE', group: 'TLS', describe: 'use TLS, trusting the CA certificate(s) in FILE (PEM); default port: 8883' },
  { key: 'capath', long: 'capath', value: 'DIR', group: 'TLS', describe: 'use TLS, trusting the CA certificates (PEM) in the files of DIR' },
  { key: 'tls-use-os-certs', long: 'tls-use-os-certs', group: 'TLS', describe: 'use TLS, trusting the system CAs (the default for port 8883 and mqtts://)' },
  { key: 'cert', long: 'cert', value: 'FILE', group: 'TLS', describe: 'client certificate (PEM) for brokers that require one; needs --key' },
  { key: 'key', long: 'key', value: 'FILE', group: 'TLS', describe: 'private key (PEM, unencrypted) of the client certificate' },
  { key: 'insecure', long: 'insecure', group: 'TLS', describe: 'do not check that the broker\'s certificate names the host (the chain is still verified)' },
  { key: 'tls-version', long: 'tls-version', value: 'VERSION', group: 'TLS', describe: 'lowest TLS version to accept: tlsv1.3, tlsv1.2 (default) or tlsv1.1' },
  { key: 'tls-alpn', long: 'tls-alpn', value: 'PROTOCOL', group: 'TLS', describe: 'ALPN protocol name to offer in the TLS handshake' },
  { key: 'ciphers', long: 'ciphers', value: 'LIST', group: 'TLS', describe: 'OpenSSL cipher list for TLS 1.2 and below' },
  { key: 'psk', long: 'psk', value: 'HEX', group: 'TLS', describe: 'use TLS with this pre-shared key (hexadecimal) instead of certificates; needs --psk-identity' },
  { key: 'psk-identity', long: 'psk-identity', value: 'IDENTITY', group: 'TLS', describe: 'identity sent with --psk' },
];

const willOptions: OptionSpec[] = [
  { key: 'will-topic', long: 'will-topic', value: 'TOPIC', group: 'Will', describe: 'topic the broker publishes the will to if the connection drops' },
  { key: 'will-payload', long: 'will-payload', value: 'PAYLOAD', group: 'Will', describe: 'will payload (default: empty)' },
  { key: 'will-qos', long: 'will-qos', value: 'QOS', group: 'Will', describe: 'will QoS, 0, 1 or 2 (default: 0)' },
  { key: 'will-retain', long: 'will-retain', group: 'Will', describe: 'retain the will message' },
];

const PROPERTY_FORM = 'COMMAND PROPERTY VALUE';
const USER_PROPERTY_FORM = 'COMMAND user-property KEY VALUE';

const propertyOptions: OptionSpec[] = [
  {
    key: 'property',
    short: 'D',
    long: 'property',
    value: PROPERTY_FORM,
    words: (taken) => (taken[1]?.toLowerCase() === 'user-property' ? USER_PROPERTY_FORM : PROPERTY_FORM),
    repeatable: true,
    group: 'Properties',
    describe: `MQTT 5 property for a packet (implies -V 5); repeatable; also -D ${USER_PROPERTY_FORM}`,
  },
];

const generalOptions: OptionSpec[] = [
  { key: 'options-file', short: 'o', value: 'FILE', group: 'General', describe: 'read options from FILE instead of the default config file (~/.config/TOOL)' },
  { key: 'debug', short: 'd', long: 'debug', group: 'General', describe: 'print MQTT packets sent and received on stderr' },
  { key: 'quiet', long: 'quiet', group: 'General', describe: 'do not print error messages (exit codes still tell)' },
  { key: 'help', long: 'help', group: 'General', describe: 'show this help and exit' },
  { key: 'version', long: 'version', group: 'General', describe: 'show the version and exit' },
  { key: 'completion', long: 'completion', value: 'SHELL', group: 'General', describe: 'print the bash or zsh completion script (source <(TOOL --completion bash))' },
];

/** How long to wait for the broker, for both tools. */
const patienceOptions: OptionSpec[] = [
  { key: 'connect-timeout', long: 'connect-timeout', value: 'SECONDS', group: 'Connection', describe: 'give up when the broker has not accepted the connection within SECONDS (default: 10)' },
];

/** What tssub does when the connection is lost. */
const reconnectOptions: OptionSpec[] = [
  { key: 'no-reconnect', long: 'no-reconnect', group: 'Subscribe', describe: 'exit (code 7) when the connection is lost, instead of reconnecting (1 s, doubling to 30 s)' },
];

const publishOptions: OptionSpec[] = [
  { key: 'topic', short: 't', long: 'topic', value: 'TOPIC', group: 'Publish', describe: 'topic to publish to (no + or # wildcards)' },
  { key: 'message', short: 'm', long: 'message', value: 'MESSAGE', group: 'Publish', describe: 'publish MESSAGE' },
  { key: 'null-message', short: 'n', long: 'null-message', group: 'Publish', describe: 'publish an empty (zero-length) message' },
  { key: 'file', short: 'f', long: 'file', value: 'FILE', group: 'Publish', describe: 'publish the contents of FILE, byte for byte' },
  { key: 'stdin-file', short: 's', long: 'stdin-file', group: 'Publish', describe: 'publish all of standard input as one message' },
  { key: 'stdin-line', short: 'l', long: 'stdin-line', group: 'Publish', describe: 'publish each line of standard input as a message, as lines arrive' },
  { key: 'qos', short: 'q', long: 'qos', value: 'QOS', group: 'Publish', describe: 'QoS of the message: 0, 1 or 2 (default: 0)' },
  { key: 'retain', short: 'r', long: 'retain', group: 'Publish', describe: 'ask the broker to retain the message' },
];

const publishFlowOptions: OptionSpec[] = [
  { key: 'repeat', long: 'repeat', value: 'COUNT', group: 'Publish', describe: 'publish the message COUNT times, each after the previous one completed' },
  { key: 'repeat-delay', long: 'repeat-delay', value: 'SECONDS', group: 'Publish', describe: 'wait SECONDS (fractions allowed) between repeated messages' },
  { key: 'max-inflight', short: 'M', long: 'max-inflight', value: 'COUNT', group: 'Publish', describe: 'most QoS 1/2 messages awaiting acknowledgement at once, 1 to 65535 (default: 100 at QoS 1, 20 at QoS 2)' },
];

/** tspub -e: request/response, as mosquitto_rr (which spells these -e, -C and -W too). */
const requestOptions: OptionSpec[] = [
  { key: 'response-topic', short: 'e', value: 'TOPIC', group: 'Request', describe: 'request/response: subscribe to TOPIC, publish the request naming it as response topic (MQTT 5 by default) and print the response' },
  { key: 'count', short: 'C', value: 'COUNT', group: 'Request', describe: 'with -e: wait for COUNT responses (default: 1)' },
  { key: 'timeout', short: 'W', value: 'SECONDS', group: 'Request', describe: 'with -e: give up after SECONDS (exit code 27; default: wait as long as it takes, as mosquitto_rr)' },
];

const subscribeOptions: OptionSpec[] = [
  { key: 'topic', short: 't', long: 'topic', value: 'FILTER', repeatable: true, group: 'Subscribe', describe: 'topic filter to subscribe to; repeat for more' },
  { key: 'filter-out', short: 'T', long: 'filter-out', value: 'FILTER', repeatable: true, group: 'Subscribe', describe: 'do not print or count messages whose topic matches FILTER; repeatable' },
  { key: 'qos', short: 'q', long: 'qos', value: 'QOS', group: 'Subscribe', describe: 'QoS of the subscription: 0, 1 or 2 (default: 0)' },
  { key: 'count', short: 'C', value: 'COUNT', group: 'Subscribe', describe: 'exit after COUNT messages (retained ones count unless -R)' },
  { key: 'timeout', short: 'W', value: 'SECONDS', group: 'Subscribe', describe: 'give up after SECONDS (exit code 27)' },
  { key: 'no-retained', short: 'R', group: 'Subscribe', describe: 'ignore messages that arrive with the retain flag (stale values)' },
  { key: 'exit-after-sub', short: 'E', group: 'Subscribe', describe: 'exit once the broker has acknowledged the subscriptions' },
];

const subscriptionControlOptions: OptionSpec[] = [
  { key: 'unsubscribe', short: 'U', long: 'unsubscribe', value: 'FILTER', repeatable: true, group: 'Subscribe', describe: 'unsubscribe from FILTER after subscribing; repeatable; without -t: unsubscribe and exit' },
  { key: 'remove-retained', long: 'remove-retained', group: 'Subscribe', describe: 'clear each retained message received (except those -T filters out)' },
  { key: 'retained-only', long: 'retained-only', group: 'Subscribe', describe: 'print only retained messages; exit 0 at the first live one' },
  { key: 'retain-as-published', long: 'retain-as-published', group: 'Subscribe', describe: 'MQTT 5: keep the retain flag as the publisher set it' },
  { key: 'random-filter', long: 'random-filter', value: 'PERCENT', group: 'Subscribe', describe: 'print a random PERCENT (0.1 to 100) of the messages; all count for -C' },
];

const outputOptions: OptionSpec[] = [
  { key: 'verbose', short: 'v', long: 'verbose', group: 'Output', describe: "print 'topic payload' ('topic (null)' for an empty payload)" },
  { key: 'no-eol', short: 'N', group: 'Output', describe: 'do not print a newline after each message' },
  { key: 'format', short: 'F', value: 'FORMAT', group: 'Output', describe: 'print each message with FORMAT (%t topic, %p payload, %q QoS, %r retain, %j JSON, ...; see the man page)' },
  { key: 'pretty', long: 'pretty', group: 'Output', describe: 'print %j and %J JSON on several indented lines' },
];

const jsonOptions: OptionSpec[] = [
  { key: 'json', long: 'json', group: 'Output', describe: 'print each message as one line of JSON, losslessly (schema in the man page)' },
];

/** Terminal mode; shared so that any tool with a terminal display can spread it in. */
const terminalOptions: OptionSpec[] = [
  { key: 'color', long: 'color', value: 'WHEN', group: 'Output', describe: 'colour: auto (default: on a terminal, NO_COLOR/FORCE_COLOR apply), always or never' },
];

/** tssub --explore, the interactive view (src/explore/), and its memory bounds. */
const exploreOptions: OptionSpec[] = [
  { key: 'explore', long: 'explore', group: 'Output', describe: 'interactive view of the broker on the terminal: topic tree, details, history, publish, clear retained (default -t: #)' },
  { key: 'explore-history', long: 'explore-history', value: 'COUNT', group: 'Output', describe: 'with --explore: messages kept per topic for the history table and chart (default: 100)' },
  { key: 'explore-max-payload', long: 'explore-max-payload', value: 'BYTES', group: 'Output', describe: 'with --explore: bytes of each topic\'s last payload kept, the rest dropped (default: 65536)' },
];

export const toolOptions: Record<ToolName, OptionSpec[]> = {
  tspub: [
    ...connectionOptions,
    ...transportOptions,
    ...patienceOptions,
    ...tlsOptions,
    ...willOptions,
    ...propertyOptions,
    ...publishOptions,
    ...publishFlowOptions,
    ...requestOptions,
    ...outputOptions,
    ...jsonOptions,
    ...terminalOptions,
    ...generalOptions,
  ],
  tssub: [
    ...connectionOptions,
    ...transportOptions,
    ...patienceOptions,
    ...tlsOptions,
    ...willOptions,
    ...propertyOptions,
    ...subscribeOptions,
    ...subscriptionControlOptions,
    ...reconnectOptions,
    ...outputOptions,
    ...jsonOptions,
    ...terminalOptions,
    ...exploreOptions,
    ...generalOptions,
  ],
};

/** How the option is spelled in messages and in the argv handed to yargs. */
export function displayFlag(spec: OptionSpec): string {
  return spec.long ? `--${spec.long}` : `-${spec.short}`;
}

/** The yargs key: the long spelling, or the letter for options that only have a letter. */
export function yargsKey(spec: OptionSpec): string {
  return spec.long ?? spec.short!;
}
