-- Stamps a batch of events with their per-execution sequence numbers, appends each to its
-- execution's recent buffer and publishes it to the Socket.IO Redis adapter channel, all in one
-- atomic step: publish order equals seq order across any number of producers.
--
-- KEYS, per event i (3 each): sequence counter, recent buffer, stamped-id window
-- ARGV[1..4]: recent buffer size, recent buffer TTL (s), sequence TTL (s), stamped-id window size
-- ARGV, per event i (5 each, from 5): event id, event JSON without its leading '{',
--   adapter message head (up to the event's last field), adapter message middle (after the event,
--   up to the JSON text at its end; see src/redis/adapter-message.ts), adapter channel
-- Returns the seq of every event. An id already in the stamped-id window gets its earlier seq
-- back and is not published again: a command re-sent after a lost reply changes nothing.

local bufferSize = tonumber(ARGV[1])
local bufferTtl = tonumber(ARGV[2])
local sequenceTtl = tonumber(ARGV[3])
local idWindow = tonumber(ARGV[4])
local seqField = cmsgpack.pack('seq')

local seqs = {}
for i = 0, (#KEYS / 3) - 1 do
  local sequenceKey, recentKey, idsKey = KEYS[i * 3 + 1], KEYS[i * 3 + 2], KEYS[i * 3 + 3]
  local a = 4 + i * 5
  local id, jsonTail, head, middle, channel = ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], ARGV[a + 4], ARGV[a + 5]

  local earlier = redis.call('ZSCORE', idsKey, id)
  if earlier then
    seqs[#seqs + 1] = tonumber(earlier)
  else
    local seq = redis.call('INCR', sequenceKey)
    redis.call('EXPIRE', sequenceKey, sequenceTtl)

    redis.call('ZADD', idsKey, seq, id)
    redis.call('ZREMRANGEBYRANK', idsKey, 0, -(idWindow + 1))
    redis.call('EXPIRE', idsKey, bufferTtl)

    local json = '{"seq":' .. seq .. ',' .. jsonTail
    redis.call('ZADD', recentKey, seq, json)
    redis.call('ZREMRANGEBYRANK', recentKey, 0, -(bufferSize + 1))
    redis.call('EXPIRE', recentKey, bufferTtl)

    redis.call('PUBLISH', channel, head .. seqField .. cmsgpack.pack(seq) .. middle .. cmsgpack.pack(json))
    seqs[#seqs + 1] = seq
  end
end
return seqs
