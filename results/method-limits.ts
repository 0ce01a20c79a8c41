/**
 * Limits of the bench's method that the report cites in its methodology: declared once here so
 * the writer (bench/) and the reader (reports/) share them without the reader importing the
 * harness. (The load-bound limits have their own file: results/load-bound-limits.ts.)
 */

/** Bootstrap resamples per interval (bench/measure/bootstrap.ts): 1,000 gives stable 95% bounds at the report's precision. */
export const BOOTSTRAP_ITERATIONS = 1000;

/** A capacity probe's figure is *capacity* only when the server used at least this much of one core, percent (bench/measure/capacity-bound.ts); else a lower bound. */
export const SERVER_SATURATED_PERCENT = 90;
