import { toolOptions, type HelpGroup, type OptionSpec, type ToolName } from './options.js';

const USAGE: Record<ToolName, string> = {
  tspub:
    'Usage: tspub [-h HOST] [-p PORT] -t TOPIC (-m MESSAGE | -n | -f FILE | -s | -l) [options]\n\n' +
    'Publish a message (or each line of standard input) to an MQTT broker and wait until every\n' +
    'message is acknowledged as its QoS requires.',
  tssub:
    'Usage: tssub [-h HOST] [-p PORT] -t FILTER [-t FILTER ...] [options]\n\n' +
    'Subscribe to topic filters on an MQTT broker and print the messages that arrive.',
};

const EXAMPLES: Record<ToolName, Array<[string, string]>> = {
  tspub: [
    ['tspub -t sensors/temp -m 21.5', 'publish one message at QoS 0'],
    ['tspub -t config/mode -m eco -r -q 1', 'retain a value, acknowledged at QoS 1'],
    ['tspub -t config/mode -n -r', 'clear the retained value'],
    ['tail -f app.log | tspub -t logs -l -q 1', 'publish each line as it is written, none lost'],
    ['tspub -t svc/req -e svc/resp -m ping -W 5', 'ask a service, print its answer (exit 27 if none in 5 s)'],
  ],
  tssub: [
    ["tssub -t 'sensors/#' -v", "print 'topic payload' for everything under sensors/"],
    ['tssub -t jobs/done -C 1 -W 10', 'wait up to 10 s for one message (exit 27 on timeout)'],
    ["tssub -t 'a/+' -F '%t %q %r %p'", 'print topic, QoS, retain flag and payload'],
    ["tssub -t 'a/#' --json", 'every message as one line of lossless JSON'],
  ],
};

const GROUP_TITLES: Record<HelpGroup, string> = {
  Connection: 'Connection',
  TLS: 'TLS',
  Will: 'Will (published by the broker if the connection drops)',
  Properties: 'MQTT 5 properties',
  Publish: 'Message',
  Request: 'Request/response (-e; the output options below apply to the responses)',
  Subscribe: 'Subscription',
  Output: 'Output',
  General: 'General',
};

const EXIT_STATUS =
  'Exit status: 0 done; 1 usage, input or connection error, or a refusal; 2 protocol error; 1-5 or\n' +
  '128-162 the broker refused the connection (its CONNACK code); 7 connection lost (tssub:\n' +
  '--no-reconnect, or ended by the broker); 27 -W timed out; 130/143 interrupted before the\n' +
  'connection was up (tspub: before every message was complete); 70 internal error.\n' +
  'See the man page for details.';

/** `-h, --host HOST`: how an option is written in help, man page and README. */
export function optionSynopsis(spec: OptionSpec): string {
  const names = [spec.short ? `-${spec.short}` : undefined, spec.long ? `--${spec.long}` : undefined]
    .filter((n): n is string => n !== undefined)
    .join(', ');
  const padded = spec.short ? names : `    ${names}`;
  return spec.value ? `${padded} ${spec.value}` : padded;
}

/** Help text, grouped as in the man page. Written from the option table, so it cannot drift. */
export function helpText(tool: ToolName): string {
  const specs = toolOptions[tool];
  const width = Math.max(...specs.map((s) => optionSynopsis(s).length)) + 2;
  const sections: string[] = [USAGE[tool]];
  const groups: HelpGroup[] = [];
  for (const spec of specs) if (!groups.includes(spec.group)) groups.push(spec.group);
  for (const group of groups) {
    const lines = specs
      .filter((s) => s.group === group)
      .map((s) => `  ${optionSynopsis(s).padEnd(width)}${s.describe}`);
    sections.push(`${GROUP_TITLES[group]}:\n${lines.join('\n')}`);
  }
  const exampleWidth = Math.max(...EXAMPLES[tool].map(([c]) => c.length)) + 2;
  sections.push(`Examples:\n${EXAMPLES[tool].map(([c, d]) => `  ${c.padEnd(exampleWidth)}${d}`).join('\n')}`);
  sections.push(EXIT_STATUS);
  return `${sections.join('\n\n')}\n`;
}
