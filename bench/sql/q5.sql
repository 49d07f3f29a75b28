-- q5-style: bids per auction in hopping windows of 10 s every 2 s (the inner
-- aggregation of Nexmark's q5, "hot items"). Like Nexmark's q5, one result per
-- window, when it closes (EMIT FINAL; records of a partition come in time order).
CREATE TABLE ${sink} WITH (KAFKA_TOPIC = '${sink}') AS
    SELECT auction, COUNT(*) AS num
    FROM ${bid} WINDOW HOPPING (SIZE 10 SECONDS, ADVANCE BY 2 SECONDS, RETENTION 1 MINUTE, GRACE PERIOD 0 SECONDS)
    GROUP BY auction EMIT FINAL;
