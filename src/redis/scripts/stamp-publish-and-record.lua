-- The emit step of one shard, atomic: stamps a batch of events with their per-execution sequence
-- numbers, appends each to its execution's recent buffer, publishes it to the Socket.IO Redis
-- adapter channel, and records the stamped batch in the shard's inbox, from which the workers'
-- pumps move it into the persistence queue. No crash of any process can leave an event published
-- but not recorded for persistence, nor recorded but not stamped; publish order equals seq order
-- across any number of producers.
--
-- KEYS[1]: the shard's inbox (a stream)
-- KEYS, per event i (3 each, from 2): sequence counter, recent buffer, stamped-id window
-- ARGV[1..5]: recent buffer size, recent buffer TTL (s), sequence TTL (s), stamped-id window size,
--   the inbox entry's field name
-- ARGV, per event i (5 each, from 6): event id, event JSON without its leading '{',
--   adapter message head (up to the event's last field), adapter message middle (after the event,
--   up to the JSON text at its end; see src/redis/adapter-message.ts), adapter channel
-- Returns the seq of every event. An id already in the stamped-id window gets its earlier seq
-- back and is neither published nor recorded again: a batch re-sent after a lost reply changes
-- nothing.

local bufferSize = tonumber(ARGV[1])
local bufferTtl = tonumber(ARGV[2])
local sequenceTtl = tonumber(ARGV[3])
local idWindow = tonumber(ARGV[4])
local eventsField = ARGV[5]
local seqField = cmsgpack.pack('seq')

local seqs = {}
local recorded = {}
-- Expiry and trimming once per execution of the batch, after its last event.
local touched = {}
local touchedOrder = {}
for i = 0, ((#KEYS - 1) / 3) - 1 do
  local sequenceKey, recentKey, idsKey = KEYS[2 + i * 3], KEYS[3 + i * 3], KEYS[4 + i * 3]
  local a = 5 + i * 5
  local id, jsonTail, head, middle, channel = ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], ARGV[a + 4], ARGV[a + 5]

  local earlier = redis.call('ZSCORE', idsKey, id)
  if earlier then
    seqs[#seqs + 1] = tonumber(earlier)
  else
    local seq = redis.call('INCR', sequenceKey)
    redis.call('ZADD', idsKey, seq, id)
    local json = '{"seq":' .. seq .. ',' .. jsonTail
    redis.call('ZADD', recentKey, seq, json)
    redis.call('PUBLISH', channel, head .. seqField .. cmsgpack.pack(seq) .. middle .. cmsgpack.pack(json))
    seqs[#seqs + 1] = seq
    recorded[#recorded + 1] = json
    if not touched[sequenceKey] then
      touched[sequenceKey] = { recentKey, idsKey }
      touchedOrder[#touchedOrder + 1] = sequenceKey
    end
  end
end
for _, sequenceKey in ipairs(touchedOrder) do
  local recentKey, idsKey = touched[sequenceKey][1], touched[sequenceKey][2]
  redis.call('EXPIRE', sequenceKey, sequenceTtl)
  redis.call('ZREMRANGEBYRANK', idsKey, 0, -(idWindow + 1))
  redis.call('EXPIRE', idsKey, bufferTtl)
  redis.call('ZREMRANGEBYRANK', recentKey, 0, -(bufferSize + 1))
  redis.call('EXPIRE', recentKey, bufferTtl)
end
if #recorded > 0 then
  redis.call('XADD', KEYS[1], '*', eventsField, table.concat(recorded, '\n'))
end
return seqs
