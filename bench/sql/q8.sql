-- q8-style: new users who created an auction within 10 seconds of registering
-- (Nexmark q8 "monitor new users" matches them per 10 s tumbling window; ksqlDB
-- joins streams over a time window). A windowed stream-stream join; the auctions
-- are repartitioned by seller.
CREATE STREAM ${sink} WITH (KAFKA_TOPIC = '${sink}') AS
    SELECT p.id AS id, p.name AS name, a.id AS auction, a.dateTime AS created
    FROM ${person} p JOIN ${auction} a WITHIN 10 SECONDS ON p.id = a.seller
    EMIT CHANGES;
