-- Releases a lease if the caller still holds it (never another holder's).
-- KEYS[1]: the lease; ARGV[1]: the holder's token
-- Returns 1 when released, 0 when the lease is no longer the caller's.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
