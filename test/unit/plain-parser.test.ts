// Plain command lines of both tools are parsed without yargs (src/cli/plain-parser.ts). Checked
// here against what it stands in for: yargs (parseNormalised), on random command lines.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { normaliseArgv } from '../../src/cli/argv.js';
import { PLAIN_OPTIONS, parsePlain } from '../../src/cli/plain-parser.js';
import { toolOptions, type OptionSpec, type ToolName } from '../../src/cli/options.js';
import { parseNormalised } from '../../src/cli/program.js';
import { TsmqttError } from '../../src/core/errors.js';

const RUNS = 2000;

const spellings = (spec: OptionSpec): string[] => [...(spec.short ? [`-${spec.short}`] : []), ...(spec.long ? [`--${spec.long}`] : [])];

/** Values that mean something to a parser (numbers, booleans, flags, '='), and any string. */
const value = fc.oneof(
  fc.constantFrom('0', '1', '2', '5', '-1', '311', '1e3', '0x10', ' 7', 'true', 'false', '', '-', '--', 'a=b', '=', 'x y', '-m', '-t', '--qos=1', '#', 'a/+/b', '%t %p', '∞', 'null', 'undefined', '__proto__', 'constructor'),
  fc.string({ maxLength: 8 }),
);

for (const tool of ['tspub', 'tssub'] as const satisfies readonly ToolName[]) {
  const plainSpecs = toolOptions[tool].filter((spec) => PLAIN_OPTIONS[tool].has(spec.key));
  const plainFlags = plainSpecs.flatMap(spellings);
  const otherFlags = toolOptions[tool]
    .filter((spec) => !PLAIN_OPTIONS[tool].has(spec.key) && spec.key !== 'help' && spec.key !== 'version' && spec.key !== 'completion')
    .flatMap(spellings);

  /** Random words: flags and values in any order, most of which the normaliser rejects. */
  const words = (flags: string[]) =>
    fc.array(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...flags) }, { weight: 2, arbitrary: value }), { maxLength: 12 });
  /** Well-formed command lines: each option with a value if it takes one, in either spelling, `--long=value` too. */
  const commandLine = fc
    .array(
      fc.tuple(fc.constantFrom(...plainSpecs), fc.nat(), value, fc.boolean()).map(([spec, pick, v, inline]) => {
        const flag = spellings(spec)[pick % spellings(spec).length]!;
        if (!spec.value) return [flag];
        if (inline && flag.startsWith('--')) return [`${flag}=${v}`];
        // -P's value may be left off; the next word is then its value, or it ends the command line.
        return spec.optionalValue && pick % 3 === 0 ? [flag] : [flag, v];
      }),
      { maxLength: 14 },
    )
    .map((options) => options.flat());

  const normalised = (argv: string[]): string[] | undefined => {
    try {
      return normaliseArgv(argv, tool);
    } catch (err) {
      if (err instanceof TsmqttError) return undefined;
      throw err;
    }
  };

  describe(`parsePlain('${tool}'): what yargs makes of the same command line`, () => {
    test('the plain options are options of the tool', () => {
      assert.equal(plainSpecs.length, PLAIN_OPTIONS[tool].size);
    });

    test('same RawOptions for every well-formed command line made of the plain options', () => {
      let parsed = 0;
      fc.assert(
        fc.property(commandLine, (argv) => {
          const tokens = normalised(argv);
          if (tokens === undefined) return;
          parsed++;
          assert.deepEqual(parsePlain(tool, tokens), parseNormalised(tool, tokens));
        }),
        { numRuns: RUNS },
      );
      // Only -o given twice is refused, by withConfigFile: nearly every line must have been compared.
      assert.ok(parsed > RUNS * 0.9, `only ${parsed} of ${RUNS} command lines compared`);
    });

    test('same RawOptions for random words that normalise', () => {
      fc.assert(
        fc.property(words(plainFlags), (argv) => {
          const tokens = normalised(argv);
          if (tokens === undefined) return;
          assert.deepEqual(parsePlain(tool, tokens), parseNormalised(tool, tokens));
        }),
        { numRuns: RUNS },
      );
    });

    test('leaves every other command line to yargs', () => {
      const otherSpecs = toolOptions[tool].filter((spec) => otherFlags.includes(spellings(spec)[0]!));
      let declined = 0;
      fc.assert(
        fc.property(commandLine, fc.nat(), fc.constantFrom(...otherSpecs), value, (argv, at, spec, v) => {
          const flag = spellings(spec)[at % spellings(spec).length]!;
          const other = spec.words ? [flag, v, 'x', 'y'] : spec.value ? [flag, v] : [flag];
          const position = at % (argv.length + 1);
          const tokens = normalised([...argv.slice(0, position), ...other, ...argv.slice(position)]);
          if (tokens === undefined || !tokens.some((t) => !plainFlags.includes(t.split('=')[0]!))) return;
          declined++;
          assert.equal(parsePlain(tool, tokens), undefined);
        }),
        { numRuns: RUNS },
      );
      assert.ok(declined > RUNS / 2, `only ${declined} of ${RUNS} command lines checked`);
    });
  });
}

test('a typical tssub command line is plain', () => {
  const tokens = normaliseArgv(['-h', 'broker', '-t', 'a/#', '-t', 'b', '-T', 'a/x', '-C', '3', '-W', '5', '-v', '-R', '-N', '-F', '%t %p', '-x', '-1', '-q', '1'], 'tssub');
  const raw = parsePlain('tssub', tokens);
  assert.deepEqual(raw, parseNormalised('tssub', tokens));
  assert.deepEqual(raw?.['topic'], ['a/#', 'b']);
  assert.equal(raw?.['filter-out'], 'a/x');
  assert.equal(raw?.['count'], '3');
});

test('an option outside the set is left to yargs: tssub --pretty, tspub -t on tssub terms', () => {
  assert.equal(parsePlain('tssub', normaliseArgv(['-t', 'x', '-C', '1', '--pretty'], 'tssub')), undefined);
  assert.equal(parsePlain('tssub', normaliseArgv(['-t', 'x', '-E'], 'tssub')), undefined);
  assert.equal(parsePlain('tspub', normaliseArgv(['-t', 'x', '-m', '1', '-x', '5'], 'tspub')), undefined);
});
