/**
 * The policy module a command asks (`--policy`, env POLICY_WASM, default build/policy.wasm): for
 * decisions, explanations and the relations `diff`, `harness` and `validate` need. The CLI restates
 * none of the policy's rules; it asks this module.
 */
import { readFile } from 'node:fs/promises';
import { createPolicyTools, EngineLoadError, type PolicyTools } from '../../engine/index.js';
import type { Values } from './args.js';
import { CliError } from './cli-error.js';
import type { Io } from './io.js';
import * as settings from './settings.js';

export interface PolicyModule {
  wasm: Uint8Array;
  /** As the user named it (for messages). */
  file: string;
}

/** Reads the policy module; a missing one says how to build it. */
export async function readPolicy(io: Io, values: Values): Promise<PolicyModule> {
  const ref = settings.policyFile(io, values);
  try {
    return { wasm: await readFile(ref.abs), file: ref.shown };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new CliError(`cannot read the policy ${ref.shown} (${code}): build it with \`make policy\`, or pass --policy <file>`);
  }
}

/** The policy's explanation and relation entrypoints over `dataJson` (none needed for the relations). */
export async function loadTools(module: PolicyModule, dataJson?: string): Promise<PolicyTools> {
  try {
    return await createPolicyTools({ wasm: module.wasm, ...(dataJson === undefined ? {} : { dataJson }) });
  } catch (error) {
    if (error instanceof EngineLoadError) throw new CliError(`cannot load the policy ${module.file} (${error.code}): ${error.message}`, { cause: error });
    throw error;
  }
}

/** Reads the policy module and loads its tools (for the relations: no data). */
export async function policyTools(io: Io, values: Values): Promise<PolicyTools> {
  return loadTools(await readPolicy(io, values));
}
