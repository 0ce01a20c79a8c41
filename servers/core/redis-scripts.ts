/**
 * The Redis backplane's Lua scripts. Each runs atomically in Redis, which is what lets every
 * instance agree on a room's order: the seq, the history and the fan-out change together.
 * Key layout: see redis-backplane.ts.
 */
import type { Redis } from 'ioredis';

/** KEYS: seq, history. ARGV: json head, json tail, historySize, channel. Returns the seq. */
const PUBLISH_LUA = `
local seq = redis.call('INCR', KEYS[1])
local json = ARGV[1] .. seq .. ARGV[2]
redis.call('RPUSH', KEYS[2], json)
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[3]), -1)
redis.call('PUBLISH', ARGV[4], json)
return seq
`;

/**
 * KEYS: seq, history. ARGV: after, limit. Returns { last, held, messages }. The list holds
 * seqs last-held+1 … last (contiguous: the publish script appends them in INCR order).
 */
const HISTORY_LUA = `
local last = tonumber(redis.call('GET', KEYS[1]) or '0')
local held = redis.call('LLEN', KEYS[2])
local after = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
if held == 0 or limit <= 0 then return {last, held, {}} end
local oldest = last - held + 1
local from = math.max(after + 1, oldest)
local to = math.min(last, from + limit - 1)
if from > to then return {last, held, {}} end
return {last, held, redis.call('LRANGE', KEYS[2], from - oldest, to - oldest)}
`;

/**
 * KEYS: seq, history. ARGV: floor. When Redis lost its data (restarted without persistence)
 * a room's seq would start again at 1 and be reused; an instance that already dispatched seq
 * N raises it back to N first. Anything published in between reused seqs: dropped.
 */
const FLOOR_LUA = `
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
local floor = tonumber(ARGV[1])
if cur >= floor then return cur end
redis.call('DEL', KEYS[2])
redis.call('SET', KEYS[1], floor)
return floor
`;

/** The commands defineScripts() adds to a connection. */
export interface PushlabCommands {
  pushlabPublish(seqKey: string, historyKey: string, head: string, tail: string, historySize: number, channel: string): Promise<number>;
  pushlabHistory(seqKey: string, historyKey: string, after: number, limit: number): Promise<[number, number, string[]]>;
  pushlabFloor(seqKey: string, historyKey: string, floor: number): Promise<number>;
}

export type CommandRedis = Redis & PushlabCommands;

/** Register the scripts on a command connection (ioredis sends EVALSHA, loading on first use). */
export function defineScripts(redis: Redis): CommandRedis {
  redis.defineCommand('pushlabPublish', { numberOfKeys: 2, lua: PUBLISH_LUA });
  redis.defineCommand('pushlabHistory', { numberOfKeys: 2, lua: HISTORY_LUA, readOnly: true });
  redis.defineCommand('pushlabFloor', { numberOfKeys: 2, lua: FLOOR_LUA });
  return redis as CommandRedis;
}
