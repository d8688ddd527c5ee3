-- Agentic journal, schema version 4: no index on execution ids.
-- Records of the ~1,000 lifetimes a busy store has in flight interleave, so an index keyed by lifetime dirties a page
-- per lifetime in every transaction: the execution-id index doubled the pages each commit writes to the WAL, and
-- dropping it raised durable throughput (bench B) by 27-45% (43k to 55k and 63k node executions/s in two comparisons,
-- docs/performance.md). Nothing reads by execution id.
-- An execution is still recorded as finished once: the lifetime's state machine records each execution once, and
-- replay and recovery refuse a second record finishing it. The (lifetime_id, seq) index stays: reads need it, and it
-- refuses a second writer's record at a sequence another writer already used.
DROP INDEX IF EXISTS journal_execution_done;
-- A file that builds before 2026-11-30 half-migrated (concurrent first use re-ran 001 after 002) has 001's index back.
DROP INDEX IF EXISTS journal_execution_id;
