"""The Lua scripts that make shared admission and circuit state atomic (each runs as one server-side step).

Amounts are integers: cost in nano-USD (reservations rounded up, limits down), so no float ever decides a
refusal. Arithmetic on stored values uses the strings passed in (``HINCRBY key field "-123"``) rather than Lua
numbers, which would print large values in exponent notation.
"""

from __future__ import annotations

__all__ = ("ADMIT", "CIRCUIT_CLOSE", "CIRCUIT_FAIL", "CIRCUIT_OPEN", "CIRCUIT_REFRESH", "CIRCUIT_SUCCESS", "SETTLE")

# A reservation member is "<id>|<requests>|<cost nano-USD>|<prompt tokens>|<completion tokens>|<agent or empty>";
# its score is its expiry (server time, ms).
_SWEEP = """
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function decr(field, amount)  -- amount is a decimal string; Redis rejects "-0"
  if amount ~= '0' then redis.call('HINCRBY', KEYS[1], field, '-' .. amount) end
end
local function give_back(member)
  local _, _, req, cost, ptok, ctok, agent = string.find(member, '^[^|]*|(%d+)|(%d+)|(%d+)|(%d+)|(.*)$')
  if req == nil then return end
  local amounts = {inflight_requests = req, inflight_cost = cost, inflight_prompt = ptok, inflight_completion = ctok}
  for field, amount in pairs(amounts) do
    decr(field, amount)
    if agent ~= '' then decr('a:' .. agent .. ':' .. field, amount) end
  end
end
local now = now_ms()
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, 256)
for _, member in ipairs(expired) do
  if redis.call('ZREM', KEYS[2], member) == 1 then give_back(member) end
end
"""

ADMIT = (
    _SWEEP
    + """
-- KEYS[1] totals hash, KEYS[2] reservations zset
-- ARGV: member, ttl_ms, scope_ttl_ms, cost, agent, prompt tokens, completion tokens, n,
--       then n x (prefix, field, limit); the worst case of the call is (1 request, cost, prompt, completion)
local cost, ptok, ctok = tonumber(ARGV[4]), tonumber(ARGV[6]), tonumber(ARGV[7])
local n = tonumber(ARGV[8])
local function get(f) return tonumber(redis.call('HGET', KEYS[1], f) or '0') end
for i = 0, n - 1 do
  local prefix, field, limit = ARGV[9 + 3 * i], ARGV[10 + 3 * i], tonumber(ARGV[11 + 3 * i])
  local used = get(prefix .. field)
  local projected
  if field == 'requests' then
    projected = used + get(prefix .. 'inflight_requests') + 1
  elseif field == 'cost' then
    projected = used + get(prefix .. 'inflight_cost') + cost
  elseif field == 'prompt_tokens' then
    projected = used + get(prefix .. 'inflight_prompt') + ptok
  elseif field == 'completion_tokens' then
    projected = used + get(prefix .. 'inflight_completion') + ctok
  elseif field == 'total_tokens' then
    projected = used + get(prefix .. 'inflight_prompt') + get(prefix .. 'inflight_completion') + ptok + ctok
  elseif used >= limit then
    return {0, prefix, field, used}
  end
  if projected and projected > limit then return {0, prefix, field, projected} end
end
local function incr(field, amount)
  if amount ~= '0' then
    redis.call('HINCRBY', KEYS[1], field, amount)
    if ARGV[5] ~= '' then redis.call('HINCRBY', KEYS[1], 'a:' .. ARGV[5] .. ':' .. field, amount) end
  end
end
incr('inflight_requests', '1')
incr('inflight_cost', ARGV[4])
incr('inflight_prompt', ARGV[6])
incr('inflight_completion', ARGV[7])
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), ARGV[1])
local scope_ttl = tonumber(ARGV[3])
if scope_ttl > 0 then
  redis.call('PEXPIRE', KEYS[1], scope_ttl)
  redis.call('PEXPIRE', KEYS[2], scope_ttl)
end
return {1}
"""
)

SETTLE = (
    _SWEEP
    + """
-- KEYS[1] totals hash, KEYS[2] reservations zset
-- ARGV: member ('' when the call held no shared reservation), scope_ttl_ms, then (field, delta) pairs
if ARGV[1] ~= '' and redis.call('ZREM', KEYS[2], ARGV[1]) == 1 then give_back(ARGV[1]) end
for i = 3, #ARGV, 2 do redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1]) end
local scope_ttl = tonumber(ARGV[2])
if scope_ttl > 0 then
  redis.call('PEXPIRE', KEYS[1], scope_ttl)
  redis.call('PEXPIRE', KEYS[2], scope_ttl)
end
return 1
"""
)

# Circuit state: one hash per member ("open_until" in server ms, "opened_by", "failures": consecutive failures
# counted by the fleet while closed), one probe lease key per member.
CIRCUIT_REFRESH = """
-- KEYS: member hash 1, probe key 1, member hash 2, probe key 2, ...
-- ARGV: holder id, lease_ms
-- Returns, per member: {state, remaining_ms, lease_mine, failures}; state 0 closed, 1 open, 2 half-open.
-- Along the chain, the first member that is not open is where a call would go: if it is half-open this caller
-- tries to take its probe lease (SET NX PX): exactly one probe across the fleet.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local out = {}
local deciding = true
for i = 1, #KEYS, 2 do
  local fields = redis.call('HMGET', KEYS[i], 'open_until', 'failures')
  local until_ms = tonumber(fields[1] or '0')
  if until_ms == 0 then
    table.insert(out, {0, 0, 0, tonumber(fields[2] or '0')})
    deciding = false
  elseif now < until_ms then
    table.insert(out, {1, until_ms - now, 0, 0})
  else
    local holder = redis.call('GET', KEYS[i + 1])
    if holder == ARGV[1] then
      table.insert(out, {2, 0, 1, 0})
      deciding = false
    elseif holder then
      table.insert(out, {1, redis.call('PTTL', KEYS[i + 1]), 0, 0})
    elseif deciding and redis.call('SET', KEYS[i + 1], ARGV[1], 'NX', 'PX', ARGV[2]) then
      table.insert(out, {2, 0, 1, 0})
      deciding = false
    else
      table.insert(out, {2, 0, 0, 0})
    end
  end
end
return out
"""

CIRCUIT_OPEN = """
-- KEYS[1] member hash, KEYS[2] probe key; ARGV: cooldown_ms, holder id
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local until_ms = now + tonumber(ARGV[1])
local current = tonumber(redis.call('HGET', KEYS[1], 'open_until') or '0')
if until_ms > current then
  redis.call('HSET', KEYS[1], 'open_until', until_ms, 'opened_by', ARGV[2])
end
if redis.call('GET', KEYS[2]) == ARGV[2] then redis.call('DEL', KEYS[2]) end
return until_ms - now
"""

CIRCUIT_FAIL = """
-- KEYS[1] member hash; ARGV: failure_threshold, cooldown_ms, holder id
-- Count one failure of a member that is not open; at the threshold, open it for the whole fleet.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if tonumber(redis.call('HGET', KEYS[1], 'open_until') or '0') ~= 0 then return 0 end
local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
if failures < tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'open_until', now + tonumber(ARGV[2]), 'opened_by', ARGV[3])
redis.call('HDEL', KEYS[1], 'failures')
return 1
"""

CIRCUIT_SUCCESS = """
-- KEYS[1] member hash: a call succeeded, so the fleet's count of consecutive failures starts again.
redis.call('HDEL', KEYS[1], 'failures')
return 0
"""

CIRCUIT_CLOSE = """
-- KEYS[1] member hash, KEYS[2] probe key; ARGV: holder id, only_lease ('1': just give the probe lease back)
if ARGV[2] == '1' then
  if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
  return 0
end
redis.call('DEL', KEYS[1], KEYS[2])
return 1
"""
