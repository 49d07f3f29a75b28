-- The Nexmark bid stream. The harness substitutes ${bid} (stream name) and
-- ${bid_topic}; by hand: DEFINE bid = 'bid'; DEFINE bid_topic = 'bid'; then run this.
-- Bids are keyed by auction id (8-byte big-endian, KAFKA key format), so GROUP BY
-- auction needs no repartition; the JSON value repeats the auction id.
CREATE STREAM ${bid} (
    auction BIGINT KEY,
    bidder BIGINT,
    price BIGINT,
    channel VARCHAR,
    url VARCHAR,
    dateTime BIGINT,
    extra VARCHAR
) WITH (KAFKA_TOPIC = '${bid_topic}', KEY_FORMAT = 'KAFKA', VALUE_FORMAT = 'JSON');
