/**
 * The reason catalogues: what each reason a decision can give means to its caller, declared by
 * the policy in the METADATA of one entrypoint per decision (`experience/<area>/catalogue`) and
 * read once per loaded module. A catalogue that is missing or malformed fails the load, so the
 * server never meets a reason it cannot answer; a decision whose reason is not in the catalogue
 * is not a usable result (see WasmEngine). docs/contracts.md, "Reason catalogues".
 */
import { EngineLoadError } from './errors.js';
import { isEngineFailure } from './failures.js';

/** How one reason is answered. */
export interface ReasonClass {
  readonly reason: string;
  /** True for the reasons that allow (the decision's `allow` must agree). */
  readonly allow: boolean;
  /** A refusal's HTTP status (4xx) and the message of its `{code, message}` body; absent for allows and for answers. */
  readonly httpStatus?: number;
  readonly message?: string;
  /** `allowlist`: a 403 with `X-Allowlist-Violation: 1` (what the SDK's AllowlistViolationError keys on). */
  readonly violation?: 'allowlist';
  /** The rule applies only to a plugin installed for the tenant: its id may be a log field and a metric label. */
  readonly pluginRecognised: boolean;
}

export type Catalogue = ReadonlyMap<string, ReasonClass>;

/** One catalogue per decision that gives reasons (contributions gives none). */
export interface ReasonCatalogues {
  readonly api: Catalogue;
  readonly sse: Catalogue;
  readonly authz: Catalogue;
}

/**
 * The catalogue entrypoints, and whether the decision's denials are refusals (each needs an
 * HTTP status and a message) or answers returned with 200 (authz: none may have a status).
 */
export const CATALOGUES = {
  api: { entrypoint: 'experience/api/catalogue', refusals: true },
  sse: { entrypoint: 'experience/sse/catalogue', refusals: true },
  authz: { entrypoint: 'experience/authz/catalogue', refusals: false },
} as const;

export type CatalogueName = keyof typeof CATALOGUES;

const REASON = /^[a-z][a-z0-9_]{0,63}$/;
const FIELDS = new Set(['allow', 'http_status', 'message', 'violation', 'plugin_recognised']);
// A client reads it: one short line of printable text, no markup a page could mistake for its own.
const MESSAGE = /^[^\u0000-\u001f\u007f<>]{1,200}$/u;

function invalid(name: CatalogueName, message: string): EngineLoadError {
  return new EngineLoadError('policy_catalogue_invalid', `${CATALOGUES[name].entrypoint}: ${message}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function entryOf(name: CatalogueName, reason: string, value: unknown): ReasonClass {
  const where = `reason "${reason}"`;
  if (!isObject(value)) throw invalid(name, `${where} is not an object`);
  const unknown = Object.keys(value).filter((key) => !FIELDS.has(key));
  if (unknown.length > 0) throw invalid(name, `${where} has unknown field(s) ${unknown.join(', ')} (known: ${[...FIELDS].join(', ')})`);
  const { allow = false, http_status: status, message, violation, plugin_recognised: recognised = false } = value;
  if (typeof allow !== 'boolean') throw invalid(name, `${where}: allow must be true or false`);
  if (typeof recognised !== 'boolean') throw invalid(name, `${where}: plugin_recognised must be true or false`);
  if (violation !== undefined && violation !== 'allowlist') throw invalid(name, `${where}: violation must be "allowlist"`);
  const refusal = !allow && CATALOGUES[name].refusals;
  if (refusal) {
    if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 499) {
      throw invalid(name, `${where}: a refusal needs http_status, a client error (400-499)`);
    }
    if (typeof message !== 'string' || !MESSAGE.test(message)) {
      throw invalid(name, `${where}: a refusal needs a message of 1 to 200 characters, no control characters or < >`);
    }
    // The spec's answer to an allow-list violation, and what the SDK's AllowlistViolationError keys on with the header.
    if (violation === 'allowlist' && status !== 403) throw invalid(name, `${where}: an allow-list violation is answered 403 (http_status: 403)`);
  } else if (status !== undefined || message !== undefined || violation !== undefined) {
    throw invalid(name, `${where}: only a refusal has http_status, message or violation (this reason ${allow ? 'allows' : 'is answered with 200'})`);
  }
  return {
    reason,
    allow,
    pluginRecognised: recognised,
    ...(refusal ? { httpStatus: status as number, message: message as string } : {}),
    ...(violation === 'allowlist' ? { violation } : {}),
  };
}

/**
 * Validates what one catalogue entrypoint returned: an object from reason to class, with at
 * least one reason that allows and one that does not. Throws EngineLoadError
 * `policy_catalogue_invalid`, naming the entrypoint and the reason.
 */
export function parseCatalogue(name: CatalogueName, value: unknown): Catalogue {
  if (!isObject(value)) throw invalid(name, 'expected an object from reason to its class (custom.reasons of its METADATA)');
  const catalogue = new Map<string, ReasonClass>();
  for (const [reason, entry] of Object.entries(value)) {
    if (!REASON.test(reason)) throw invalid(name, `reason "${reason.slice(0, 80)}" is not snake_case ([a-z][a-z0-9_]*, at most 64 characters)`);
    if (isEngineFailure(reason)) throw invalid(name, `reason "${reason}" is the engine's own (a decision that could not be made)`);
    catalogue.set(reason, Object.freeze(entryOf(name, reason, entry)));
  }
  const classes = [...catalogue.values()];
  if (!classes.some((c) => c.allow)) throw invalid(name, 'no reason allows (set allow: true on the reasons that do)');
  if (!classes.some((c) => !c.allow)) throw invalid(name, 'no reason denies');
  return catalogue;
}
