-- q1: currency conversion (dollars to euros), as Nexmark's q1.
CREATE STREAM ${sink} WITH (KAFKA_TOPIC = '${sink}') AS
    SELECT auction, bidder, 0.908 * price AS price, dateTime, extra FROM ${bid} EMIT CHANGES;
