/** What every part of one plugin's SDK instance shares. Internal: plugins never see it. */
export interface SdkContext {
  readonly pluginId: string;
  /** The host page's origin, e.g. `https://experience.example.com`. */
  readonly origin: string;
  /** The platform fetch (a fake in unit tests). */
  readonly fetch: typeof fetch;
}
