-- q2: bids of auctions whose id is a multiple of 123.
SELECT count(*) FROM bid WHERE auction % 123 = 0;
