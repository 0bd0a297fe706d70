-- What the gate uses and may use: INFO memory, as reserve.lua and checkout.lua read it for the soft memory limit.
-- A script, not the INFO command itself, which StackExchange.Redis allows only on connections with allowAdmin
-- (the services' have none).
return redis.call('INFO', 'memory')
