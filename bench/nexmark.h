/*
 * nexmark.h - the Nexmark event generator (Person, Auction, Bid), as the Beam and
 * Flink Nexmark generators define it: events in the 1:3:46 proportions, hot
 * auctions, sellers, bidders and channels, prices 10^(6u) cents, names, cities,
 * states, URLs and the `extra` padding that brings each kind to its average size
 * (Person 200, Auction 500, Bid 100 bytes before JSON).
 *
 * Every event is a pure function of (seed, event number): the generator can be run
 * from any event number, in any thread, and the same events come back, which is
 * what lets the benchmark give eddy, the ceilings, the Python loop and sqlite3 the
 * same data. The pseudo-random stream is not Java's, so the values differ from the
 * Java generator's, but their distributions are the same.
 *
 * Event time advances 1e3/rate ms per event (rate 10000 events/s, Nexmark's
 * default first event rate) from base_ms.
 */
#ifndef EDDY_NEXMARK_H
#define EDDY_NEXMARK_H

#include <stddef.h>
#include <stdint.h>

#define NEXMARK_FIRST_PERSON_ID  1000
#define NEXMARK_FIRST_AUCTION_ID 1000
#define NEXMARK_FIRST_CATEGORY   10

typedef struct NexmarkConfig {
    uint64_t seed;   /* any value; the same seed gives the same events */
    int64_t base_ms; /* event time of event 0, ms since epoch */
    double rate;     /* event-time rate, events per second (0: 10000) */
} NexmarkConfig;

typedef enum NexmarkKind {
    NEXMARK_PERSON,
    NEXMARK_AUCTION,
    NEXMARK_BID,
} NexmarkKind;

typedef struct NexmarkPerson {
    int64_t id;
    char name[32];
    char email[32];
    char credit_card[24];
    char city[16];
    char state[4];
    int64_t date_time; /* ms since epoch */
    char extra[256];
} NexmarkPerson;

typedef struct NexmarkAuction {
    int64_t id;
    char item_name[24];
    char description[104];
    int64_t initial_bid; /* cents */
    int64_t reserve;     /* cents */
    int64_t date_time;   /* ms since epoch */
    int64_t expires;     /* ms since epoch */
    int64_t seller;      /* a person id */
    int64_t category;
    char extra[512];
} NexmarkAuction;

typedef struct NexmarkBid {
    int64_t auction;
    int64_t bidder;
    int64_t price;       /* cents */
    const char *channel; /* static (the channel table) */
    const char *url;     /* static (the channel table) */
    int64_t date_time;   /* ms since epoch */
    char extra[128];
} NexmarkBid;

/* Builds the channel table (10000 channels and their URLs) once. Call before any
 * other function when several threads generate; otherwise it runs lazily. */
void nexmark_init(void);

/* The kind of event number n (0, 1, 2, ...): 1 person, then 3 auctions, then 46 bids
 * in every 50 events. */
NexmarkKind nexmark_kind(uint64_t n);

/* Event time of event n, ms since epoch. */
int64_t nexmark_time(const NexmarkConfig *cfg, uint64_t n);

/* The event numbered n; n must be of the kind asked for. */
void nexmark_person(const NexmarkConfig *cfg, uint64_t n, NexmarkPerson *out);
void nexmark_auction(const NexmarkConfig *cfg, uint64_t n, NexmarkAuction *out);
void nexmark_bid(const NexmarkConfig *cfg, uint64_t n, NexmarkBid *out);

/* The number of the k-th bid (k = 0, 1, ...), and the number of bids among the
 * first n events. */
uint64_t nexmark_bid_number(uint64_t k);
uint64_t nexmark_bids_before(uint64_t n);

/* JSON of an event (field names as Nexmark's: auction, bidder, price, channel, url,
 * dateTime, extra; id, name, emailAddress, creditCard, city, state; id, itemName,
 * description, initialBid, reserve, expires, seller, category). Times are epoch
 * milliseconds. Writes at most cap bytes (NUL included) and returns the length,
 * or the length it would have had when it does not fit (as snprintf). */
size_t nexmark_person_json(const NexmarkPerson *p, char *buf, size_t cap);
size_t nexmark_auction_json(const NexmarkAuction *a, char *buf, size_t cap);
size_t nexmark_bid_json(const NexmarkBid *b, char *buf, size_t cap);

/* 8-byte big-endian encoding of a BIGINT key (Kafka's LongSerializer, ksqlDB's
 * KAFKA key format). */
void nexmark_key(int64_t id, char out[8]);

#endif
