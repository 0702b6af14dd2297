import type { ReadStream } from 'node:tty';
import type { ConnectionConfig } from '../core/config/types.js';
import { InputError, UsageError } from '../core/errors.js';
import type { CliIO } from './io.js';
import { promptHidden } from './prompt.js';

async function readPasswordFile(path: string): Promise<string> {
  let text: string;
  try {
    // Loaded here: most runs read no password file.
    const { readFile } = await import('node:fs/promises');
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (err as Error).message;
    throw new InputError(`cannot read password file (--pw-file) '${path}': ${why}`);
  }
  // The first line, without its line ending: `echo secret > file` must work.
  const newline = text.indexOf('\n');
  const line = (newline < 0 ? text : text.slice(0, newline)).replace(/\r$/, '');
  if (line === '') throw new InputError(`password file (--pw-file) '${path}' is empty`);
  return line;
}

/**
 * Fetches a password given as --pw-env, --pw-file or a bare -P, after every option has been
 * validated (so a typo is reported before anyone is asked for a password). The value goes into
 * the config only; it is never printed.
 */
export async function supplyPassword(connection: ConnectionConfig, io: CliIO): Promise<void> {
  const from = connection.passwordFrom;
  if (!from) return;
  let password: string;
  if (from.kind === 'env') {
    const value = io.env[from.variable];
    if (value === undefined) throw new UsageError(`environment variable ${from.variable} (--pw-env) is not set`);
    password = value;
  } else if (from.kind === 'file') {
    password = await readPasswordFile(from.path);
  } else {
    const input = io.stdin as ReadStream;
    if (!input.isTTY || typeof input.setRawMode !== 'function') {
      throw new UsageError('-P without a value asks for the password on a terminal, but standard input is not one: use --pw-env VARIABLE or --pw-file FILE');
    }
    password = await promptHidden(input, io.stderr, 'Password: ');
  }
  connection.password = password;
  delete connection.passwordFrom;
}
