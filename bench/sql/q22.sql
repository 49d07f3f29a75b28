-- q22: the directories of each bid's URL, as Nexmark's q22 (SPLIT_INDEX(url, '/', 3..5);
-- ksqlDB arrays are 1-based).
CREATE STREAM ${sink} WITH (KAFKA_TOPIC = '${sink}') AS
    SELECT auction, bidder, price, channel,
           SPLIT(url, '/')[4] AS dir1,
           SPLIT(url, '/')[5] AS dir2,
           SPLIT(url, '/')[6] AS dir3
    FROM ${bid} EMIT CHANGES;
