/** Guard steps and their one runner: see step.ts. */
export { checkOrder, guarded, type GuardStep, type StateField } from './step.js';
