// What the interop matrix expects besides "same": broker quirks (named in the matrix, whatever the
// outcome) and the differences from mosquitto's clients that tsmqtt makes on purpose. A difference
// listed here keeps the suite green; one that turns "same" is reported as a stale row to delete.
import type { BrokerName } from './brokers.js';

interface Quirk {
  broker: BrokerName;
  /** Scenario ids the quirk shows in. */
  scenarios: readonly string[];
  text: string;
}

const QUIRKS: readonly Quirk[] = [
  { broker: 'rabbitmq', scenarios: ['qos2', 'downgrade', 'qos2-debug', 'qos2-lines'], text: 'QoS 2 downgraded to 1' },
  { broker: 'rabbitmq', scenarios: ['retained-wildcard'], text: 'retained only for exact topics' },
  { broker: 'rabbitmq', scenarios: ['v5', 'v5-refused', 'v5-properties', 'v5-expiry'], text: 'no MQTT 5' },
  { broker: 'aedes', scenarios: ['v5', 'v5-refused', 'v5-properties', 'v5-expiry'], text: 'no MQTT 5' },
  { broker: 'ejabberd', scenarios: ['v31', 'v31-refused'], text: 'no MQTT 3.1' },
];

export interface ExpectedDifference {
  broker: BrokerName | '*';
  scenario: string;
  /** Why tsmqtt gives another outcome than mosquitto's client here, on purpose (docs/compatibility.md). */
  why: string;
}

/**
 * Where tsmqtt differs from mosquitto's clients on purpose. Issue 19's defects are fixed, so
 * none is left as a defect; these two are the outcomes the issue decided, not mosquitto's.
 */
const EXPECTED_DIFFERENCES: readonly ExpectedDifference[] = [
  {
    broker: 'rabbitmq',
    scenario: 'qos2-lines',
    why: 'a QoS 2 line answered with PUBACK: tspub -l exits 2 and says it went at QoS 1, as a one-shot publish does; mosquitto_pub -l exits 0',
  },
  {
    broker: 'rabbitmq',
    scenario: 'v5-refused',
    why: 'the connection closed on an MQTT 5 CONNECT: tssub exits 7, as tspub and mosquitto_pub do; mosquitto_sub exits 255',
  },
];

export function quirkOf(broker: BrokerName, scenario: string): string | undefined {
  return QUIRKS.find((q) => q.broker === broker && q.scenarios.includes(scenario))?.text;
}

export function expectedDifference(broker: BrokerName, scenario: string): ExpectedDifference | undefined {
  return EXPECTED_DIFFERENCES.find((d) => (d.broker === broker || d.broker === '*') && d.scenario === scenario);
}
