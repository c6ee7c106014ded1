import type { LiveState, LiveUpdate } from './use-live-orders.js';

const LABEL: Record<LiveState, string> = { connecting: 'connecting…', live: 'live', reconnecting: 'reconnecting…', refused: 'refused' };
const TONE: Record<LiveState, string> = { connecting: '', live: 'x-badge--ok', reconnecting: 'x-badge--warn', refused: 'x-badge--error' };

export function LiveFeed({ updates, state, problem }: { updates: LiveUpdate[]; state: LiveState; problem: string | null }) {
  return (
    <div className="x-stack" data-testid="orders-live">
      <div className="x-row">
        <h2>Live updates</h2>
        <span className={`x-badge ${TONE[state]}`} data-testid="orders-live-state">{LABEL[state]}</span>
      </div>
      {state === 'refused' && problem && <p className="x-alert x-alert--error">{problem}</p>}
      <ul className="x-list">
        {updates.length === 0 && <li className="x-muted">Waiting for the next orders.updated event…</li>}
        {updates.map((u) => (
          <li key={u.id} data-testid="orders-live-event">
            <span className="x-code">{u.topic}</span> order {u.orderId} is now <strong>{u.status}</strong>
          </li>
        ))}
      </ul>
    </div>
  );
}
