/**
 * intern (servers/core/intern.ts): the string V8 keeps one copy of, for room names every member
 * would otherwise hold its own copy of. Identity of strings cannot be seen from JS (=== compares
 * contents), so this checks the contract members rely on: the same contents back, for every
 * valid room name, index-like ones included; the memory it saves is measured by
 * scripts/heap-per-connection.ts.
 */
import { describe, expect, it } from 'vitest';
import { intern } from '../servers/core/intern.ts';

describe('intern', () => {
  it('returns the same contents for names, index-like names and names built at run time', () => {
    for (const name of ['lobby', 'room-0', '0', '123', '4294967295', 'a'.repeat(64), '__proto__', 'constructor', 'toString']) {
      const built = [...name].join('');
      expect(intern(built)).toBe(name);
      expect(intern(built).length).toBe(name.length);
    }
  });
});
