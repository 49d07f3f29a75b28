-- q3: auctions of category 10 joined with their seller when the seller lives in
-- OR, ID or CA (every person is known: eddy reads the person table before the
-- auctions come back from their repartition topic).
SELECT count(*)
FROM auction a JOIN person p ON a.seller = p.id
WHERE a.category = 10 AND p.state IN ('OR', 'ID', 'CA');
