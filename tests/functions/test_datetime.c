/*
 * test_datetime.c - date/time functions: Java DateTimeFormatter patterns, time zones
 * from the tz database (offsets, DST gaps and overlaps, POSIX rules past the transition
 * table, the southern hemisphere), interval arithmetic; values from ksqlDB's
 * format-time.json, parse-date.json, stringdate.json, convert-tz.json, dateadd.json,
 * datesub.json, timeadd.json, timesub.json and timestampadd.json.
 */
#include "harness.h"

static void setup(void)
{
    h_setup();
}

static void teardown(void)
{
    h_teardown();
}

typedef struct Case {
    const char *got;
    const char *want;
} Case;

#define CHECK_ALL(arr)                                                                             \
    for (size_t i_ = 0; i_ < sizeof arr / sizeof arr[0]; i_++)                                     \
    ck_assert_msg(strcmp(arr[i_].got, arr[i_].want) == 0, "case %zu: got %s, want %s", i_,         \
                  arr[i_].got, arr[i_].want)

#define TS(ms) val_timestamp(ms)
#define DT(d)  val_date(d)
#define TM(ms) val_time(ms)

START_TEST(format_and_parse)
{
    Case c[] = {
        {h_run("FORMAT_TIME", 2, TM(65000), S("HH_mm_ss_SSS")), "'00_01_05_000'"},
        {h_run("FORMAT_TIME", 2, TM(1234567), S("HHmmss'AAAAA'")), "'002034AAAAA'"},
        {h_run("FORMAT_TIME", 2, TM(0), S("HH:mm:ss")), "'00:00:00'"},
        {h_run("FORMAT_TIME", 2, TNUL(T_TIME), S("HH:mm:ss")), "null"},
        {h_run("FORMAT_TIME", 2, TM(45296789), S("hh:mm:ss.SS a, k K")), "'12:34:56.78 PM, 12 0'"},
        {h_run("PARSE_DATE", 2, S("2018-05-11Lit"), S("yyyy-MM-dd'Lit'")), "date:17662"},
        {h_run("PARSE_DATE", 2, S("11/05/2019"), S("dd/MM/yyyy")), "date:18027"},
        {h_run("PARSE_DATE", 2, S("01-Jan-2022"), S("dd-MMM-yyyy")), "date:18993"},
        {h_run("PARSE_DATE", 2, S("01-JAN-2022"), S("dd-MMM-yyyy")), "date:18993"},
        {h_run("PARSE_DATE", 2, S("JAN-2022"), S("MMM-yyyy")), "date:18993"},
        {h_run("PARSE_DATE", 2, S("01-01-1970"), S("dd-MM-yyyy")), "date:0"},
        {h_run("PARSE_DATE", 2, S("20220131"), S("yyyyMMdd")), "date:19023"},
        {h_run("PARSE_DATE", 2, S("2024-02-30"), S("yyyy-MM-dd")), "date:19782"},
        {h_run("PARSE_DATE", 2, S("2022 031"), S("yyyy DDD")), "date:19023"},
        {h_run("STRINGTODATE", 2, S("2018-05-11Lit"), S("yyyy-MM-dd'Lit'")), "17662"},
        {h_run("PARSE_DATE", 2, S("foo"), S("yyyyMMdd")),
         "ERR:Failed to parse date 'foo' with formatter 'yyyyMMdd': Text 'foo' could not be "
         "parsed at index 0"},
        {h_run("PARSE_DATE", 2, S("2022-13-01"), S("yyyy-MM-dd")),
         "ERR:Failed to parse date '2022-13-01' with formatter 'yyyy-MM-dd': Text '2022-13-01' "
         "could not be parsed: Invalid value for MonthOfYear (valid values 1 - 12): 13"},
        {h_run("PARSE_DATE", 2, S("2022-01-01x"), S("yyyy-MM-dd")),
         "ERR:Failed to parse date '2022-01-01x' with formatter 'yyyy-MM-dd': Text '2022-01-01x' "
         "could not be parsed, unparsed text found at index 10"},
        {h_run("PARSE_TIME", 2, S("12:34:56.789"), S("HH:mm:ss.SSS")), "time:45296789"},
        {h_run("PARSE_TIME", 2, S("01:02 PM"), S("hh:mm a")), "time:46920000"},
        {h_run("FORMAT_DATE", 2, DT(18993), S("EEEE, MMMM d, yyyy (EEE MMM) D Q")),
         "'Saturday, January 1, 2022 (Sat Jan) 1 1'"},
        {h_run("FORMAT_DATE", 2, DT(18623), S("YYYY-ww e")), "'2021-01 1'"},
        {h_run("FORMAT_DATE", 2, DT(18628), S("YYYY-ww W")), "'2021-01 1'"},
        {h_run("FORMAT_DATE", 2, DT(-1), S("yy/M/d G")), "'69/12/31 AD'"},
        {h_run("FORMAT_DATE", 2, DT(0), S("HH")), "ERR:Failed to format date 1970-01-01 with "
                                                  "formatter 'HH': Unsupported field: HourOfDay"},
        {h_run("FORMAT_DATE", 2, DT(0), S("bb")),
         "ERR:Unknown format pattern 'bb': Unknown pattern letter: b"},
        {h_run("FORMAT_DATE", 2, DT(0), S("yyyy['T'HH]")), "'1970'"},
        {h_run("DATETOSTRING", 2, I(17662), S("yyyy-MM-dd")), "'2018-05-11'"},
    };
    CHECK_ALL(c);
}
END_TEST

START_TEST(timestamps_and_zones)
{
    Case c[] = {
        {h_run("FORMAT_TIMESTAMP", 2, TS(1589234313000), S("yyyy-MM-dd'T'HH:mm:ss.SSSXXX")),
         "'2020-05-11T21:58:33.000Z'"},
        {h_run("FORMAT_TIMESTAMP", 3, TS(1589234313000), S("yyyy-MM-dd HH:mm:ss zzz Z VV"),
               S("America/Los_Angeles")),
         "'2020-05-11 14:58:33 PDT -0700 America/Los_Angeles'"},
        {h_run("FORMAT_TIMESTAMP", 3, TS(1589234313000), S("HH:mm XXX xx O"), S("Asia/Kolkata")),
         "'03:28 +05:30 +0530 GMT+5:30'"},
        {h_run("FORMAT_TIMESTAMP", 3, TS(1589234313000), S("HH:mm X"), S("+0200")), "'23:58 +02'"},
        {h_run("FORMAT_TIMESTAMP", 3, TS(2540246400000), S("yyyy-MM-dd HH z"),
               S("America/Los_Angeles")),
         "'2050-06-30 17 PDT'"},
        {h_run("FORMAT_TIMESTAMP", 3, TS(1673740800000), S("HH XXX z"), S("Australia/Sydney")),
         "'11 +11:00 AEDT'"},
        {h_run("FORMAT_TIMESTAMP", 2, TS(0), S("EEE, d MMM yyyy hh:mm a")),
         "'Thu, 1 Jan 1970 12:00 AM'"},
        {h_run("FORMAT_TIMESTAMP", 2, TS(-1), S("yyyy-MM-dd HH:mm:ss.SSS")),
         "'1969-12-31 23:59:59.999'"},
        {h_run("FORMAT_TIMESTAMP", 3, TS(0), S("HH"), S("Mars/Base")),
         "ERR:Unknown time-zone ID: Mars/Base"},
        {h_run("TIMESTAMPTOSTRING", 3, L(1589234313000), S("yyyy-MM-dd HH:mm"), S("UTC")),
         "'2020-05-11 21:58'"},
        {h_run("PARSE_TIMESTAMP", 3, S("2020-05-11 14:58:33"), S("yyyy-MM-dd HH:mm:ss"),
               S("America/Los_Angeles")),
         "ts:1589234313000"},
        {h_run("PARSE_TIMESTAMP", 2, S("2020-05-11T23:58:33.123+0200"),
               S("yyyy-MM-dd'T'HH:mm:ss.SSSZ")),
         "ts:1589234313123"},
        {h_run("PARSE_TIMESTAMP", 2, S("2020-05-11T21:58:33Z"), S("yyyy-MM-dd'T'HH:mm:ssX")),
         "ts:1589234313000"},
        {h_run("PARSE_TIMESTAMP", 2, S("2020-05-11 14:58:33 America/Los_Angeles"),
               S("yyyy-MM-dd HH:mm:ss VV")),
         "ts:1589234313000"},
        {h_run("PARSE_TIMESTAMP", 2, S("2020-05-11 14:58:33 PDT"), S("yyyy-MM-dd HH:mm:ss z")),
         "ts:1589234313000"},
        /* DST gap: 02:30 does not exist, Java moves it forward to 03:30 PDT. */
        {h_run("PARSE_TIMESTAMP", 3, S("2021-03-14 02:30"), S("yyyy-MM-dd HH:mm"),
               S("America/Los_Angeles")),
         "ts:1615717800000"},
        /* DST overlap: 01:30 happens twice, Java takes the earlier offset (PDT). */
        {h_run("PARSE_TIMESTAMP", 3, S("2021-11-07 01:30"), S("yyyy-MM-dd HH:mm"),
               S("America/Los_Angeles")),
         "ts:1636273800000"},
        {h_run("PARSE_TIMESTAMP", 2, S("1970"), S("yyyy")), "ts:0"},
        {h_run("STRINGTOTIMESTAMP", 2, S("2020-05-11 21:58:33"), S("yyyy-MM-dd HH:mm:ss")),
         "1589234313000"},
        {h_run_nolit("PARSE_TIMESTAMP", 3, S("2020-05-11 14:58:33"), S("yyyy-MM-dd HH:mm:ss"),
                     S("America/Los_Angeles")),
         "ts:1589234313000"},
        {h_run("CONVERT_TZ", 3, TS(100), S("+0200"), S("+0500")), "ts:10800100"},
        {h_run("CONVERT_TZ", 3, TS(1589234313000), S("America/Los_Angeles"), S("America/New_York")),
         "ts:1589245113000"},
        {h_run("CONVERT_TZ", 3, TS(100), S("UTC"), S("GMT+01:30")), "ts:5400100"},
        {h_run("CONVERT_TZ", 3, TNUL(T_TIMESTAMP), S("UTC"), S("UTC")), "null"},
        {h_run("FROM_UNIXTIME", 1, L(1589234313000)), "ts:1589234313000"},
        {h_run("UNIX_TIMESTAMP", 1, TS(100)), "100"},
        {h_run("UNIX_DATE", 1, DT(10)), "10"},
        {h_run("FROM_DAYS", 1, I(19000)), "date:19000"},
    };
    CHECK_ALL(c);
    Value out;
    ck_assert_int_eq(h_call_values("UNIX_TIMESTAMP", 0, NULL, false, &out), 0);
    ck_assert_int_gt(out.u.l, 1600000000000LL);
    ck_assert_int_eq(h_call_values("UNIX_DATE", 0, NULL, false, &out), 0);
    ck_assert_int_gt(out.u.i, 18000);
}
END_TEST

START_TEST(interval_arithmetic)
{
    Case c[] = {
        {h_run("DATEADD", 3, UNIT("DAYS"), I(10), DT(10)), "date:20"},
        {h_run("DATEADD", 3, UNIT("DAYS"), I(-5), DT(2)), "date:-3"},
        {h_run("DATEADD", 3, UNIT("MILLISECONDS"), TNUL(T_INT), DT(5)), "null"},
        {h_run("DATEADD", 3, UNIT("HOURS"), I(47), DT(0)), "date:1"},
        {h_run("DATESUB", 3, UNIT("DAYS"), I(10), DT(5)), "date:-5"},
        {h_run("DATESUB", 3, UNIT("DAYS"), I(-5), DT(-5)), "date:0"},
        {h_run("TIMEADD", 3, UNIT("MILLISECONDS"), I(10), TM(86399995)), "time:5"},
        {h_run("TIMEADD", 3, UNIT("MILLISECONDS"), I(-5), TM(2)), "time:86399997"},
        {h_run("TIMEADD", 3, UNIT("HOURS"), I(25), TM(0)), "time:3600000"},
        {h_run("TIMESUB", 3, UNIT("MILLISECONDS"), I(10), TM(5)), "time:86399995"},
        {h_run("TIMESTAMPADD", 3, UNIT("MILLISECONDS"), I(-5), TS(2)), "ts:-3"},
        {h_run("TIMESTAMPADD", 3, UNIT("SECONDS"), L(2), TS(1)), "ts:2001"},
        {h_run("TIMESTAMPADD", 3, UNIT("MICROSECONDS"), I(2500), TS(0)), "ts:2"},
        {h_run("TIMESTAMPSUB", 3, UNIT("DAYS"), I(1), TS(0)), "ts:-86400000"},
        {h_run("TIMESTAMPADD", 3, UNIT("FORTNIGHTS"), I(1), TS(0)),
         "ERR:Unknown time unit: 'FORTNIGHTS'"},
    };
    CHECK_ALL(c);
    /* A column where a unit is expected: the INTERVALUNIT parameter rejects it. */
    const Type *args[] = {T_DATE, T_INT, T_DATE};
    ck_assert_int_eq(h_resolve("DATEADD", 3, args, NULL), ERR_SEMANTIC);
    const char *want = "Function 'dateadd' does not accept parameters (DATE, INTEGER, DATE).\n"
                       "Valid alternatives are:\ndateadd(INTERVALUNIT unit, INT interval, DATE "
                       "value)\n";
    ck_assert_msg(strncmp(h_err.msg, want, strlen(want)) == 0, "%s", h_err.msg);
    const Type *t2[] = {T_TIME, T_INT, T_TIME};
    ck_assert_int_eq(h_resolve("TIMESUB", 3, t2, NULL), ERR_SEMANTIC);
    ck_assert_ptr_nonnull(
        strstr(h_err.msg, "Function 'timesub' does not accept parameters (TIME, INTEGER, TIME)."));
}
END_TEST

START_TEST(cached_patterns_own_their_text)
{
    /* A pattern that is not a literal is compiled once per thread and cached by its
     * text; the cached form must not point into the record that carried the pattern. */
    char a[32] = "yyyy-MM-dd", b[32] = "yyyy-MM-dd";
    Value args[] = {S("2022-01-31"), val_string(a, (uint32_t)strlen(a))};
    Value out;
    ck_assert_int_eq(h_call_values("PARSE_DATE", 2, args, false, &out), 0);
    ck_assert_int_eq(out.u.i, 19023);
    memset(a, '#', 10);
    args[1] = val_string(b, (uint32_t)strlen(b));
    ck_assert_int_eq(h_call_values("PARSE_DATE", 2, args, false, &out), 0);
    ck_assert_int_eq(out.u.i, 19023);
}
END_TEST

START_TEST(zone_ids)
{
    const char *ok[] = {"UTC",
                        "Z",
                        "GMT",
                        "UT",
                        "+02:00",
                        "+0200",
                        "-5",
                        "+05:30:15",
                        "UTC+3",
                        "GMT-08:00",
                        "America/Los_Angeles",
                        "Europe/London",
                        "EST5EDT",
                        "Etc/GMT+5"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        ck_assert_msg(tz_get(ok[i], strlen(ok[i])) != NULL, "zone %s", ok[i]);
    const char *bad[] = {
        "", "+19:00", "America/Nowhere", "../etc/passwd", "/etc/passwd", "UTC+", "+1:00x", "PST"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(tz_get(bad[i], strlen(bad[i])) == NULL, "zone %s", bad[i]);
    ck_assert_str_eq(tz_id(tz_get("+2", 2)), "+02:00");
    ck_assert_ptr_eq(tz_get("+2", 2), tz_get("+02:00", 6));
    ck_assert_str_eq(tz_id(tz_get("GMT+1", 5)), "GMT+01:00");
    const Tz *la = tz_get("America/Los_Angeles", 19);
    ck_assert_int_eq(tz_offset_at(la, 0), -8 * 3600);
    ck_assert_int_eq(tz_offset_at(la, 1589234313), -7 * 3600);
    ck_assert_int_eq(tz_offset_at(la, 4102444800LL + 86400 * 180), -7 * 3600); /* 2100, rule */
    ck_assert_int_eq(tz_offset_at(la, 4102444800LL), -8 * 3600);
    const Tz *syd = tz_get("Australia/Sydney", 16);
    ck_assert_int_eq(tz_offset_at(syd, 4102444800LL), 11 * 3600); /* Jan 2100: DST */
    ck_assert_int_eq(tz_offset_at(syd, 4102444800LL + 86400 * 180), 10 * 3600);
}
END_TEST

TCase *tc_datetime(void)
{
    TCase *tc = tcase_create("datetime");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, format_and_parse);
    tcase_add_test(tc, timestamps_and_zones);
    tcase_add_test(tc, interval_arithmetic);
    tcase_add_test(tc, cached_patterns_own_their_text);
    tcase_add_test(tc, zone_ids);
    return tc;
}
