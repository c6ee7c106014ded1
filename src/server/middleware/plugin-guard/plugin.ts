/**
 * `ctx.state.plugin`: the plugin a guard's decision recognised, set only when the policy allowed
 * the request (the plugin guard from the api decision's `plugin_id`, the topic guard when every
 * topic is allowed). What the identity header, the rate-limit key and the stream registry use;
 * never the log's fields, which only record what happened.
 */
import type { BffContext } from '../../state.js';

declare const recognised: unique symbol;

/** A plugin id the policy allowed for this request's tenant. Only a guard that asked the policy makes one. */
export type RecognisedPluginId = string & { readonly [recognised]: true };

declare module '../../state.js' {
  interface BffState {
    /** The plugin the policy allowed this request for (plugin guard, topic guard); absent before, and on any denial. */
    plugin?: RecognisedPluginId;
  }
}

/** The id an allowing decision was about, as a RecognisedPluginId (for guards only). */
export function recognisedPlugin(allowedId: string): RecognisedPluginId {
  return allowedId as RecognisedPluginId;
}

export function pluginOf(ctx: BffContext): RecognisedPluginId {
  const plugin = ctx.state.plugin;
  if (plugin === undefined) throw new Error('no guard step allowed a plugin for this request');
  return plugin;
}
