export interface ErrorPanelProps {
  pluginId: string;
  /** What failed: a route, a widget. */
  where: string;
  error: unknown;
}

/** What the user sees in place of a plugin that failed; the rest of the page keeps working. */
export function ErrorPanel({ pluginId, where, error }: ErrorPanelProps) {
  const e = error instanceof Error ? error : new Error(String(error));
  const code = (e as { code?: unknown }).code;
  return (
    <section className="plugin-error" role="alert" data-testid="plugin-error" data-plugin={pluginId}>
      <h3 className="plugin-error__title">The plugin “{pluginId}” could not show its {where}</h3>
      <p className="plugin-error__text">
        It has been isolated; the rest of Experience keeps working. The problem was reported.
      </p>
      <details className="plugin-error__details">
        <summary>Details{typeof code === 'string' ? ` (${code})` : ''}</summary>
        <pre>{e.message}</pre>
      </details>
    </section>
  );
}
