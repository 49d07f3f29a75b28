-- q1: every bid gives one output record.
SELECT count(*) FROM bid;
