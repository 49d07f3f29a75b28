/*
 * nexmark.c - the Nexmark generator: the event-id arithmetic of Beam's and Flink's
 * GeneratorConfig/PersonGenerator/AuctionGenerator/BidGenerator, with a per-event
 * seeded splitmix64 in place of java.util.Random.
 */
#include "nexmark.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* Proportions and generator defaults (NexmarkConfiguration). */
enum {
    PERSON_PROPORTION = 1,
    AUCTION_PROPORTION = 3,
    BID_PROPORTION = 46,
    TOTAL_PROPORTION = PERSON_PROPORTION + AUCTION_PROPORTION + BID_PROPORTION,
    NUM_ACTIVE_PEOPLE = 1000,
    NUM_IN_FLIGHT_AUCTIONS = 100,
    HOT_AUCTION_RATIO_CFG = 2, /* P(hot auction) = 1 - 1/2 */
    HOT_SELLERS_RATIO_CFG = 4,
    HOT_BIDDERS_RATIO_CFG = 4,
    HOT_AUCTION_RATIO = 100, /* hot ids are the first of each batch of 100 */
    HOT_SELLER_RATIO = 100,
    HOT_BIDDER_RATIO = 100,
    PERSON_ID_LEAD = 10,
    AUCTION_ID_LEAD = 10,
    NUM_CATEGORIES = 5,
    AVG_PERSON_BYTES = 200,
    AVG_AUCTION_BYTES = 500,
    AVG_BID_BYTES = 100,
    HOT_CHANNELS_RATIO = 2,
    CHANNELS_NUMBER = 10000,
    MIN_STRING_LENGTH = 3,
};

static const char *const US_STATES[] = {"AZ", "CA", "ID", "OR", "WA", "WY"};
static const char *const US_CITIES[] = {"Phoenix",  "Los Angeles", "San Francisco", "Boise",
                                        "Portland", "Bend",        "Redmond",       "Seattle",
                                        "Kent",     "Cheyenne"};
static const char *const FIRST_NAMES[] = {"Peter", "Paul",  "Luke",  "John",   "Saul",  "Vicky",
                                          "Kate",  "Julie", "Sarah", "Deiter", "Walter"};
static const char *const LAST_NAMES[] = {"Shultz", "Abrams", "Spencer", "White", "Bartels",
                                         "Walton", "Smith",  "Jones",   "Noris"};
static const char *const HOT_CHANNELS[] = {"Google", "Facebook", "Baidu", "Apple"};
#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ---------------------------------------------------------------- random */

typedef struct Rng {
    uint64_t s;
} Rng;

static uint64_t rng_next(Rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static Rng rng_for(uint64_t seed, uint64_t n)
{
    Rng r = {seed * 0xD1B54A32D192ED03ull ^ (n + 1) * 0x9E3779B97F4A7C15ull};
    rng_next(&r);
    return r;
}

/* Uniform in [0, bound). */
static int64_t rng_int(Rng *r, int64_t bound)
{
    if (bound <= 1) return 0;
    return (int64_t)(rng_next(r) % (uint64_t)bound);
}

static double rng_double(Rng *r)
{
    return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* nextString: 3..max-1 letters, about one in 13 replaced by `special`, then trimmed
 * of spaces (as String.trim). Returns the length. */
static size_t next_string(Rng *r, int max, char special, char *out)
{
    int len = MIN_STRING_LENGTH + (int)rng_int(r, max - MIN_STRING_LENGTH);
    int n = 0;
    for (int i = 0; i < len; i++)
        out[n++] = rng_int(r, 13) == 0 ? special : (char)('a' + rng_int(r, 26));
    int b = 0;
    while (b < n && out[b] == ' ')
        b++;
    while (n > b && out[n - 1] == ' ')
        n--;
    memmove(out, out + b, (size_t)(n - b));
    out[n - b] = 0;
    return (size_t)(n - b);
}

static void next_exact_string(Rng *r, int len, char *out)
{
    for (int i = 0; i < len; i++)
        out[i] = (char)('a' + rng_int(r, 26));
    out[len] = 0;
}

/* nextExtra: padding that brings an event of current_size bytes to about `avg`. */
static void next_extra(Rng *r, int current_size, int avg, char *out, size_t cap)
{
    if (current_size > avg) {
        out[0] = 0;
        return;
    }
    int desired = avg - current_size;
    int delta = (int)lround(desired * 0.2);
    int size = desired - delta + (delta == 0 ? 0 : (int)rng_int(r, 2 * delta));
    if ((size_t)size >= cap) size = (int)cap - 1;
    next_exact_string(r, size, out);
}

static int64_t next_price(Rng *r)
{
    return llround(pow(10.0, rng_double(r) * 6.0) * 100.0);
}

/* ---------------------------------------------------------------- channels */

typedef struct Channel {
    char name[16];
    char url[112];
} Channel;

static Channel channels[CHANNELS_NUMBER];
static Channel hot[4];
static pthread_once_t channels_once = PTHREAD_ONCE_INIT;

static void base_url(Rng *r, char *out, size_t cap)
{
    char a[8], b[8], c[8];
    next_string(r, 5, '_', a);
    next_string(r, 5, '_', b);
    next_string(r, 5, '_', c);
    snprintf(out, cap, "https://www.nexmark.com/%s/%s/%s/item.htm?query=1", a, b, c);
}

static void build_channels(void)
{
    for (int i = 0; i < 4; i++) {
        Rng r = rng_for(0x486f74, (uint64_t)i);
        snprintf(hot[i].name, sizeof hot[i].name, "%s", HOT_CHANNELS[i]);
        base_url(&r, hot[i].url, sizeof hot[i].url);
    }
    for (int i = 0; i < CHANNELS_NUMBER; i++) {
        Rng r = rng_for(0x4368616e, (uint64_t)i);
        Channel *c = &channels[i];
        snprintf(c->name, sizeof c->name, "channel-%d", i);
        base_url(&r, c->url, sizeof c->url);
        if (rng_int(&r, 10) > 0) {
            /* Math.abs(Integer.reverse(i)) */
            uint32_t v = (uint32_t)i, rev = 0;
            for (int k = 0; k < 32; k++, v >>= 1)
                rev = (rev << 1) | (v & 1);
            int64_t id = (int32_t)rev;
            size_t l = strlen(c->url);
            snprintf(c->url + l, sizeof c->url - l, "&channel_id=%lld",
                     (long long)(id < 0 ? -id : id));
        }
    }
}

void nexmark_init(void)
{
    pthread_once(&channels_once, build_channels);
}

/* ---------------------------------------------------------------- ids */

NexmarkKind nexmark_kind(uint64_t n)
{
    uint64_t rem = n % TOTAL_PROPORTION;
    if (rem < PERSON_PROPORTION) return NEXMARK_PERSON;
    if (rem < PERSON_PROPORTION + AUCTION_PROPORTION) return NEXMARK_AUCTION;
    return NEXMARK_BID;
}

int64_t nexmark_time(const NexmarkConfig *cfg, uint64_t n)
{
    double rate = cfg->rate > 0 ? cfg->rate : 10000.0;
    return cfg->base_ms + (int64_t)((double)n * 1000.0 / rate);
}

uint64_t nexmark_bid_number(uint64_t k)
{
    return k / BID_PROPORTION * TOTAL_PROPORTION + PERSON_PROPORTION + AUCTION_PROPORTION +
           k % BID_PROPORTION;
}

uint64_t nexmark_bids_before(uint64_t n)
{
    uint64_t rem = n % TOTAL_PROPORTION;
    uint64_t first = PERSON_PROPORTION + AUCTION_PROPORTION;
    return n / TOTAL_PROPORTION * BID_PROPORTION + (rem > first ? rem - first : 0);
}

static int64_t last_base0_auction_id(uint64_t event_id)
{
    int64_t epoch = (int64_t)(event_id / TOTAL_PROPORTION);
    int64_t offset = (int64_t)(event_id % TOTAL_PROPORTION);
    if (offset < PERSON_PROPORTION) {
        epoch--;
        offset = AUCTION_PROPORTION - 1;
    } else if (offset >= PERSON_PROPORTION + AUCTION_PROPORTION) {
        offset = AUCTION_PROPORTION - 1;
    } else {
        offset -= PERSON_PROPORTION;
    }
    return epoch * AUCTION_PROPORTION + offset;
}

static int64_t last_base0_person_id(uint64_t event_id)
{
    int64_t epoch = (int64_t)(event_id / TOTAL_PROPORTION);
    int64_t offset = (int64_t)(event_id % TOTAL_PROPORTION);
    if (offset >= PERSON_PROPORTION) offset = PERSON_PROPORTION - 1;
    return epoch * PERSON_PROPORTION + offset;
}

static int64_t next_base0_auction_id(uint64_t event_id, Rng *r)
{
    int64_t max_a = last_base0_auction_id(event_id);
    int64_t min_a = max_a - NUM_IN_FLIGHT_AUCTIONS > 0 ? max_a - NUM_IN_FLIGHT_AUCTIONS : 0;
    return min_a + rng_int(r, max_a - min_a + 1 + AUCTION_ID_LEAD);
}

static int64_t next_base0_person_id(uint64_t event_id, Rng *r)
{
    int64_t num_people = last_base0_person_id(event_id) + 1;
    int64_t active = num_people < NUM_ACTIVE_PEOPLE ? num_people : NUM_ACTIVE_PEOPLE;
    return num_people - active + rng_int(r, active + PERSON_ID_LEAD);
}

/* ---------------------------------------------------------------- events */

void nexmark_person(const NexmarkConfig *cfg, uint64_t n, NexmarkPerson *p)
{
    Rng r = rng_for(cfg->seed, n);
    p->id = last_base0_person_id(n) + NEXMARK_FIRST_PERSON_ID;
    snprintf(p->name, sizeof p->name, "%s %s", FIRST_NAMES[rng_int(&r, NELEM(FIRST_NAMES))],
             LAST_NAMES[rng_int(&r, NELEM(LAST_NAMES))]);
    char user[8], host[8];
    next_string(&r, 7, ' ', user);
    next_string(&r, 5, ' ', host);
    snprintf(p->email, sizeof p->email, "%s@%s.com", user, host);
    int g[4];
    for (int i = 0; i < 4; i++)
        g[i] = (int)rng_int(&r, 10000);
    snprintf(p->credit_card, sizeof p->credit_card, "%04d %04d %04d %04d", g[0], g[1], g[2], g[3]);
    snprintf(p->city, sizeof p->city, "%s", US_CITIES[rng_int(&r, NELEM(US_CITIES))]);
    snprintf(p->state, sizeof p->state, "%s", US_STATES[rng_int(&r, NELEM(US_STATES))]);
    p->date_time = nexmark_time(cfg, n);
    int size = 8 + (int)(strlen(p->name) + strlen(p->email) + strlen(p->credit_card) +
                         strlen(p->city) + strlen(p->state));
    next_extra(&r, size, AVG_PERSON_BYTES, p->extra, sizeof p->extra);
}

void nexmark_auction(const NexmarkConfig *cfg, uint64_t n, NexmarkAuction *a)
{
    Rng r = rng_for(cfg->seed, n);
    a->id = last_base0_auction_id(n) + NEXMARK_FIRST_AUCTION_ID;
    int64_t seller;
    if (rng_int(&r, HOT_SELLERS_RATIO_CFG) > 0)
        seller = last_base0_person_id(n) / HOT_SELLER_RATIO * HOT_SELLER_RATIO;
    else
        seller = next_base0_person_id(n, &r);
    a->seller = seller + NEXMARK_FIRST_PERSON_ID;
    a->category = NEXMARK_FIRST_CATEGORY + rng_int(&r, NUM_CATEGORIES);
    a->initial_bid = next_price(&r);
    a->date_time = nexmark_time(cfg, n);
    /* Auctions last on average until NUM_IN_FLIGHT_AUCTIONS more have been created. */
    uint64_t ahead = (uint64_t)NUM_IN_FLIGHT_AUCTIONS * TOTAL_PROPORTION / AUCTION_PROPORTION;
    int64_t horizon = nexmark_time(cfg, n + ahead) - a->date_time;
    a->expires = a->date_time + 1 + rng_int(&r, horizon * 2 > 1 ? horizon * 2 : 1);
    size_t ln = next_string(&r, 20, ' ', a->item_name);
    size_t ld = next_string(&r, 100, ' ', a->description);
    a->reserve = a->initial_bid + next_price(&r);
    int size = 8 + (int)(ln + ld) + 8 + 8 + 8 + 8 + 8;
    next_extra(&r, size, AVG_AUCTION_BYTES, a->extra, sizeof a->extra);
}

void nexmark_bid(const NexmarkConfig *cfg, uint64_t n, NexmarkBid *b)
{
    nexmark_init();
    Rng r = rng_for(cfg->seed, n);
    int64_t auction;
    if (rng_int(&r, HOT_AUCTION_RATIO_CFG) > 0)
        auction = last_base0_auction_id(n) / HOT_AUCTION_RATIO * HOT_AUCTION_RATIO;
    else
        auction = next_base0_auction_id(n, &r);
    b->auction = auction + NEXMARK_FIRST_AUCTION_ID;
    int64_t bidder;
    if (rng_int(&r, HOT_BIDDERS_RATIO_CFG) > 0)
        bidder = last_base0_person_id(n) / HOT_BIDDER_RATIO * HOT_BIDDER_RATIO + 1;
    else
        bidder = next_base0_person_id(n, &r);
    b->bidder = bidder + NEXMARK_FIRST_PERSON_ID;
    b->price = next_price(&r);
    const Channel *c;
    if (rng_int(&r, HOT_CHANNELS_RATIO) > 0)
        c = &hot[rng_int(&r, 4)];
    else
        c = &channels[rng_int(&r, CHANNELS_NUMBER)];
    b->channel = c->name;
    b->url = c->url;
    b->date_time = nexmark_time(cfg, n);
    next_extra(&r, 8 + 8 + 8 + 8, AVG_BID_BYTES, b->extra, sizeof b->extra);
}

/* ---------------------------------------------------------------- JSON */

/* Generated strings hold letters, digits, spaces and URL punctuation only: nothing
 * JSON needs to escape. */
size_t nexmark_person_json(const NexmarkPerson *p, char *buf, size_t cap)
{
    int n = snprintf(buf, cap,
                     "{\"id\":%lld,\"name\":\"%s\",\"emailAddress\":\"%s\",\"creditCard\":\"%s\","
                     "\"city\":\"%s\",\"state\":\"%s\",\"dateTime\":%lld,\"extra\":\"%s\"}",
                     (long long)p->id, p->name, p->email, p->credit_card, p->city, p->state,
                     (long long)p->date_time, p->extra);
    return n < 0 ? 0 : (size_t)n;
}

size_t nexmark_auction_json(const NexmarkAuction *a, char *buf, size_t cap)
{
    int n = snprintf(buf, cap,
                     "{\"id\":%lld,\"itemName\":\"%s\",\"description\":\"%s\",\"initialBid\":%lld,"
                     "\"reserve\":%lld,\"dateTime\":%lld,\"expires\":%lld,\"seller\":%lld,"
                     "\"category\":%lld,\"extra\":\"%s\"}",
                     (long long)a->id, a->item_name, a->description, (long long)a->initial_bid,
                     (long long)a->reserve, (long long)a->date_time, (long long)a->expires,
                     (long long)a->seller, (long long)a->category, a->extra);
    return n < 0 ? 0 : (size_t)n;
}

size_t nexmark_bid_json(const NexmarkBid *b, char *buf, size_t cap)
{
    int n = snprintf(buf, cap,
                     "{\"auction\":%lld,\"bidder\":%lld,\"price\":%lld,\"channel\":\"%s\","
                     "\"url\":\"%s\",\"dateTime\":%lld,\"extra\":\"%s\"}",
                     (long long)b->auction, (long long)b->bidder, (long long)b->price, b->channel,
                     b->url, (long long)b->date_time, b->extra);
    return n < 0 ? 0 : (size_t)n;
}

void nexmark_key(int64_t id, char out[8])
{
    uint64_t v = (uint64_t)id;
    for (int i = 7; i >= 0; i--, v >>= 8)
        out[i] = (char)(v & 0xff);
}
