import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The issuer config/identity.yaml names for the demo provider. */
export const DEFAULT_ISSUER = 'http://127.0.0.1:9400';

/**
 * config/identity.yaml names the demo provider at 127.0.0.1:9400; on another port the demo
 * serves a copy of the file with that issuer (an explicit IDENTITY_CONFIG is used as it is).
 */
export async function identityFor(issuer: string): Promise<string | undefined> {
  if (process.env.IDENTITY_CONFIG || issuer === DEFAULT_ISSUER) return undefined;
  const text = await readFile(path.resolve('config/identity.yaml'), 'utf8');
  const dir = await mkdtemp(path.join(tmpdir(), 'xp-demo-identity-'));
  const file = path.join(dir, 'identity.yaml');
  await writeFile(file, text.split(DEFAULT_ISSUER).join(issuer));
  return file;
}
