import { createWriteStream, type WriteStream } from 'node:fs';
import type { DecisionLogEvent, DecisionSink } from '../types.js';

/**
 * Events appended to a file as JSON lines, one write per batch. Created owner-only (0600): the
 * events name users. Rotation is the operator's (copytruncate; the file is opened in append mode).
 */
export function fileSink(file: string): DecisionSink {
  let stream: WriteStream | undefined;
  let broken: Error | undefined;
  const open = () => {
    if (stream && !broken) return stream;
    broken = undefined;
    stream = createWriteStream(file, { flags: 'a', mode: 0o600 });
    stream.on('error', (error) => (broken = error));
    return stream;
  };
  return {
    kind: 'file',
    write(events: readonly DecisionLogEvent[]) {
      let text = '';
      for (const event of events) text += `${JSON.stringify(event)}\n`;
      const target = open();
      return new Promise<void>((resolve, reject) => target.write(text, (error) => (error ? reject(error) : resolve())));
    },
    close() {
      const target = stream;
      stream = undefined;
      if (!target || broken) return Promise.resolve();
      return new Promise<void>((resolve) => target.end(() => resolve()));
    },
  };
}
