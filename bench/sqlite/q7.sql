-- q7: highest price per auction and tumbling window of 10 s.
SELECT auction, ts / 10000 * 10000 AS ws, max(price)
FROM bid
GROUP BY auction, ws
ORDER BY auction, ws;
