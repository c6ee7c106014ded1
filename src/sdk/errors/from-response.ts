import { AllowlistViolationError } from './allowlist-violation-error.js';
import { HttpError, type HttpErrorDetails } from './http-error.js';
import { RateLimitError } from './rate-limit-error.js';
import type { SdkErrorContext } from './sdk-error.js';

/**
 * Turns a non-2xx response into the matching typed error. Reads the JSON body `{code, message}`
 * when there is one; never throws itself.
 */
export async function errorFromResponse(res: Response, context: SdkErrorContext): Promise<HttpError> {
  const details: HttpErrorDetails = { ...context, status: res.status, ...(await readBody(res)) };
  const retryAfter = parseRetryAfter(res.headers.get('retry-after'));
  if (retryAfter !== undefined) details.retryAfter = retryAfter;
  if (res.status === 403 && res.headers.get('x-allowlist-violation') === '1') {
    return new AllowlistViolationError(details);
  }
  if (res.status === 429) return new RateLimitError(details);
  return new HttpError(details);
}

async function readBody(res: Response): Promise<{ serverCode?: string; serverMessage?: string }> {
  try {
    const body: unknown = JSON.parse(await res.text());
    if (typeof body !== 'object' || body === null) return {};
    const { code, message } = body as { code?: unknown; message?: unknown };
    return {
      ...(typeof code === 'string' ? { serverCode: code } : {}),
      ...(typeof message === 'string' ? { serverMessage: message } : {}),
    };
  } catch {
    return {};
  }
}

/** `Retry-After` is either delta-seconds or an HTTP date; answer in whole seconds from now. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}
