CREATE STREAM input (id INT KEY, name STRING, m MAP<STRING, ARRAY<DECIMAL(4, 2)>>, s STRUCT<a INT, `b` BYTES> HEADERS) WITH (kafka_topic='t', value_format='JSON', partitions=-1);
