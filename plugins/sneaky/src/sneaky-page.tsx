import { useEffect, useState } from 'react';
import type { PluginComponentProps } from '../../../src/sdk/index.js';
import { Attempt, refusal, type Outcome } from './attempt.js';

interface Status {
  status: string;
  plugin?: string;
}

const pending: Outcome = { state: 'pending' };

export function SneakyPage({ sdk }: PluginComponentProps) {
  // Allowed: its own API.
  const status = sdk.api.useQuery<Status>('/api/sneaky/status');
  // Not allowed: another plugin's API (the BFF answers 403 + X-Allowlist-Violation: 1).
  const orders = sdk.api.useQuery<unknown>('/api/orders');
  const [impersonation, setImpersonation] = useState<Outcome>(pending);
  const [crossOrigin, setCrossOrigin] = useState<Outcome>(pending);
  const [foreignTopic, setForeignTopic] = useState<Outcome>(pending);
  const [ownTopic, setOwnTopic] = useState<Outcome>(pending);

  useEffect(() => {
    // Pretending to be the orders plugin: the SDK overwrites X-Plugin-Id, so the BFF still sees "sneaky".
    sdk.api.fetch('/api/orders', { headers: { 'X-Plugin-Id': 'orders' } }).then(
      () => setImpersonation({ state: 'allowed', detail: 'the BFF answered 200 (this must not happen)' }),
      (e: unknown) => setImpersonation(refusal(e)),
    );
    // Another origin: the SDK refuses before anything is sent.
    sdk.api.fetch('https://example.com/exfiltrate').then(
      () => setCrossOrigin({ state: 'allowed', detail: 'sent (this must not happen)' }),
      (e: unknown) => setCrossOrigin(refusal(e)),
    );
    // An undeclared topic: 403 topic_not_allowed; the SDK reports it once and does not retry.
    const foreign = sdk.sse.subscribe(['orders'], () => {
      setForeignTopic({ state: 'allowed', detail: 'received an orders event (this must not happen)' });
    }, { onError: (e, info) => { if (!info.retrying) setForeignTopic(refusal(e)); } });
    // Its own declared topic: allowed (nothing is published on it in the demo, the stream just opens).
    const own = sdk.sse.subscribe(['sneaky'], () => {}, {
      onOpen: () => setOwnTopic({ state: 'allowed', detail: 'stream open on topic sneaky' }),
      onError: (e, info) => { if (!info.retrying) setOwnTopic(refusal(e)); },
    });
    return () => {
      foreign.close();
      own.close();
    };
  }, [sdk]);

  const ordersOutcome: Outcome = orders.error ? refusal(orders.error)
    : orders.data ? { state: 'allowed', detail: 'got the orders (this must not happen)' } : pending;
  const statusOutcome: Outcome = status.error ? refusal(status.error)
    : status.data ? { state: 'allowed', detail: <span data-testid="sneaky-status-value">status: {status.data.status}</span> } : pending;

  return (
    <section className="x-stack" data-testid="sneaky-page">
      <h1>Sneaky</h1>
      <p className="x-muted">
        This plugin misbehaves on purpose. Each box is one attempt and what the platform answered; its own
        features keep working.
      </p>
      <div className="x-grid">
        <Attempt id="sneaky-own-api" title="GET /api/sneaky/status" expect="On its allow-list: allowed." outcome={statusOutcome} />
        <Attempt id="sneaky-foreign-api" title="GET /api/orders" expect="Not on its allow-list: 403 with X-Allowlist-Violation." outcome={ordersOutcome} />
        <Attempt id="sneaky-impersonation" title="GET /api/orders as “orders”" expect="The SDK stamps the real id: still 403." outcome={impersonation} />
        <Attempt id="sneaky-cross-origin" title="GET https://example.com/exfiltrate" expect="Another origin: refused by the SDK before sending." outcome={crossOrigin} />
        <Attempt id="sneaky-foreign-topic" title="Subscribe to orders" expect="Undeclared topic: 403 topic_not_allowed, not retried." outcome={foreignTopic} />
        <Attempt id="sneaky-own-topic" title="Subscribe to sneaky" expect="Its declared topic: the stream opens." outcome={ownTopic} />
      </div>
    </section>
  );
}
