import { flag, lastString, type RawOptions } from '../core/config/raw-options.js';
import { UsageError } from '../core/errors.js';
import type { OutputOptions } from '../output/format.js';
import { COLOR_MODES, type ColorMode } from '../output/terminal.js';

export interface OutputConfig {
  formatter: OutputOptions;
  color: ColorMode;
}

/**
 * tssub's output options and how they combine. --json is a complete output format of its own,
 * so -F, -v and -N, which shape mosquitto_sub's formats, are refused next to it rather than
 * silently ignored.
 */
export function parseOutputConfig(raw: RawOptions): OutputConfig {
  const format = lastString(raw, 'format');
  const formatter: OutputOptions = { verbose: flag(raw, 'verbose'), noEol: flag(raw, 'no-eol') };
  if (format !== undefined) formatter.format = format;
  if (flag(raw, 'json')) {
    if (format !== undefined) throw new UsageError('--json and -F both choose the output format: give one of them');
    if (formatter.verbose) throw new UsageError('--json already prints the topic: drop -v');
    if (formatter.noEol) throw new UsageError('--json prints one object per line: drop -N');
    formatter.json = true;
  }
  if (flag(raw, 'pretty')) formatter.pretty = true;
  const colorText = lastString(raw, 'color') ?? 'auto';
  if (!(COLOR_MODES as readonly string[]).includes(colorText)) {
    throw new UsageError(`--color must be auto, always or never, not '${colorText}'`);
  }
  return { formatter, color: colorText as ColorMode };
}
