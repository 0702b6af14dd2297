import type { IClientPublishOptions } from 'mqtt';
import type { PublishConfig } from '../config/types.js';

/**
 * MQTT.js's options for one message of a run. A topic alias (-D publish topic-alias N) is sent
 * with the first message only, which registers it; later messages go without it and MQTT.js
 * (autoUseTopicAlias) sends them with the alias alone and an empty topic, as mosquitto_pub does.
 */
export function publishOptions(publish: PublishConfig, first: boolean): IClientPublishOptions {
  const options: IClientPublishOptions = { qos: publish.qos, retain: publish.retain };
  if (!publish.properties) return options;
  const { topicAlias, ...rest } = publish.properties;
  const properties = first || topicAlias === undefined ? publish.properties : rest;
  if (Object.keys(properties).length > 0) options.properties = properties;
  return options;
}
