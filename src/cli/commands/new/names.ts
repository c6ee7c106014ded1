import semver from 'semver';
import { matches } from '../../../config/index.js';
import { PLUGIN_ID } from '../../../config/names.js';
import { checkRoutePath, reservedPrefixOf } from '../../../config/path-template.js';

/** What a scaffold is made of, derived from the id (and the options) once. */
export interface ScaffoldNames {
  id: string;
  version: string;
  /** Shown in headings: `my-plugin` -> `My plugin`. */
  title: string;
  page: string;
  widget: string;
  route: string;
  /** The grant a user needs to see the page, and the widget. */
  pageResource: string;
  widgetResource: string;
  /** The host versions the plugin is built for: this host's minor and later, below its next major. */
  engine: string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

/** `my-plugin2` -> `MyPlugin2`: a JavaScript identifier, since an id starts with a letter. */
export function pascal(id: string): string {
  return id
    .split('-')
    .filter((part) => part !== '')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/**
 * The names of a new plugin, or why there can be none: the id must be a plugin id the config
 * accepts, and the route one the SPA may own (not under a prefix it leaves to the BFF).
 */
export function scaffoldNames(id: string, options: { version: string; route?: string; hostVersion: string }): Checked<ScaffoldNames> {
  if (!matches(PLUGIN_ID, id)) {
    return { ok: false, reason: `"${id}" is not a plugin id: lower-case letters, digits and "-", starting with a letter, at most 63 characters` };
  }
  if (semver.valid(options.version) !== options.version) return { ok: false, reason: `--version "${options.version}" is not a canonical semver version (e.g. 0.1.0)` };
  const route = options.route ?? `/${id}`;
  const checked = checkRoutePath(route);
  if (!checked.ok) return { ok: false, reason: `route "${route}": ${checked.reason}` };
  const reserved = reservedPrefixOf(route);
  if (reserved !== undefined) return { ok: false, reason: `route "${route}" is under ${reserved}, which the SPA leaves to the BFF; pass --route /another-path` };
  const host = semver.parse(options.hostVersion);
  if (host === null) return { ok: false, reason: `host version "${options.hostVersion}" is not a semver version` };
  const words = id.split('-').filter((w) => w !== '');
  const title = [words[0]?.charAt(0).toUpperCase() + (words[0]?.slice(1) ?? ''), ...words.slice(1)].join(' ');
  return {
    ok: true,
    value: {
      id,
      version: options.version,
      title,
      page: `${pascal(id)}Page`,
      widget: `${pascal(id)}Widget`,
      route,
      pageResource: `${id}.page`,
      widgetResource: `${id}.widget`,
      engine: `>=${host.major}.${host.minor}.0 <${host.major + 1}.0.0`,
    },
  };
}
