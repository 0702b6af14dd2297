import { UsageError } from '../errors.js';
import { topicOfUrl } from './broker-url.js';
import { parseProperties } from './properties.js';
import { allStrings, flag, lastString, wordLists, type RawOptions } from './raw-options.js';
import { filterProblem } from './topics.js';
import { SUBSCRIBER_PROPERTY_COMMANDS, type ProtocolVersion, type SubscribeConfig } from './types.js';
import { parseIntegerIn, parsePercent, parsePositiveSeconds, parseQos } from './values.js';

export function parseSubscribeConfig(raw: RawOptions, protocolVersion: ProtocolVersion = 4): SubscribeConfig {
  const urlTopic = topicOfUrl(raw);
  // As in mosquitto_sub, the topic of -L is one more filter.
  const filters = urlTopic === undefined ? allStrings(raw, 'topic') : [...allStrings(raw, 'topic'), urlTopic];
  const unsubscribe = allStrings(raw, 'unsubscribe');
  if (filters.length === 0 && unsubscribe.length === 0) {
    throw new UsageError('no topic given: subscribe with -t FILTER (or unsubscribe with -U FILTER)');
  }
  for (const f of filters) {
    const problem = filterProblem(f);
    if (problem) throw new UsageError(problem);
  }
  for (const f of unsubscribe) {
    const problem = filterProblem(f, 'unsubscribe filter (-U)');
    if (problem) throw new UsageError(problem);
  }
  const filterOut = allStrings(raw, 'filter-out');
  for (const f of filterOut) {
    const problem = filterProblem(f, 'filter-out filter (-T)');
    if (problem) throw new UsageError(problem);
  }
  const qosText = lastString(raw, 'qos');
  const countText = lastString(raw, 'count');
  const timeoutText = lastString(raw, 'timeout');
  const config: SubscribeConfig = {
    filters,
    filterOut,
    qos: qosText === undefined ? 0 : parseQos(qosText),
    noRetained: flag(raw, 'no-retained'),
    exitAfterSubscribe: flag(raw, 'exit-after-sub'),
    unsubscribe,
    removeRetained: flag(raw, 'remove-retained'),
    retainedOnly: flag(raw, 'retained-only'),
    retainAsPublished: flag(raw, 'retain-as-published'),
    reconnect: !flag(raw, 'no-reconnect'),
  };
  if (config.noRetained && config.retainedOnly) {
    throw new UsageError('-R and --retained-only cannot be combined: -R drops the retained messages --retained-only prints');
  }
  if (config.retainAsPublished && protocolVersion !== 5) {
    throw new UsageError('--retain-as-published is an MQTT 5 subscription option: add -V 5');
  }
  const randomText = lastString(raw, 'random-filter');
  if (randomText !== undefined) config.randomFilterPercent = parsePercent(randomText, 'chance (--random-filter)');
  if (countText !== undefined) {
    config.count = parseIntegerIn(countText, 1, Number.MAX_SAFE_INTEGER, 'message count (-C)');
  }
  if (timeoutText !== undefined) config.timeoutSec = parsePositiveSeconds(timeoutText, 'timeout (-W)');
  const properties = parseProperties(wordLists(raw, 'property'), SUBSCRIBER_PROPERTY_COMMANDS);
  if (properties.subscribe) config.properties = properties.subscribe;
  if (properties.unsubscribe) config.unsubscribeProperties = properties.unsubscribe;
  return config;
}
