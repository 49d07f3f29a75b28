-- q8: pairs of a person and an auction they sell created within 10 s of each other.
SELECT count(*)
FROM person p JOIN auction a ON a.seller = p.id AND a.ts BETWEEN p.ts - 10000 AND p.ts + 10000;
