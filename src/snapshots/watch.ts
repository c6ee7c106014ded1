import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { ReloadLogger } from './logger.js';

/**
 * Calls `onChange` with the sorted, `+`-joined names of the files that changed, once they have
 * been quiet for `debounceMs`. Watches the folders, not the files: editors and `mv` replace
 * files, which ends a file watch. Returns a function that stops watching.
 */
export function watchFiles(files: Readonly<Record<string, string>>, debounceMs: number, onChange: (names: string) => void, log: ReloadLogger): () => void {
  const byPath = new Map(Object.entries(files).map(([name, file]) => [resolve(file), name]));
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const schedule = (name: string): void => {
    pending.add(name);
    clearTimeout(timer);
    timer = setTimeout(() => {
      const names = [...pending].sort().join('+');
      pending.clear();
      onChange(names);
    }, debounceMs);
  };
  const watchers: FSWatcher[] = [];
  for (const dir of new Set([...byPath.keys()].map((f) => dirname(f)))) {
    const watcher = watch(dir, (_event, name) => {
      if (!name) return;
      const changed = byPath.get(resolve(dir, basename(name.toString())));
      if (changed) schedule(changed);
    });
    watcher.on('error', (err) => log.warn({ err, dir }, 'file watch error'));
    watchers.push(watcher);
  }
  return () => {
    clearTimeout(timer);
    for (const w of watchers) w.close();
  };
}
