// What the interop matrix expects besides "same": broker quirks (named in the matrix, whatever the
// outcome) and differences between tsmqtt and mosquitto's clients that are known tsmqtt defects,
// still open. A difference listed here keeps the suite green; when the defect is fixed the run
// reports the row as "now same" and the row is to be deleted (see run.ts for the exit code).
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
  /** Defect number in issue 19. */
  defect: number;
  /** What differs today, and what the fix must give. */
  asserts: string;
}

const EXPECTED_DIFFERENCES: readonly ExpectedDifference[] = [
  {
    broker: 'rabbitmq',
    scenario: 'qos2',
    defect: 3,
    asserts: 'tspub -q 2 answered by PUBACK exits 2 as mosquitto_pub does (tspub: 7 today)',
  },
  {
    broker: 'rabbitmq',
    scenario: 'downgrade',
    defect: 3,
    asserts: 'tspub -q 2 answered by PUBACK exits 2 as mosquitto_pub does (tspub: 7 today)',
  },
  {
    broker: 'rabbitmq',
    scenario: 'qos2-debug',
    defect: 3,
    asserts: 'tspub -d -q 2 answered by PUBACK exits 2 as without -d and as mosquitto_pub (tspub -d: 0 today)',
  },
  {
    broker: 'rabbitmq',
    scenario: 'qos2-lines',
    defect: 2,
    asserts: "tspub -q 2 -l answered by PUBACK ends at end of input (hangs today, killed at 15 s); mosquitto_pub -l exits 0 here, so once tspub gives defect 3's exit 2 on this path too the row stays, as a deliberate difference",
  },
  {
    broker: 'aedes',
    scenario: 'v5-refused',
    defect: 7,
    asserts: '-V 5 refused with a v3 CONNACK "unacceptable protocol version": exit 132 like mosquitto (tsmqtt: 1 today)',
  },
  {
    broker: 'rabbitmq',
    scenario: 'v5-refused',
    defect: 7,
    asserts: "-V 5 answered by a closed socket: tspub 7 like mosquitto_pub (tsmqtt: 1 today); mosquitto_sub's 255 is no code to copy, so after the fix this row stays for tssub, as a deliberate difference",
  },
];

export function quirkOf(broker: BrokerName, scenario: string): string | undefined {
  return QUIRKS.find((q) => q.broker === broker && q.scenarios.includes(scenario))?.text;
}

export function expectedDifference(broker: BrokerName, scenario: string): ExpectedDifference | undefined {
  return EXPECTED_DIFFERENCES.find((d) => (d.broker === broker || d.broker === '*') && d.scenario === scenario);
}
