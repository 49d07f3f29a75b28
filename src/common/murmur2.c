/*
 * murmur2.c - Kafka's partition hash (see murmur2.h).
 */
#include "murmur2.h"

uint32_t kafka_murmur2(const void *key, size_t n)
{
    const unsigned char *d = key;
    const uint32_t m = 0x5bd1e995;
    uint32_t h = 0x9747b28c ^ (uint32_t)n;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        uint32_t k = (uint32_t)d[i] | (uint32_t)d[i + 1] << 8 | (uint32_t)d[i + 2] << 16 |
                     (uint32_t)d[i + 3] << 24;
        k *= m;
        k ^= k >> 24;
        k *= m;
        h *= m;
        h ^= k;
    }
    switch (n & 3) {
    case 3: h ^= (uint32_t)d[i + 2] << 16; /* fall through */
    case 2: h ^= (uint32_t)d[i + 1] << 8;  /* fall through */
    case 1: h ^= d[i]; h *= m;
    }
    h ^= h >> 13;
    h *= m;
    h ^= h >> 15;
    return h;
}

int32_t kafka_partition_of(const void *key, size_t n, int partitions)
{
    if (partitions <= 1) return 0;
    return (int32_t)((kafka_murmur2(key, n) & 0x7fffffff) % (uint32_t)partitions);
}
