// The quick one-shot publish has a parser of its own (src/cli/one-shot.ts), checked here against
// what it stands in for: yargs. Its packets are checked in connect-packet.test.ts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { normaliseArgv } from '../../src/cli/argv.js';
import { ONE_SHOT_OPTIONS, parseOneShot } from '../../src/cli/one-shot.js';
import { toolOptions } from '../../src/cli/options.js';
import { parseNormalised } from '../../src/cli/program.js';
import { TsmqttError } from '../../src/core/errors.js';

const RUNS = 2000;

const oneShotFlags = toolOptions.tspub
  .filter((spec) => ONE_SHOT_OPTIONS.has(spec.key))
  .flatMap((spec) => [...(spec.short ? [`-${spec.short}`] : []), ...(spec.long ? [`--${spec.long}`] : [])]);
const otherFlags = toolOptions.tspub
  .filter((spec) => !ONE_SHOT_OPTIONS.has(spec.key) && spec.key !== 'help' && spec.key !== 'version' && spec.key !== 'completion')
  .flatMap((spec) => [...(spec.short ? [`-${spec.short}`] : []), ...(spec.long ? [`--${spec.long}`] : [])]);

describe('parseOneShot: what yargs makes of the same command line', () => {
  const value = fc.oneof(
    fc.constantFrom('0', '1', '2', '5', '311', 'true', 'false', '', '-', '--', 'a=b', '=', 'x y', '-m', '--qos=1'),
    fc.string({ maxLength: 8 }),
  );
  const argv = (flags: string[]) =>
    fc.array(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...flags) }, { weight: 2, arbitrary: value }), { maxLength: 12 });

  const normalised = (words: string[]): string[] | undefined => {
    try {
      return normaliseArgv(words, 'tspub');
    } catch (err) {
      if (err instanceof TsmqttError) return undefined;
      throw err;
    }
  };

  test('same RawOptions for every command line made of the one-shot options', () => {
    fc.assert(
      fc.property(argv(oneShotFlags), (words) => {
        const tokens = normalised(words);
        if (tokens === undefined) return;
        const viaYargs = parseNormalised('tspub', tokens);
        assert.deepEqual(parseOneShot(tokens), viaYargs);
      }),
      { numRuns: RUNS },
    );
  });

  test('leaves every other command line to yargs', () => {
    fc.assert(
      fc.property(argv(oneShotFlags), fc.constantFrom(...otherFlags), value, (words, other, v) => {
        const tokens = normalised([...words, other, v, 'x', 'y']);
        if (tokens === undefined || !tokens.some((t) => !oneShotFlags.includes(t.split('=')[0]!))) return;
        assert.equal(parseOneShot(tokens), undefined);
      }),
      { numRuns: RUNS },
    );
  });
});
