/**
 * One Lua script of the Redis backend, registered with ioredis `defineCommand` under `name`
 * (sent with EVAL once per connection, EVALSHA afterwards). It runs atomically, in one round
 * trip. Keys a script builds itself (from a prefix in ARGV) always share the hash tag of a
 * declared key, so they live in its cluster slot.
 */
export interface RedisScript {
  readonly name: string;
  readonly numberOfKeys: number;
  readonly lua: string;
}
