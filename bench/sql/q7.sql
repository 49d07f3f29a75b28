-- q7-style: the highest bid per auction in tumbling windows of 10 s (Nexmark's q7
-- takes the highest bid of each window overall; ksqlDB aggregates need a key). One
-- result per window, when it closes (EMIT FINAL).
CREATE TABLE ${sink} WITH (KAFKA_TOPIC = '${sink}') AS
    SELECT auction, MAX(price) AS maxprice
    FROM ${bid} WINDOW TUMBLING (SIZE 10 SECONDS, RETENTION 1 MINUTE, GRACE PERIOD 0 SECONDS)
    GROUP BY auction EMIT FINAL;
