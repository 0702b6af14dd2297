import type { ToolName } from './options.js';

declare const __TSMQTT_VERSION__: string | undefined;
declare const __MQTTJS_VERSION__: string | undefined;

const VERSION = typeof __TSMQTT_VERSION__ === 'string' ? __TSMQTT_VERSION__ : '0.0.0-dev';
const MQTTJS_VERSION = typeof __MQTTJS_VERSION__ === 'string' ? __MQTTJS_VERSION__ : 'unknown';

export function versionLine(tool: ToolName): string {
  return `${tool} ${VERSION} (tsmqtt; MQTT.js ${MQTTJS_VERSION}; Node.js ${process.version})\n`;
}
