/**
 * `--path` read the way the BFF reads a request: the judged path is the request target without its
 * query (src/server/request-target.ts), and a full URL is what a client sends for it (its path and
 * query, as the SDK's `new URL` resolves it).
 */
import { targetPath } from '../../../server/request-target.js';

export interface JudgedTarget {
  /** The path the BFF judges and forwards. */
  path: string;
  /** How it was read from what was given, when that is not the path itself. */
  note?: string;
}

const HTTP_URL = /^https?:\/\//i;

export function judgedTarget(given: string): JudgedTarget {
  let target = given;
  let note = '';
  if (HTTP_URL.test(given)) {
    let url: URL;
    try {
      url = new URL(given);
    } catch {
      return { path: given, note: `"${given}" is not a URL: judged as written` };
    }
    target = url.pathname + url.search;
    note = `a client sends ${given} to ${url.host} as the request target ${target}${url.hash ? ' (the fragment is never sent)' : ''}`;
  }
  const path = targetPath(target);
  if (path !== target) note += `${note ? '; ' : ''}the query string "${target.slice(path.length)}" is not part of the judged path`;
  return note ? { path, note: `${note}: the BFF judges ${path}` } : { path };
}
