import { ConfigError } from './config-error.js';
import type { IdentityConfig } from './identity-types.js';
import { readConfigText } from './load-files.js';
import { parseIdentity } from './parse-identity.js';
import type { Mode } from './types.js';

export interface LoadIdentityOptions {
  file: string;
  mode: Mode;
  env: Readonly<Record<string, string | undefined>>;
}

/** Reads and validates identity.yaml; throws ConfigError with every issue (file:line:col). */
export async function loadIdentityFile(options: LoadIdentityOptions): Promise<IdentityConfig> {
  const text = await readConfigText(options.file);
  if (typeof text !== 'string') throw new ConfigError([text]);
  const parsed = parseIdentity(text, { file: options.file, mode: options.mode, env: options.env });
  if (!parsed.ok) throw new ConfigError(parsed.issues);
  return parsed.value;
}
