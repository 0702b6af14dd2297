/**
 * tssub's hand-off to the explorer: checks the options, asks for a password if needed, connects,
 * and only then loads the explorer itself (a bundle of its own). Bundled with tssub, whose core
 * it uses; imported by tssub only when --explore is given.
 */
import type { RawOptions } from '../core/config/raw-options.js';
import { parseSubscribeConfig } from '../core/config/subscribe.js';
import type { ConnectionConfig } from '../core/config/types.js';
import { colorLevel } from '../output/terminal.js';
import type { CliIO } from '../cli/io.js';
import { parseOutputConfig } from '../cli/output-config.js';
import { supplyPassword } from '../cli/secrets.js';
import { openMqttLink } from './mqtt-link.js';
import { exploreLimits, withDefaultFilter } from './options.js';

export async function exploreCommand(raw: RawOptions, connection: ConnectionConfig, io: CliIO): Promise<void> {
  const limits = exploreLimits(raw);
  const subscribe = parseSubscribeConfig(withDefaultFilter(raw), connection.protocolVersion);
  // The terminal is known to be one; NO_COLOR, FORCE_COLOR, TERM=dumb and --color decide.
  const color = colorLevel(parseOutputConfig(raw).color, true, io.env) > 0;
  await supplyPassword(connection, io);
  // A refused connection is reported like any tssub's, before the screen changes.
  const link = await openMqttLink(connection, subscribe);
  const { runExplorer } = await import('./main.js');
  await runExplorer({ link, limits, color });
}
