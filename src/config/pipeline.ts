import type { RawIssue, ParseResult } from './issue.js';
import { sortIssues } from './issue.js';
import { validateSchema } from './schema/validator.js';
import { readYaml } from './yaml-source.js';

/**
 * YAML -> data -> schema + semantic checks -> model. YAML problems stop the pipeline (the data
 * would be a guess); schema and semantic issues are collected together so one run shows all.
 */
export function runPipeline<T>(
  text: string,
  file: string,
  schema: 'plugins' | 'grants' | 'identity',
  semantic: (data: unknown) => RawIssue[],
  build: (data: unknown) => T,
): ParseResult<T> {
  const read = readYaml(text, file);
  if (!read.ok) return { ok: false, issues: sortIssues(read.issues) };
  const { source } = read;
  const raw = [...validateSchema(schema, source.data), ...semantic(source.data)];
  if (raw.length > 0) return { ok: false, issues: sortIssues(source.toIssues(raw)) };
  return { ok: true, value: build(source.data) };
}
