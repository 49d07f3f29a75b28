-- q3: local item suggestion (Nexmark q3): auctions of category 10 whose seller
-- lives in Oregon, Idaho or California, with the seller's name and city. A
-- stream-table join: the auctions are repartitioned by seller to meet the person
-- table (keyed by id).
CREATE STREAM ${sink} WITH (KAFKA_TOPIC = '${sink}') AS
    SELECT a.seller AS seller, p.name AS name, p.city AS city, p.state AS state,
           a.id AS auction
    FROM ${auction} a JOIN ${person_table} p ON a.seller = p.id
    WHERE a.category = 10 AND (p.state = 'OR' OR p.state = 'ID' OR p.state = 'CA')
    EMIT CHANGES;
