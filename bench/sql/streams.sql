-- The Nexmark streams. The harness substitutes ${bid}, ${auction}, ${person},
-- ${person_table} (names) and ${bid_topic}, ${auction_topic}, ${person_topic}; by
-- hand: DEFINE bid = 'bid'; DEFINE bid_topic = 'bid'; ... then run this file.
-- Records are keyed by their id (bids by auction id) as 8-byte big-endian BIGINTs
-- (KAFKA key format), so GROUP BY auction needs no repartition; the JSON values
-- repeat the key.
CREATE STREAM ${bid} (
    auction BIGINT KEY,
    bidder BIGINT,
    price BIGINT,
    channel VARCHAR,
    url VARCHAR,
    dateTime BIGINT,
    extra VARCHAR
) WITH (KAFKA_TOPIC = '${bid_topic}', KEY_FORMAT = 'KAFKA', VALUE_FORMAT = 'JSON');

CREATE STREAM ${auction} (
    id BIGINT KEY,
    itemName VARCHAR,
    description VARCHAR,
    initialBid BIGINT,
    reserve BIGINT,
    dateTime BIGINT,
    expires BIGINT,
    seller BIGINT,
    category BIGINT,
    extra VARCHAR
) WITH (KAFKA_TOPIC = '${auction_topic}', KEY_FORMAT = 'KAFKA', VALUE_FORMAT = 'JSON');

CREATE STREAM ${person} (
    id BIGINT KEY,
    name VARCHAR,
    emailAddress VARCHAR,
    creditCard VARCHAR,
    city VARCHAR,
    state VARCHAR,
    dateTime BIGINT,
    extra VARCHAR
) WITH (KAFKA_TOPIC = '${person_topic}', KEY_FORMAT = 'KAFKA', VALUE_FORMAT = 'JSON');

CREATE TABLE ${person_table} (
    id BIGINT PRIMARY KEY,
    name VARCHAR,
    emailAddress VARCHAR,
    creditCard VARCHAR,
    city VARCHAR,
    state VARCHAR,
    dateTime BIGINT,
    extra VARCHAR
) WITH (KAFKA_TOPIC = '${person_topic}', KEY_FORMAT = 'KAFKA', VALUE_FORMAT = 'JSON');
