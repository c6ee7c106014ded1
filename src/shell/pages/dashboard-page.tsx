import type { LoadResult } from '../../loader/index.js';
import { Slot } from '../plugins/index.js';
import type { Session } from '../session/index.js';

export interface DashboardPageProps {
  session: Session;
  plugins: LoadResult | undefined;
  loading: boolean;
}

export function DashboardPage({ session, plugins, loading }: DashboardPageProps) {
  return (
    <div className="page" data-testid="dashboard">
      <header className="page__header">
        <h1>Dashboard</h1>
        <p className="x-muted">Welcome, {session.user}. These widgets come from the plugins you may see.</p>
      </header>
      <Slot name="dashboard.main" widgets={plugins?.widgets} loading={loading} />
    </div>
  );
}
