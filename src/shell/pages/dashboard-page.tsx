import type { LoadResult } from '../../loader/index.js';
import { Slot } from '../plugins/index.js';
import type { Session } from '../session/index.js';

export interface DashboardPageProps {
  session: Session;
  plugins: LoadResult | undefined;
  loading: boolean;
  /** Discovery failed: the banner says why; the slot must not claim the account has no widgets. */
  failed: boolean;
}

/** What the dashboard says when it shows no widget, in plain words: loading, unavailable, or none granted. */
function emptyDashboard(loading: boolean, failed: boolean) {
  if (loading) return <p className="x-muted" role="status">Loading your widgets…</p>;
  if (failed) return <p className="x-muted">Your widgets cannot be shown right now. Try again in a few minutes.</p>;
  return (
    <div className="x-card slot__note">
      <p className="slot__note-title">Nothing to show here yet: your account has no dashboard widgets.</p>
      <p className="x-muted">Ask your administrator if you expected some.</p>
    </div>
  );
}

export function DashboardPage({ session, plugins, loading, failed }: DashboardPageProps) {
  return (
    <div className="page" data-testid="dashboard">
      <header className="page__header">
        <h1>Dashboard</h1>
        <p className="x-muted">Welcome, {session.user}.</p>
      </header>
      <Slot name="dashboard.main" widgets={plugins?.widgets} empty={emptyDashboard(loading, failed)} />
    </div>
  );
}
