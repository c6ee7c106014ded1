import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './app.js';
import { HostProvider, createHost, readHostConfig } from './host/index.js';

const host = createHost(readHostConfig(document, window.location.origin), { window });
const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root');

createRoot(container, {
  // Plugin render errors are caught by PluginBoundary, which reports them; no second console.error.
  onCaughtError: () => {},
}).render(
  <StrictMode>
    <HostProvider host={host}>
      <BrowserRouter>
        <App />
      </BrowserRouter>
    </HostProvider>
  </StrictMode>,
);
