-- q22: every bid gives one output record.
SELECT count(*) FROM bid;
