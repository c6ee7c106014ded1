/**
 * Whether a position in a stream can be resumed without loss, from what XINFO STREAM says.
 * Trimming removes the oldest entries only, and ids increase, so: an id at or after the first
 * kept entry that is not in the stream was never issued; before it, entries between it and the
 * first kept one may have been trimmed, unless no id lies between them or nothing ever was
 * trimmed (entries-added equals the length).
 */
import { compareEventIds, nextEventId } from '../ids.js';
import type { Replay } from '../types.js';
import type { StreamInfo } from './entries.js';

/**
 * A Last-Event-ID (valid, and not found by `XRANGE key <id> +`): an empty replay when nothing
 * after it can exist, else the reason for a reset.
 */
export function judgeAbsentId(afterId: string, info: StreamInfo | undefined): 'complete' | Extract<Replay, { kind: 'reset' }>['reason'] {
  // No stream: the store never had this tenant's events, or lost them.
  if (!info) return 'unknown';
  const toLast = compareEventIds(afterId, info.lastGeneratedId);
  if (toLast > 0) return 'unknown';
  // The newest event ever issued, since trimmed: nothing newer exists.
  if (toLast === 0) return 'complete';
  if (info.firstId !== undefined && compareEventIds(afterId, info.firstId) >= 0) return 'unknown';
  if (info.entriesAdded !== undefined && info.entriesAdded === info.length) return 'unknown';
  if (info.firstId !== undefined && !between(afterId, info.firstId)) return 'complete';
  return 'expired';
}

/**
 * Whether entries after `position` (the last id this process read; `0-0` before any) may have
 * been trimmed before it read them.
 */
export function lostAfter(position: string, info: StreamInfo | undefined): boolean {
  // The stream is gone (a store that lost its data): what it held after the position is unknown.
  if (!info) return position !== '0-0';
  if (info.firstId === undefined) return compareEventIds(info.lastGeneratedId, position) > 0;
  if (!between(position, info.firstId)) return false;
  return !(info.entriesAdded !== undefined && info.entriesAdded === info.length);
}

/** Whether some id lies strictly between `a` and `b`. */
function between(a: string, b: string): boolean {
  const next = nextEventId(a);
  return next !== undefined && compareEventIds(b, next) > 0;
}
