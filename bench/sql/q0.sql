-- q0: pass-through. Every bid is decoded and written again.
CREATE STREAM ${sink} WITH (KAFKA_TOPIC = '${sink}') AS
    SELECT * FROM ${bid} EMIT CHANGES;
