import { UsageError } from '../errors.js';
import { topicOfUrl } from './broker-url.js';
import { parseProperties } from './properties.js';
import { flag, lastGiven, lastString, wordLists, type RawOptions } from './raw-options.js';
import { publishTopicProblem } from './topics.js';
import { DEFAULT_MAX_INFLIGHT, MAX_INFLIGHT, PUBLISHER_PROPERTY_COMMANDS, type MessageSource, type PublishConfig } from './types.js';
import { parseIntegerIn, parseQos, parseSecondsAtLeastZero } from './values.js';

const MESSAGE_SOURCES = ['message', 'null-message', 'file', 'stdin-file', 'stdin-line'] as const;
const SOURCE_LETTERS = '-m, -n, -f, -s, -l';

export function parsePublishConfig(raw: RawOptions): PublishConfig {
  const given = MESSAGE_SOURCES.filter((name) => raw[name] !== undefined && raw[name] !== false);
  const total = given.reduce((n, name) => {
    const v = raw[name];
    return n + (Array.isArray(v) ? v.length : 1);
  }, 0);
  if (total > 1) {
    throw new UsageError(`give only one message source: one of ${SOURCE_LETTERS}`);
  }
  const urlTopic = topicOfUrl(raw);
  const topic = lastGiven(raw, urlTopic === undefined ? ['topic'] : ['topic', 'url']) === 'url' ? urlTopic : lastString(raw, 'topic');
  if (topic === undefined) throw new UsageError('no topic given: use -t TOPIC');
  const problem = publishTopicProblem(topic);
  if (problem) throw new UsageError(problem);
  if (total === 0) throw new UsageError(`no message given: use one of ${SOURCE_LETTERS}`);

  let source: MessageSource;
  const kind = given[0]!;
  if (kind === 'message') source = { kind: 'message', payload: Buffer.from(lastString(raw, 'message')!, 'utf8') };
  else if (kind === 'null-message') source = { kind: 'null' };
  else if (kind === 'file') {
    const path = lastString(raw, 'file')!;
    if (path === '') throw new UsageError('file name (-f) must not be empty');
    source = { kind: 'file', path };
  } else if (kind === 'stdin-file') source = { kind: 'stdin' };
  else source = { kind: 'lines' };

  const repeatText = lastString(raw, 'repeat');
  const delayText = lastString(raw, 'repeat-delay');
  const inflightText = lastString(raw, 'max-inflight');
  if (source.kind === 'lines' && repeatText !== undefined) {
    // mosquitto_pub ignores --repeat with -l; saying so beats silently doing less than asked.
    throw new UsageError('--repeat cannot be combined with -l (each line is one message)');
  }
  const qosText = lastString(raw, 'qos');
  const qos = qosText === undefined ? 0 : parseQos(qosText);
  const config: PublishConfig = {
    topic,
    source,
    qos,
    retain: flag(raw, 'retain'),
    repeat: repeatText === undefined ? 1 : parseIntegerIn(repeatText, 1, Number.MAX_SAFE_INTEGER, 'repeat count (--repeat)'),
    repeatDelayMs:
      delayText === undefined ? 0 : Math.round(parseSecondsAtLeastZero(delayText, 'repeat delay (--repeat-delay)') * 1000),
    maxInflight:
      inflightText === undefined
        ? DEFAULT_MAX_INFLIGHT[qos === 2 ? 2 : 1]
        : parseIntegerIn(inflightText, 1, MAX_INFLIGHT, 'maximum in-flight messages (-M)'),
  };
  const properties = parseProperties(wordLists(raw, 'property'), PUBLISHER_PROPERTY_COMMANDS);
  if (properties.publish) config.properties = properties.publish;
  return config;
}
