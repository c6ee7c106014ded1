/**
 * The built React shell from WEB_ROOT: files as they are, and the SPA fallback to index.html
 * for any other GET outside the BFF's reserved prefixes. No session needed (the shell shows a
 * sign-in page). index.html is never cached; hashed files under assets/ are immutable.
 */
import type { Stats } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import etag from 'etag';
import { BFF_ENDPOINTS, RESERVED_PREFIXES as SPA_EXCLUDED, isBffPath } from '../../config/reserved-paths.js';
import type { AppDeps } from '../deps.js';
import { NotFoundError } from '../errors.js';
import type { BffContext, BffMiddleware } from '../state.js';

/** Never the shell: the spec's reserved prefixes and the BFF's own endpoints. */
export const RESERVED_PREFIXES: readonly string[] = [...SPA_EXCLUDED, ...BFF_ENDPOINTS];

/** The same rule as the loader's and the config's (src/config/reserved-paths.ts). */
export function isReserved(pathname: string): boolean {
  return isBffPath(pathname);
}

function decodePath(raw: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  if (decoded.split('/').some((s) => s === '..' || s === '.')) return undefined;
  return decoded;
}

/** A regular file under `root`, by name and once symlinks are resolved (a link out of WEB_ROOT is not served). */
async function fileIn(root: string, relative: string): Promise<{ file: string; stats: Stats } | undefined> {
  const file = path.join(root, relative);
  if (file !== root && !file.startsWith(root + path.sep)) return undefined;
  try {
    const [real, realRoot] = await Promise.all([realpath(file), realpath(root)]);
    if (!real.startsWith(realRoot + path.sep)) return undefined;
    const info = await stat(real);
    return info.isFile() ? { file: real, stats: info } : undefined;
  } catch {
    return undefined;
  }
}

export function webRoute(deps: AppDeps): BffMiddleware {
  const root = deps.settings.webRoot;

  async function send(ctx: BffContext, found: { file: string; stats: Stats }, cacheControl: string) {
    ctx.status = 200;
    ctx.type = path.extname(found.file) || 'application/octet-stream';
    ctx.set('Cache-Control', cacheControl);
    ctx.set('ETag', etag(found.stats));
    ctx.lastModified = found.stats.mtime;
    if (ctx.fresh) {
      ctx.status = 304;
      return;
    }
    ctx.length = found.stats.size;
    ctx.body = createReadStream(found.file);
  }

  return async function web(ctx) {
    ctx.state.log.route = 'web';
    const decoded = decodePath(ctx.path);
    if (decoded === undefined) throw new NotFoundError('not_found', 'Not found');
    if (decoded !== '/' && !decoded.endsWith('/')) {
      const found = await fileIn(root, decoded.slice(1));
      if (found && path.basename(found.file) !== 'index.html') {
        const immutable = decoded.startsWith('/assets/');
        await send(ctx, found, immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
        return;
      }
      // A missing built asset is a 404, not the shell in its place.
      if (decoded.startsWith('/assets/')) throw new NotFoundError('not_found', 'Not found');
    }
    const index = await fileIn(root, 'index.html');
    if (!index) throw new NotFoundError('not_found', 'Not found');
    await send(ctx, index, 'no-store');
  };
}
