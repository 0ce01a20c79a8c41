/**
 * The limits a run is judged load-bound by (bench/measure/load-bound.ts applies them): a load-bound run
 * measured the load generator, not the server. They sit with the results because the report's
 * methodology section states them beside the numbers, and the report must not depend on the bench.
 */

/** The load cores busy (steal included) above this share over the window, percent. */
export const LOAD_CORES_BUSY_LIMIT_PERCENT = 85;
/** A load worker above this share of one core is the bottleneck. */
export const WORKER_CPU_LIMIT_PERCENT = 80;
/** Senders whose lag behind schedule has a p99 above this are behind. */
export const SCHEDULE_LAG_LIMIT_MS = 50;
/** Lag p50 above this share of latency p50 (and above LAG_FLOOR_MS) is part of the measurement. */
export const LAG_SHARE_LIMIT = 0.25;
export const LAG_FLOOR_MS = 0.2;
/** Event-loop delay p99 above this share of latency p99 (and above ELD_FLOOR_MS: timer jitter on an idle loop is ~1 ms). */
export const ELD_SHARE_LIMIT = 0.5;
export const ELD_FLOOR_MS = 2;

