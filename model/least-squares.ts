/**
 * Non-negative least squares (Lawson & Hanson, 1974): minimise ‖A·x − b‖² subject to x ≥ 0.
 * The cost model's coefficients are costs (CPU per request, bytes per delivery…): a negative
 * one would be a fit artefact, so they are constrained rather than clipped after the fact.
 *
 * Sizes here are tiny (≤ 5 columns, tens of rows), so the passive-set sub-problems are solved
 * on the normal equations. Columns are scaled to unit norm first (cores and bytes/s differ by
 * nine orders of magnitude), and a ridge of 1e-10 on the scaled normal matrix keeps exactly
 * collinear columns (short polling's requests ∝ clients in the idle cells) solvable: the split
 * between such columns is then the minimum-norm one, predictions on the measured cells are not
 * affected.
 */

const RIDGE = 1e-10;
const MAX_ITERATIONS = 200;

/** Solve the square system M·x = v by Gaussian elimination with partial pivoting. */
export function solve(m: number[][], v: number[]): number[] {
  const n = v.length;
  const a = m.map((row, i) => [...row, v[i] as number]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r]?.[col] ?? 0) > Math.abs(a[pivot]?.[col] ?? 0)) pivot = r;
    [a[col], a[pivot]] = [a[pivot] as number[], a[col] as number[]];
    const p = (a[col] as number[])[col] as number;
    if (Math.abs(p) < 1e-300) continue;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = ((a[r] as number[])[col] as number) / p;
      if (f === 0) continue;
      for (let c = col; c <= n; c++) (a[r] as number[])[c] = ((a[r] as number[])[c] as number) - f * ((a[col] as number[])[c] as number);
    }
  }
  return a.map((row, i) => {
    const p = row[i] as number;
    return Math.abs(p) < 1e-300 ? 0 : (row[n] as number) / p;
  });
}

/** Unconstrained least squares on the columns in `set` (the others held at 0), via the ridged normal equations. */
function leastSquaresOn(a: number[][], b: number[], set: number[], columns: number): number[] {
  const m = set.map((i) => set.map((j) => a.reduce((s, row) => s + (row[i] as number) * (row[j] as number), 0) + (i === j ? RIDGE : 0)));
  const v = set.map((i) => a.reduce((s, row, r) => s + (row[i] as number) * (b[r] as number), 0));
  const z = solve(m, v);
  const x = new Array<number>(columns).fill(0);
  set.forEach((i, k) => (x[i] = z[k] as number));
  return x;
}

/** x ≥ 0 minimising ‖A·x − b‖². Rows of A are observations; an all-zero column gets 0. */
export function nnls(rows: readonly (readonly number[])[], b: readonly number[]): number[] {
  const columns = rows[0]?.length ?? 0;
  if (columns === 0 || rows.length === 0) return new Array<number>(columns).fill(0);
  // Scale every column to unit norm; the solution is scaled back at the end.
  const norms = Array.from({ length: columns }, (_, j) => Math.sqrt(rows.reduce((s, row) => s + (row[j] as number) ** 2, 0)));
  const a = rows.map((row) => row.map((v, j) => ((norms[j] as number) > 0 ? v / (norms[j] as number) : 0)));
  const target = [...b];
  const passive = new Set<number>();
  let x = new Array<number>(columns).fill(0);
  const gradient = (): number[] => Array.from({ length: columns }, (_, j) => a.reduce((s, row, r) => s + (row[j] as number) * ((target[r] as number) - row.reduce((t, v, k) => t + v * (x[k] as number), 0)), 0));
  const tolerance = 1e-12 * Math.max(1, Math.sqrt(target.reduce((s, v) => s + v * v, 0)));
  for (let iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
    const w = gradient();
    let best = -1;
    for (let j = 0; j < columns; j++) if (!passive.has(j) && (norms[j] as number) > 0 && (w[j] as number) > tolerance && (best < 0 || (w[j] as number) > (w[best] as number))) best = j;
    if (best < 0) break;
    passive.add(best);
    // Inner loop: step towards the unconstrained solution on the passive set, dropping any
    // coefficient that would turn negative.
    for (let inner = 0; inner < MAX_ITERATIONS; inner++) {
      const set = [...passive].sort((p, q) => p - q);
      const z = leastSquaresOn(a, target, set, columns);
      if (set.every((j) => (z[j] as number) > 0)) {
        x = z;
        break;
      }
      let alpha = 1;
      for (const j of set) {
        const zj = z[j] as number;
        const xj = x[j] as number;
        if (zj <= 0) alpha = Math.min(alpha, xj / (xj - zj));
      }
      x = x.map((xj, j) => xj + alpha * ((z[j] as number) - xj));
      for (const j of set) {
        if ((x[j] as number) <= 1e-15) {
          x[j] = 0;
          passive.delete(j);
        }
      }
    }
  }
  return x.map((v, j) => ((norms[j] as number) > 0 ? Math.max(0, v) / (norms[j] as number) : 0));
}

/**
 * Relative-error NNLS: each row divided by max(|b|, floor), so a cell using 0.02 cores weighs as
 * much as one using 1 core (the map spans orders of magnitude; plain least squares would fit
 * the heavy cells and miss the light ones by several times). `floorFraction` of the largest |b|
 * keeps near-zero observations from dominating.
 */
export function relativeNnls(rows: readonly (readonly number[])[], b: readonly number[], floorFraction = 0.02): number[] {
  const floor = Math.max(1e-300, floorFraction * Math.max(0, ...b.map(Math.abs)));
  const weights = b.map((v) => 1 / Math.max(Math.abs(v), floor));
  return nnls(rows.map((row, i) => row.map((v) => v * (weights[i] as number))), b.map((v, i) => v * (weights[i] as number)));
}
