import type { ReactNode } from 'react';
import type { RouteRecord } from '../../loader/index.js';
import type { Session } from '../session/index.js';
import { Nav } from './nav.js';

export interface LayoutProps {
  session: Session;
  routes: readonly RouteRecord[];
  banner: ReactNode;
  onSignOut: () => void;
  children: ReactNode;
}

export function Layout({ session, routes, banner, onSignOut, children }: LayoutProps) {
  return (
    <div className="layout">
      <aside className="layout__side">
        <div className="brand">Experience</div>
        <Nav routes={routes} />
      </aside>
      <div className="layout__main">
        <header className="topbar">
          <span className="topbar__tenant x-muted">{session.tenant}</span>
          <span className="topbar__user" data-testid="user">
            {session.user} <span className="x-muted">({session.roles.join(', ') || 'no roles'})</span>
          </span>
          <button type="button" className="x-btn" onClick={onSignOut} data-testid="signout">Sign out</button>
        </header>
        {/* Inside <main> so an alert is in a landmark like everything else on the page. */}
        <main className="content">
          {banner}
          {children}
        </main>
      </div>
    </div>
  );
}
