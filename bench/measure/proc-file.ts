/** A /proc file's text, or undefined where it is missing (not Linux, no /proc mounted). */
import { readFileSync } from 'node:fs';

export function readProcFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
