-- q5-style: bids per auction in hopping windows of 10 s every 2 s (the inner
-- aggregation of Nexmark's q5, "hot items"). Every update is emitted.
CREATE TABLE ${sink} WITH (KAFKA_TOPIC = '${sink}') AS
    SELECT auction, COUNT(*) AS num
    FROM ${bid} WINDOW HOPPING (SIZE 10 SECONDS, ADVANCE BY 2 SECONDS)
    GROUP BY auction EMIT CHANGES;
