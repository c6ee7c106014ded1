import type { ReactNode } from 'react';

export type Outcome =
  | { state: 'pending' }
  | { state: 'allowed'; detail: ReactNode }
  | { state: 'refused'; status?: number; code?: string; detail: string };

/** One line of the page: what the plugin tried, and what the platform answered. */
export function Attempt({ id, title, expect, outcome }: { id: string; title: string; expect: string; outcome: Outcome }) {
  const badge =
    outcome.state === 'pending' ? <span className="x-badge">trying…</span>
      : outcome.state === 'allowed' ? <span className="x-badge x-badge--ok">allowed</span>
        : <span className="x-badge x-badge--error">refused{outcome.status ? ` ${outcome.status}` : ''}</span>;
  return (
    <div className="x-card x-stack" data-testid={id} data-state={outcome.state} data-status={outcome.state === 'refused' ? outcome.status ?? '' : ''}>
      <div className="x-row">
        <strong>{title}</strong>
        {badge}
        {outcome.state === 'refused' && outcome.code && <span className="x-code">{outcome.code}</span>}
      </div>
      <span className="x-muted">{expect}</span>
      {outcome.state === 'refused' && <p className="x-alert x-alert--error">{outcome.detail}</p>}
      {outcome.state === 'allowed' && <div className="x-alert x-alert--ok">{outcome.detail}</div>}
    </div>
  );
}

/** SDK errors are matched by their fields, not their classes: the classes live in the host bundle. */
export function refusal(error: unknown): Outcome {
  const e = error as { status?: unknown; code?: unknown; message?: unknown };
  return {
    state: 'refused',
    ...(typeof e.status === 'number' ? { status: e.status } : {}),
    ...(typeof e.code === 'string' ? { code: e.code } : {}),
    detail: typeof e.message === 'string' ? e.message : String(error),
  };
}
