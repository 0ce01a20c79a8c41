/**
 * One copy of a string however many clients name it: a room's name arrives afresh with every
 * client's URL or body, and each member kept its own copy (~24 B per client per room). V8
 * keeps one canonical copy of every string used as a property name (its string table, weak:
 * unused names are still collected); this returns that copy. Costs one small object per call,
 * so it is for joins, never for a per-message path.
 */
export function intern(value: string): string {
  // A computed key is converted to a property name, which V8 internalizes; keys() returns it.
  const holder: Record<string, 0> = { [value]: 0 };
  for (const key in holder) return key;
  return value;
}
