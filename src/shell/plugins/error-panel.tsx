export interface ErrorPanelProps {
  pluginId: string;
  /** What failed: a route, a widget. */
  where: string;
  /**
   * `page`: the panel is all a plugin page shows, so its title is the page's h1; `part`: it sits
   * in a widget under the widget's h2, so its title is an h3. Either way no heading level is skipped.
   */
  level: 'page' | 'part';
  error: unknown;
}

/** What the user sees in place of a plugin that failed; the rest of the page keeps working. */
export function ErrorPanel({ pluginId, where, level, error }: ErrorPanelProps) {
  const e = error instanceof Error ? error : new Error(String(error));
  const code = (e as { code?: unknown }).code;
  const Title = level === 'page' ? 'h1' : 'h3';
  return (
    <section className="plugin-error" role="alert" data-testid="plugin-error" data-plugin={pluginId}>
      <Title className="plugin-error__title">The plugin “{pluginId}” could not show its {where}</Title>
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
