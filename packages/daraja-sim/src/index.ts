/**
 * `@duka/daraja-sim`: a Daraja sandbox stand-in for development and tests.
 * @packageDocumentation
 */
export { buildSim, type SimOptions, type PushRecord } from './app.js';
export { readSettings, type SimSettings } from './settings.js';
export { OUTCOME_RESULTS, SIM_OUTCOMES, outcomeForPhone, type SimOutcome } from './outcomes.js';
