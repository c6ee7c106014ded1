// The orders plugin: reads the orders API through api.useQuery and shows live updates from the
// `orders` SSE topic. Components receive their SDK instance as the `sdk` prop.
export { OrdersPage } from './orders-page.js';
export { OrdersWidget } from './orders-widget.js';
