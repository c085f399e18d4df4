-- Ends a move of inbox entries into the persistence queue, inside the same MULTI as the jobs' adds:
-- acknowledges and deletes the entries only if every job they were moved into exists. So a move
-- whose add failed leaves its entries pending, to be moved again, and never loses them.
--
-- KEYS[1]: the shard's inbox; KEYS[2..]: the keys of the jobs the entries were moved into
-- ARGV[1]: the consumer group; ARGV[2..]: the entry ids
-- Returns the number of entries acknowledged, or -1 when a job is missing (nothing acknowledged).

for i = 2, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 0 then
    return -1
  end
end
if #ARGV < 2 then
  return 0
end
redis.call('XACK', KEYS[1], ARGV[1], unpack(ARGV, 2))
redis.call('XDEL', KEYS[1], unpack(ARGV, 2))
return #ARGV - 1
