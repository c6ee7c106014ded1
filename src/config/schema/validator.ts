import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import type { RawIssue } from '../issue.js';
import { describeAjvErrors } from './ajv-issues.js';
import { GRANTS_SCHEMA } from './grants-schema.js';
import { IDENTITY_SCHEMA } from './identity-schema.js';
import { PLUGINS_SCHEMA } from './plugins-schema.js';

// Compiled once per process. strict mode catches typos in the schemas themselves; allErrors
// reports every problem at once; verbose keeps the failing schema so messages can name the rule.
const ajv = new Ajv2020({ allErrors: true, strict: true, verbose: true });
const validators = {
  plugins: ajv.compile(PLUGINS_SCHEMA),
  grants: ajv.compile(GRANTS_SCHEMA),
  identity: ajv.compile(IDENTITY_SCHEMA),
} satisfies Record<string, ValidateFunction>;

/** Validates parsed data against one of the schemas; every violation becomes a RawIssue. */
export function validateSchema(which: keyof typeof validators, data: unknown): RawIssue[] {
  const validate = validators[which];
  if (validate(data)) return [];
  return describeAjvErrors((validate.errors ?? []) as ErrorObject[], data);
}
