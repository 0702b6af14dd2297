import type { BrokerUrl } from './broker-url.js';
import { lastGiven, lastString, type RawOptions } from './raw-options.js';
import { type PasswordSource } from './types.js';
import { UsageError } from '../errors.js';

export interface Credentials {
  username?: string;
  password?: string;
  passwordFrom?: PasswordSource;
}

/**
 * User name and password from -u, -P, --pw-env, --pw-file and -L. Each is one setting with several
 * spellings: the last one given wins, so a command line beats a config file.
 */
export function resolveCredentials(raw: RawOptions, url: BrokerUrl | undefined): Credentials {
  const credentials: Credentials = {};
  const userFrom = lastGiven(raw, url?.username !== undefined ? ['username', 'url'] : ['username']);
  if (userFrom === 'url') credentials.username = url!.username!;
  else if (userFrom === 'username') credentials.username = lastString(raw, 'username')!;

  const sources = ['pw', 'pw-env', 'pw-file', ...(url?.password !== undefined ? ['url'] : [])];
  switch (lastGiven(raw, sources)) {
    case 'url':
      credentials.password = url!.password!;
      break;
    case 'pw':
      // A bare -P (no value) asks for the password on the terminal.
      if (raw['pw'] === true) credentials.passwordFrom = { kind: 'prompt' };
      else credentials.password = lastString(raw, 'pw')!;
      break;
    case 'pw-env': {
      const variable = lastString(raw, 'pw-env')!;
      if (variable === '') throw new UsageError('environment variable name (--pw-env) must not be empty');
      credentials.passwordFrom = { kind: 'env', variable };
      break;
    }
    case 'pw-file': {
      const path = lastString(raw, 'pw-file')!;
      if (path === '') throw new UsageError('password file name (--pw-file) must not be empty');
      credentials.passwordFrom = { kind: 'file', path };
      break;
    }
    default:
      break;
  }
  return credentials;
}
