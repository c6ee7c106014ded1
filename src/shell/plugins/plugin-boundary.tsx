import { Component, type ErrorInfo, type ReactNode } from 'react';
import { ErrorPanel } from './error-panel.js';

export interface PluginBoundaryProps {
  pluginId: string;
  where: string;
  /** Where the error panel stands: a whole page (its heading is the page's h1) or a widget. */
  level: 'page' | 'part';
  /** When it changes (another route), a caught error is forgotten and the plugin may try again. */
  resetKey: string;
  onError: (error: unknown, info: ErrorInfo) => void;
  children: ReactNode;
}

interface State {
  error: unknown;
  failed: boolean;
}

/** Catches whatever a plugin throws while rendering, so the shell and other plugins keep working. */
export class PluginBoundary extends Component<PluginBoundaryProps, State> {
  override state: State = { error: null, failed: false };

  static getDerivedStateFromError(error: unknown): State {
    return { error, failed: true };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    this.props.onError(error, info);
  }

  override componentDidUpdate(prev: PluginBoundaryProps): void {
    if (prev.resetKey !== this.props.resetKey && this.state.failed) this.setState({ error: null, failed: false });
  }

  override render(): ReactNode {
    if (this.state.failed) return <ErrorPanel pluginId={this.props.pluginId} where={this.props.where} level={this.props.level} error={this.state.error} />;
    return this.props.children;
  }
}
