// Cube's ksqlDB driver (@cubejs-backend/ksql-driver) against eddyd: the calls
// Cube makes to a ksqlDB data source. Starts its own eddyd (Kafka engine on the
// embedded broker) and stops it at the end.
//   node driver_test.js EDDYD
'use strict';

const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');
const { KsqlDriver } = require('@cubejs-backend/ksql-driver');

const eddyd = process.argv[2];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-cube-'));
let server;

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function startServer() {
  const portFile = path.join(dir, 'port');
  const log = fs.openSync(path.join(dir, 'eddyd.log'), 'w');
  server = spawn(eddyd, ['--listeners', 'http://127.0.0.1:0', '--port-file', portFile,
    '--state-dir', path.join(dir, 'data')], { stdio: ['ignore', log, log] });
  for (let i = 0; i < 200; i++) {
    if (fs.existsSync(portFile)) {
      const port = parseInt(fs.readFileSync(portFile, 'utf8'), 10);
      if (port > 0) return `http://127.0.0.1:${port}`;
    }
    await sleep(50);
  }
  throw new Error('eddyd did not start');
}

async function until(what, fn, timeoutMs = 20000) {
  const t0 = Date.now();
  let last;
  while (Date.now() - t0 < timeoutMs) {
    last = await fn();
    if (last) return last;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function main() {
  const url = await startServer();
  // Cube sends basic auth whether or not it is configured.
  const driver = new KsqlDriver({ url, username: 'cube', password: 'secret' });

  // 1. The connection test Cube runs when a data source is added.
  await driver.testConnection();
  console.log('ok - testConnection');

  // Some data: a stream, a windowed table over it.
  await driver.query("CREATE STREAM PAGEVIEWS (USERID STRING KEY, PAGE STRING, MS INT) WITH (KAFKA_TOPIC='pageviews', VALUE_FORMAT='JSON', PARTITIONS=1)");
  for (const [u, p] of [['alice', 'home'], ['bob', 'home'], ['alice', 'cart']]) {
    await driver.query(`INSERT INTO PAGEVIEWS (USERID, PAGE, MS) VALUES ('${u}', '${p}', 10)`);
  }
  await driver.query('CREATE TABLE PV_PER_MIN AS SELECT USERID, COUNT(*) AS N FROM PAGEVIEWS WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY USERID', [],
    { streamOffset: 'earliest' });

  // 2. A pre-aggregation as Cube loads one: a CTAS named <schema>-<table>, JSON key,
  // the stream read from its start.
  const preAgg = 'dev_pre_aggregations.pageviews_rollup';
  await driver.loadPreAggregationIntoTable(preAgg,
    `CREATE TABLE ${driver.quoteIdentifier(preAgg)} WITH (KEY_FORMAT='JSON') AS SELECT \`pageviews\`.page \`pageviews__page\`, count(*) \`pageviews__count\` FROM PAGEVIEWS AS \`pageviews\` GROUP BY \`pageviews\`.page`,
    [], { streamOffset: 'earliest' });
  console.log('ok - pre-aggregation table created');

  // 3. SHOW TABLES / SHOW STREAMS, as Cube lists tables.
  const tables = await driver.fetchTables();
  const names = tables.map((t) => t.fullTableName).sort();
  assert.deepStrictEqual(names, ['KSQL_PROCESSING_LOG', 'PAGEVIEWS', 'PV_PER_MIN', 'dev_pre_aggregations-pageviews_rollup']);
  const rollup = tables.find((t) => t.tableSchema === 'dev_pre_aggregations');
  assert.strictEqual(rollup.tableName, 'pageviews_rollup');
  assert.deepStrictEqual(await driver.getTablesQuery('dev_pre_aggregations'), [{ table_name: 'pageviews_rollup' }]);
  console.log('ok - fetchTables (SHOW TABLES, SHOW STREAMS)');

  // 4. DESCRIBE of every table, and of a windowed table's columns.
  const schema = await driver.tablesSchema();
  assert.deepStrictEqual(schema[''].PAGEVIEWS, [
    { name: 'USERID', type: 'STRING' }, { name: 'PAGE', type: 'STRING' }, { name: 'MS', type: 'INTEGER' }]);
  assert.deepStrictEqual(schema.dev_pre_aggregations.pageviews_rollup, [
    { name: 'pageviews__page', type: 'STRING' }, { name: 'pageviews__count', type: 'BIGINT' }]);
  const describe = await driver.describeTable('PV_PER_MIN');
  assert.strictEqual(describe.sourceDescription.windowType, 'TUMBLING');
  const types = await driver.tableColumnTypes('PV_PER_MIN', describe);
  assert.deepStrictEqual(types, [
    { name: 'USERID', type: 'text' }, { name: 'WINDOWSTART', type: 'int' },
    { name: 'WINDOWEND', type: 'int' }, { name: 'N', type: 'bigint' }]);
  console.log('ok - DESCRIBE (tablesSchema, windowed table column types)');

  // 5. What Cube Store is told to stream from (ksqlDB as the streaming source).
  const download = await driver.downloadTable(preAgg, { streamOffset: 'earliest' });
  assert.strictEqual(download.streamingTable, 'dev_pre_aggregations-pageviews_rollup');
  assert.strictEqual(download.partitions, 1);
  assert.strictEqual(download.streamingSource.type, 'ksql');
  assert.deepStrictEqual(download.types, [{ name: 'pageviews__page', type: 'text' }, { name: 'pageviews__count', type: 'bigint' }]);
  console.log('ok - downloadTable');

  // The pre-aggregation holds the counts (over /query, as a pull query).
  await until('the rollup to count the page views', async () => {
    const res = await fetch(`${url}/query`, { method: 'POST', body: JSON.stringify({ ksql: 'SELECT * FROM `dev_pre_aggregations-pageviews_rollup`;' }) });
    const body = await res.text();
    return body.includes('["home",2]') && body.includes('["cart",1]');
  });
  console.log('ok - pre-aggregation rows');

  // 6. Errors reach the client with ksqlDB's message.
  await assert.rejects(driver.query('DESCRIBE `NOPE`'),
    (e) => /ksql API error for 'DESCRIBE `NOPE`;': Could not find STREAM\/TABLE 'NOPE' in the Metastore/.test(e.message));
  await assert.rejects(driver.query('CREATE STREAM BROKEN (A INT) WITH (KAFKA_TOPIC=\'missing\', VALUE_FORMAT=\'JSON\')'),
    (e) => /Topic 'missing' does not exist/.test(e.message));
  await assert.rejects(driver.query('SELECT * FROM PAGEVIEWS'), /Select queries for ksql allowed only from Cube Store/);
  console.log('ok - errors reach the client');

  // 7. Dropping a pre-aggregation, as Cube does when it is superseded.
  await driver.dropTable(preAgg);
  const after = (await driver.fetchTables()).map((t) => t.fullTableName);
  assert.ok(!after.includes('dev_pre_aggregations-pageviews_rollup'), after.join(', '));
  console.log('ok - dropTable');
}

main().then(() => {
  server.kill('SIGTERM');
  fs.rmSync(dir, { recursive: true, force: true });
  console.log('cube ksql driver test passed');
}, (e) => {
  console.error(`cube ksql driver test FAILED: ${e.stack || e}`);
  console.error(`(eddyd log and data in ${dir})`);
  if (server) server.kill('SIGKILL');
  process.exit(1);
});
