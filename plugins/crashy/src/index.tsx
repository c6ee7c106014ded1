// A plugin that throws while rendering, on purpose. The shell's error boundary must isolate it:
// its page and widget show an error panel, everything else keeps working.
import type { PluginComponentProps, PluginWidgetProps } from '../../../src/sdk/index.js';

function explode(what: string): never {
  throw new Error(`crashy: ${what} failed while rendering (deliberately)`);
}

export function CrashyPage(_props: PluginComponentProps): never {
  return explode('CrashyPage');
}

export function CrashyWidget(_props: PluginWidgetProps): never {
  return explode('CrashyWidget');
}
