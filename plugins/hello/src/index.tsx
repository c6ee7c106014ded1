// The hello plugin. Components receive their SDK instance as the `sdk` prop; only types come
// from the host sources (`import type`), React comes from the shared /shared/*.js modules.
import type { PluginComponentProps, PluginWidgetProps } from '../../../src/sdk/index.js';

interface Greeting {
  message?: string;
}

export function Hello({ sdk }: PluginComponentProps) {
  const greeting = sdk.api.useQuery<Greeting>('/api/hello', { metric: 'hello.load' });
  return (
    <section className="x-stack" data-testid="hello-page">
      <h1>Hello from a plugin</h1>
      <p className="x-muted">
        This page is the <span className="x-code">Hello</span> component of the <span className="x-code">{sdk.pluginId}</span> plugin,
        loaded as a same-origin ES module through the BFF.
      </p>
      <div className="x-card" data-testid="hello-greeting">
        {greeting.isLoading && <span className="x-muted">Asking the API…</span>}
        {greeting.error && <span className="x-alert x-alert--error">{greeting.error.message}</span>}
        {greeting.data && <span>The API says: <strong>{greeting.data.message ?? JSON.stringify(greeting.data)}</strong></span>}
      </div>
    </section>
  );
}

export function HelloWidget({ sdk, slot }: PluginWidgetProps) {
  return (
    <div className="x-stack" data-testid="hello-widget">
      <span className="x-big">Hello!</span>
      <span className="x-muted">
        {sdk.pluginId} in <span className="x-code">{slot}</span>
      </span>
    </div>
  );
}
