import { UsageError } from '../errors.js';
import { publishTopicProblem } from './topics.js';

/**
 * MQTT 5 properties given on the command line (`-D COMMAND PROPERTY VALUE`, `-D COMMAND
 * user-property KEY VALUE`), checked the way mosquitto's clients check them: command and property
 * names are case-insensitive, each command takes only the properties MQTT 5 allows in that packet,
 * and values are range-checked here rather than by the broker. The result uses MQTT.js's property
 * names, so each set can be handed to MQTT.js as it is.
 */

/** MQTT.js's user-property map: a key given more than once holds its values in order. */
type UserProperties = Record<string, string | string[]>;

export interface ConnectProperties {
  sessionExpiryInterval?: number;
  receiveMaximum?: number;
  maximumPacketSize?: number;
  topicAliasMaximum?: number;
  requestResponseInformation?: boolean;
  requestProblemInformation?: boolean;
  userProperties?: UserProperties;
  authenticationMethod?: string;
  authenticationData?: Buffer;
}

export interface PublishProperties {
  payloadFormatIndicator?: boolean;
  messageExpiryInterval?: number;
  topicAlias?: number;
  responseTopic?: string;
  correlationData?: Buffer;
  userProperties?: UserProperties;
  contentType?: string;
}

export interface WillProperties {
  willDelayInterval?: number;
  payloadFormatIndicator?: boolean;
  messageExpiryInterval?: number;
  contentType?: string;
  responseTopic?: string;
  correlationData?: Buffer;
  userProperties?: UserProperties;
}

export interface SubscribeProperties {
  subscriptionIdentifier?: number;
  userProperties?: UserProperties;
}

export interface UnsubscribeProperties {
  userProperties?: UserProperties;
}

export interface DisconnectProperties {
  sessionExpiryInterval?: number;
  reasonString?: string;
  serverReference?: string;
  userProperties?: UserProperties;
}

/** Everything -D asked for, per packet. A command that was never named is absent. */
export interface PropertySet {
  connect?: ConnectProperties;
  publish?: PublishProperties;
  will?: WillProperties;
  subscribe?: SubscribeProperties;
  unsubscribe?: UnsubscribeProperties;
  disconnect?: DisconnectProperties;
}

export type PropertyCommand = keyof PropertySet;

/** The packets a client sends and may attach properties to from the command line. */
const COMMANDS: readonly PropertyCommand[] = ['connect', 'publish', 'subscribe', 'unsubscribe', 'disconnect', 'will'];

/** MQTT packets whose properties come from the broker or the protocol machinery, not from -D. */
const NOT_SETTABLE = ['connack', 'puback', 'pubrec', 'pubrel', 'pubcomp', 'suback', 'unsuback', 'auth'];

type ValueKind =
  | { kind: 'flag' }
  | { kind: 'integer'; min: number; max: number }
  | { kind: 'string' }
  | { kind: 'topic' }
  | { kind: 'binary' }
  | { kind: 'pair' };

interface PropertyDef {
  /** MQTT.js's name for it. */
  key: string;
  value: ValueKind;
  /** Commands it may be given for. */
  commands: readonly PropertyCommand[];
}

const UINT16 = 0xffff;
const UINT32 = 0xffffffff;
const VARINT_MAX = 268_435_455;
/** Strings and binary data carry a two-byte length. */
const MAX_FIELD_BYTES = 0xffff;

const int = (min: number, max: number): ValueKind => ({ kind: 'integer', min, max });
const flagValue: ValueKind = { kind: 'flag' };
const stringValue: ValueKind = { kind: 'string' };

/**
 * Every property MQTT 5 defines, by its mosquitto spelling. Those no client packet may carry have
 * no commands, so naming them gives "not a property of ..." rather than "unknown property".
 */
const PROPERTIES: Record<string, PropertyDef> = {
  'payload-format-indicator': { key: 'payloadFormatIndicator', value: flagValue, commands: ['publish', 'will'] },
  'message-expiry-interval': { key: 'messageExpiryInterval', value: int(0, UINT32), commands: ['publish', 'will'] },
  'content-type': { key: 'contentType', value: stringValue, commands: ['publish', 'will'] },
  'response-topic': { key: 'responseTopic', value: { kind: 'topic' }, commands: ['publish', 'will'] },
  'correlation-data': { key: 'correlationData', value: { kind: 'binary' }, commands: ['publish', 'will'] },
  'subscription-identifier': { key: 'subscriptionIdentifier', value: int(1, VARINT_MAX), commands: ['subscribe'] },
  'session-expiry-interval': { key: 'sessionExpiryInterval', value: int(0, UINT32), commands: ['connect', 'disconnect'] },
  'assigned-client-identifier': { key: 'assignedClientIdentifier', value: stringValue, commands: [] },
  'server-keep-alive': { key: 'serverKeepAlive', value: int(0, UINT16), commands: [] },
  'authentication-method': { key: 'authenticationMethod', value: stringValue, commands: ['connect'] },
  'authentication-data': { key: 'authenticationData', value: { kind: 'binary' }, commands: ['connect'] },
  'request-problem-information': { key: 'requestProblemInformation', value: flagValue, commands: ['connect'] },
  'will-delay-interval': { key: 'willDelayInterval', value: int(0, UINT32), commands: ['will'] },
  'request-response-information': { key: 'requestResponseInformation', value: flagValue, commands: ['connect'] },
  'response-information': { key: 'responseInformation', value: stringValue, commands: [] },
  'server-reference': { key: 'serverReference', value: stringValue, commands: ['disconnect'] },
  'reason-string': { key: 'reasonString', value: stringValue, commands: ['disconnect'] },
  'receive-maximum': { key: 'receiveMaximum', value: int(1, UINT16), commands: ['connect'] },
  'topic-alias-maximum': { key: 'topicAliasMaximum', value: int(0, UINT16), commands: ['connect'] },
  'topic-alias': { key: 'topicAlias', value: int(1, UINT16), commands: ['publish'] },
  'maximum-qos': { key: 'maximumQoS', value: int(0, 1), commands: [] },
  'retain-available': { key: 'retainAvailable', value: flagValue, commands: [] },
  'user-property': { key: 'userProperties', value: { kind: 'pair' }, commands: COMMANDS },
  'maximum-packet-size': { key: 'maximumPacketSize', value: int(1, UINT32), commands: ['connect'] },
  'wildcard-subscription-available': { key: 'wildcardSubscriptionAvailable', value: flagValue, commands: [] },
  'subscription-identifier-available': { key: 'subscriptionIdentifiersAvailable', value: flagValue, commands: [] },
  'shared-subscription-available': { key: 'sharedSubscriptionAvailable', value: flagValue, commands: [] },
};

/** The properties a command takes, in table order, for error messages. */
export function propertiesAllowedFor(command: PropertyCommand): string[] {
  return Object.entries(PROPERTIES)
    .filter(([, def]) => def.commands.includes(command))
    .map(([name]) => name);
}

function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain U+0000';
  if (Buffer.byteLength(text, 'utf8') > MAX_FIELD_BYTES) return `is longer than ${MAX_FIELD_BYTES} bytes`;
  return undefined;
}

function parseValue(where: string, def: PropertyDef, text: string): unknown {
  const fail = (why: string): never => {
    throw new UsageError(`${where}: ${why}`);
  };
  switch (def.value.kind) {
    case 'flag':
      if (text !== '0' && text !== '1') fail(`value must be 0 or 1, not '${text}'`);
      return text === '1';
    case 'integer': {
      const { min, max } = def.value;
      const n = /^[0-9]+$/.test(text) ? Number(text) : NaN;
      if (!Number.isSafeInteger(n) || n < min || n > max) {
        fail(`value must be a whole number from ${min} to ${max}, not '${text}'`);
      }
      return n;
    }
    case 'string': {
      const problem = textProblem(text);
      if (problem) fail(`value ${problem}`);
      return text;
    }
    case 'topic': {
      const problem = publishTopicProblem(text);
      if (problem) fail(problem.replace('publish topic', 'response topic'));
      return text;
    }
    case 'binary': {
      const bytes = Buffer.from(text, 'utf8');
      if (bytes.length > MAX_FIELD_BYTES) fail(`value is longer than ${MAX_FIELD_BYTES} bytes`);
      return bytes;
    }
    case 'pair':
      // Pairs are added by the caller, which owns the map; this only validates.
      return text;
  }
}

/**
 * Turns the word lists of every -D option into one PropertySet. `commands` limits the commands
 * accepted (a tool names the packets it actually sends); `words` is [command, property, value] or
 * [command, 'user-property', key, value], as the argv normaliser collected them.
 */
export function parseProperties(
  wordLists: ReadonlyArray<readonly string[]>,
  commands: readonly PropertyCommand[] = COMMANDS,
): PropertySet {
  const result: Record<string, Record<string, unknown>> = {};
  for (const words of wordLists) {
    const [commandWord = '', nameWord = ''] = words;
    const command = commandWord.toLowerCase();
    const name = nameWord.toLowerCase();
    const isPair = name === 'user-property';
    const expected = isPair ? 4 : 3;
    if (words.length !== expected) {
      throw new UsageError(
        `-D needs ${isPair ? 'COMMAND user-property KEY VALUE' : 'COMMAND PROPERTY VALUE'}, got ${words.length} word${words.length === 1 ? '' : 's'}`,
      );
    }
    const list = commands.join(', ');
    if (!(COMMANDS as readonly string[]).includes(command)) {
      if (NOT_SETTABLE.includes(command)) {
        throw new UsageError(`-D: properties of ${command.toUpperCase()} cannot be set (commands: ${list})`);
      }
      throw new UsageError(`-D: unknown command '${commandWord}' (commands: ${list})`);
    }
    const packet = command as PropertyCommand;
    if (!commands.includes(packet)) {
      throw new UsageError(`-D ${command}: this command sends no ${command.toUpperCase()} packet (commands: ${list})`);
    }
    const def = PROPERTIES[name];
    if (!def) throw new UsageError(`-D ${command}: unknown property '${nameWord}'`);
    if (!def.commands.includes(packet)) {
      throw new UsageError(
        `-D ${command}: ${name} is not a property of ${command === 'will' ? 'the will' : command.toUpperCase()} (allowed: ${propertiesAllowedFor(packet).join(', ')})`,
      );
    }
    const where = `-D ${command} ${name}`;
    const set = (result[packet] ??= {});
    if (isPair) {
      const [, , key = '', value = ''] = words;
      const keyProblem = textProblem(key);
      if (keyProblem) throw new UsageError(`${where}: key ${keyProblem}`);
      const valueProblem = textProblem(value);
      if (valueProblem) throw new UsageError(`${where}: value ${valueProblem}`);
      // No prototype, so a key such as '__proto__' is stored like any other.
      const pairs = (set['userProperties'] ??= Object.create(null)) as UserProperties;
      const existing = pairs[key];
      if (existing === undefined) pairs[key] = value;
      else if (Array.isArray(existing)) existing.push(value);
      else pairs[key] = [existing, value];
      continue;
    }
    if (set[def.key] !== undefined) throw new UsageError(`${where}: given more than once`);
    set[def.key] = parseValue(where, def, words[2]!);
  }
  return result as PropertySet;
}
