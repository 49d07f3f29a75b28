-- q5: count per auction and hopping window (size 10 s, advance 2 s): a bid at ts
-- belongs to the 5 windows starting at (ts / 2000 - k) * 2000, k = 0..4.
WITH k(k) AS (VALUES (0), (1), (2), (3), (4))
SELECT auction, (ts / 2000 - k) * 2000 AS ws, count(*)
FROM bid, k
WHERE (ts / 2000 - k) * 2000 >= 0
GROUP BY auction, ws
ORDER BY auction, ws;
