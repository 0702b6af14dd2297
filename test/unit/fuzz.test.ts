// Property-based checks: whatever a user types, the parsers either accept it or answer with a
// usage error. Anything else escaping them (a TypeError, a RangeError) would reach the user as
// an internal error, so it is a bug.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseCommandLine } from '../../src/cli/program.js';
import { toolOptions, type ToolName } from '../../src/cli/options.js';
import { parseConnectionConfig } from '../../src/core/config/connection.js';
import { parsePublishConfig } from '../../src/core/config/publish.js';
import { parseSubscribeConfig } from '../../src/core/config/subscribe.js';
import { TsmqttError } from '../../src/core/errors.js';
import type { ReceivedMessage } from '../../src/core/subscribe/subscribe.js';
import { compileTemplate, FormatSyntaxError } from '../../src/output/template.js';

const RUNS = 3000;

/** Tokens a user could plausibly type: every flag of both tools, and odd values. */
function token(): fc.Arbitrary<string> {
  const flags = [...toolOptions.tspub, ...toolOptions.tssub].flatMap((s) => [
    ...(s.short ? [`-${s.short}`] : []),
    ...(s.long ? [`--${s.long}`] : []),
  ]);
  return fc.oneof(
    fc.constantFrom(...flags),
    fc.constantFrom('0', '1', '2', '3', '-1', '65535', '65536', '', ' ', 'a/#', 'a/+/b', '#', '∞', 'mqttv5', '5', '311'),
    fc.string({ maxLength: 12 }),
    fc.string({ unit: 'grapheme', maxLength: 6 }),
  );
}

function parseAll(tool: ToolName, argv: string[]): void {
  const parsed = parseCommandLine(tool, argv);
  if (parsed.kind !== 'run') return;
  parseConnectionConfig(parsed.raw);
  if (tool === 'tspub') parsePublishConfig(parsed.raw);
  else parseSubscribeConfig(parsed.raw);
}

for (const tool of ['tspub', 'tssub'] as const) {
  test(`${tool}: any argv parses or fails with a usage error, nothing else`, () => {
    fc.assert(
      fc.property(fc.array(token(), { maxLength: 10 }), (argv) => {
        try {
          parseAll(tool, argv);
        } catch (err) {
          if (!(err instanceof TsmqttError)) throw err;
          assert.equal(err.exitCode, 1);
        }
      }),
      { numRuns: RUNS },
    );
  });
}

const SAMPLE: ReceivedMessage = {
  topic: 'fuzz/topic',
  payload: Buffer.from([0x00, 0x41, 0xff, 0x7b, 0x7d]),
  qos: 1,
  retain: true,
  dup: false,
  messageId: 7,
  properties: { contentType: 'text/plain', userProperties: { k: ['v1', 'v2'] }, correlationData: Buffer.from('c') },
};

test('-F: any template compiles and renders, or fails with a format syntax error', () => {
  const template = fc.oneof(
    fc.string({ maxLength: 20 }),
    fc.array(fc.constantFrom('%', '@', '\\', '-', '0', '5', '.', '3', 't', 'p', 'x', 'j', 'J', 'I', 'N', 'Q', 'n', 'é', 'A', 'P'), { maxLength: 12 }).map((a) => a.join('')),
  );
  fc.assert(
    fc.property(template, fc.boolean(), (t, pretty) => {
      let render;
      try {
        render = compileTemplate(t, { pretty, onWarning: () => {} });
      } catch (err) {
        if (err instanceof FormatSyntaxError) return;
        throw err;
      }
      assert.ok(Buffer.isBuffer(render(SAMPLE, { sec: 1795738648, nsec: 362411175 })));
    }),
    { numRuns: RUNS },
  );
});
