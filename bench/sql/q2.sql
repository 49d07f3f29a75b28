-- q2: selection, as Nexmark's q2 (MOD(auction, 123) = 0).
CREATE STREAM ${sink} WITH (KAFKA_TOPIC = '${sink}') AS
    SELECT auction, price FROM ${bid} WHERE auction % 123 = 0 EMIT CHANGES;
