/**
 * The hall simulator (issue #10 §1): simulated business days through the real engine, for the
 * reports' proofs, the bench's history (issue #11) and the demo's first start.
 */
export { businessDays, simulate, VirtualClock, type SimulateOptions, type SimulationSummary, type StaffingPlan } from './simulate.ts';
export { CITY, COUNTY, PROFILES, profileFor, TOWNSHIP, type Profile, type ProfileName } from './profiles.ts';
export { DEMO_SEED, seedDemoHistory, type DemoHistoryOptions } from './demo-history.ts';
export { dayTypeOf, isOpenDay, type Channel, type DayType } from './plan.ts';
export type { Counts, DaySummary, SlotSummary, Totals, WaitStats } from './summary.ts';
