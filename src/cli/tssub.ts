import { parseConnectionConfig } from '../core/config/connection.js';
import type { RawOptions } from '../core/config/raw-options.js';
import { parseSubscribeConfig } from '../core/config/subscribe.js';
import { SUBSCRIBER_PROPERTY_COMMANDS } from '../core/config/types.js';
import { runSubscribe } from '../core/subscribe/subscribe.js';
import type { CliIO } from './io.js';
import { receiveAndPrint } from './message-output.js';
import type { RunContext } from './run.js';

export async function tssub(raw: RawOptions, io: CliIO, context: RunContext): Promise<void> {
  context.quiet = raw['quiet'] === true;
  context.debug = raw['debug'] === true;
  const connection = parseConnectionConfig(raw, process.pid, SUBSCRIBER_PROPERTY_COMMANDS);
  if (raw['explore'] === true) {
    // Loaded only here: no other run evaluates the explorer's code.
    const { exploreCommand } = await import('../explore/command.js');
    await exploreCommand(raw, connection, io);
    return;
  }
  const subscribe = parseSubscribeConfig(raw, connection.protocolVersion);
  await receiveAndPrint('tssub', raw, io, context, { connection, filters: subscribe.filters }, (hooks, signal) =>
    runSubscribe({ connection, subscribe, signal, hooks }),
  );
}
