/**
 * `--slo-rates` / `--slo-clients`: a search's ladder as a flag, e.g. `50,100,200` — whole
 * numbers ≥ 1, strictly ascending (the search walks it upwards until a step fails).
 */
import { toInt, toList } from '../../options/convert.ts';
import { UsageError } from '../../options/usage-error.ts';

export function parseLadder(flag: string, raw: string): number[] {
  const values = toList(raw).map((item) => toInt(flag, item, 1));
  if (values.length === 0) throw new UsageError(`--${flag} needs at least one value, e.g. 50,100,200`);
  for (let i = 1; i < values.length; i++) {
    if ((values[i] as number) <= (values[i - 1] as number)) throw new UsageError(`--${flag} must ascend (the search walks it upwards), got "${raw}"`);
  }
  return values;
}
