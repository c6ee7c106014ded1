/**
 * A JSON Schema of one decision-log event, written from OPA's documentation of the decision-log
 * service API ("Decision log updates contain the following fields", and "Masking Sensitive
 * Data" for `erased`/`masked`): https://www.openpolicyagent.org/docs/management-decision-logs
 * Only OPA's documented fields are allowed, so an event of ours with anything else fails it.
 * Tests only: the BFF builds events by construction and never validates them at run time.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const POINTER = { type: 'string', pattern: '^/(input|result|nd_builtin_cache)(/.*)?$' } as const;

export const OPA_DECISION_EVENT_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'OPA decision-log event',
  type: 'object',
  // OPA sets these on every event; `input`/`result` are absent when undefined (or erased whole).
  required: ['labels', 'decision_id', 'path', 'timestamp'],
  additionalProperties: false,
  properties: {
    // "Set of key-value pairs that uniquely identify the OPA instance" (OPA always sets id and version).
    labels: { type: 'object', required: ['id', 'version'], properties: { id: { type: 'string' }, version: { type: 'string' } }, additionalProperties: { type: 'string' } },
    decision_id: { type: 'string', format: 'uuid' },
    bundles: {
      type: 'object',
      additionalProperties: { type: 'object', required: ['revision'], properties: { revision: { type: 'string' } }, additionalProperties: false },
    },
    path: { type: 'string', minLength: 1 },
    query: { type: 'string' },
    input: {},
    result: {},
    requested_by: { type: 'string' },
    // "RFC3999 [sic] timestamp of policy decision".
    timestamp: { type: 'string', format: 'date-time' },
    // "Key-value pairs of performance metrics" (OPA's timer_* values are integers, in nanoseconds).
    metrics: { type: 'object', additionalProperties: { type: 'integer', minimum: 0 } },
    erased: { type: 'array', items: POINTER },
    masked: { type: 'array', items: POINTER },
    nd_builtin_cache: { type: 'object' },
  },
} as const;

let validator: ValidateFunction | undefined;

/** The schema's errors for `event` as one line each (empty: valid). */
export function opaEventErrors(event: unknown): string[] {
  if (!validator) {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    (addFormats as unknown as (ajv: Ajv2020) => void)(ajv);
    validator = ajv.compile(OPA_DECISION_EVENT_SCHEMA);
  }
  if (validator(event)) return [];
  return (validator.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}
