/** options/convert.ts: the one converter every command's flags, environment and config files go through. */
import { describe, expect, it } from 'vitest';
import { convertValue, toInt, toList } from '../options/convert.ts';
import type { OptionSpec } from '../options/table.ts';
import { UsageError } from '../options/usage-error.ts';

const spec = (over: Partial<OptionSpec>): OptionSpec => ({ key: 'x', flag: 'x', kind: 'string', unit: '', help: '', default: undefined, ...over });

describe('convertValue', () => {
  it('reads each kind', () => {
    expect(convertValue(spec({ kind: 'int', min: 1 }), ' 42 ')).toBe(42);
    expect(convertValue(spec({ kind: 'bool' }), true)).toBe(true);
    expect(convertValue(spec({ kind: 'bool' }), false)).toBe(false);
    expect(convertValue(spec({ kind: 'string' }), 'abc')).toBe('abc');
    expect(convertValue(spec({ kind: 'duration' }), '1m30s')).toBe(90_000);
    expect(convertValue(spec({ kind: 'duration' }), '2')).toBe(2000);
    expect(convertValue(spec({ kind: 'list' }), 'a, b,,c')).toEqual(['a', 'b', 'c']);
  });

  it('refuses a bad value with a message naming the flag', () => {
    expect(() => convertValue(spec({ kind: 'int', flag: 'rate' }), 'fast')).toThrow(/--rate must be a whole number, got "fast"/);
    expect(() => convertValue(spec({ kind: 'int', flag: 'rooms', min: 1 }), '0')).toThrow(/--rooms must be a whole number ≥ 1/);
    expect(() => convertValue(spec({ kind: 'duration', flag: 'duration' }), 'soon')).toThrow(UsageError);
    expect(() => toInt('n', '1.5')).toThrow(UsageError);
  });

  it('positive: a duration of 0 is refused only when asked', () => {
    expect(convertValue(spec({ kind: 'duration', flag: 'warmup' }), '0s')).toBe(0);
    expect(() => convertValue(spec({ kind: 'duration', flag: 'duration', positive: true }), '0s')).toThrow(/--duration must be longer than 0/);
  });

  it('bareMs: a bare number is milliseconds (path times), units still work', () => {
    expect(convertValue(spec({ kind: 'duration', bareMs: true }), '50')).toBe(50);
    expect(convertValue(spec({ kind: 'duration', bareMs: true }), '0.5s')).toBe(500);
    expect(convertValue(spec({ kind: 'duration' }), '50')).toBe(50_000);
  });

  it('choices: known items only, duplicates dropped, at least one', () => {
    const t = spec({ kind: 'list', flag: 'transports', choices: { name: 'transport', values: ['sse', 'websocket'] } });
    expect(convertValue(t, 'sse,websocket,sse')).toEqual(['sse', 'websocket']);
    expect(() => convertValue(t, 'sse,carrier-pigeon')).toThrow(/--transports: unknown transport "carrier-pigeon" \(known: sse, websocket\)/);
    expect(() => convertValue(t, ' , ')).toThrow(/--transports must name at least one transport/);
  });

  it('lowercase: list items compared case-insensitively', () => {
    expect(convertValue(spec({ kind: 'list', lowercase: true }), 'HTTP://A.example,http://b')).toEqual(['http://a.example', 'http://b']);
    expect(toList('A,B')).toEqual(['A', 'B']);
  });
});
