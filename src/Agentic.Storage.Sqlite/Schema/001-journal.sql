-- Agentic journal, schema version 1.
-- journal: one row per record, append-only: the triggers refuse UPDATE and DELETE; the unique (lifetime_id, seq)
-- index refuses a second record at a sequence number. The store checks gaplessness before inserting (a trigger
-- doing it costs a third of the insert time).
-- A rowid table: records are appended at the end of its B-tree (WITHOUT ROWID would rebalance ~400-byte rows).
CREATE TABLE IF NOT EXISTS journal (
    id           INTEGER PRIMARY KEY,        -- insertion order across lifetimes
    lifetime_id  TEXT    NOT NULL,
    seq          INTEGER NOT NULL,
    kind         INTEGER NOT NULL,          -- 1 started, 2 task, 3 plan, 4 ended
    execution_id TEXT,                       -- task/plan records only; unique
    phase        INTEGER,
    recorded_at  INTEGER NOT NULL,           -- unix microseconds
    record       BLOB    NOT NULL            -- protobuf agentic.v1.JournalRecord
);

CREATE UNIQUE INDEX IF NOT EXISTS journal_lifetime_seq ON journal (lifetime_id, seq);

CREATE UNIQUE INDEX IF NOT EXISTS journal_execution_id ON journal (execution_id) WHERE execution_id IS NOT NULL;

CREATE TRIGGER IF NOT EXISTS journal_refuse_update BEFORE UPDATE ON journal
BEGIN
    SELECT RAISE(ABORT, 'the journal is append-only: UPDATE of journal rows is refused');
END;

CREATE TRIGGER IF NOT EXISTS journal_refuse_delete BEFORE DELETE ON journal
BEGIN
    SELECT RAISE(ABORT, 'the journal is append-only: DELETE of journal rows is refused');
END;


-- lifetimes: a projection for listing, written in the same transaction as the records it reflects.
CREATE TABLE IF NOT EXISTS lifetimes (
    lifetime_id   TEXT    NOT NULL PRIMARY KEY,
    tenant_id     TEXT    NOT NULL,
    graph_name    TEXT    NOT NULL,
    graph_version TEXT    NOT NULL,
    graph_hash    TEXT    NOT NULL,
    phase         INTEGER NOT NULL,
    started_at    INTEGER NOT NULL,
    ended_at      INTEGER,
    reason        TEXT
);

CREATE INDEX IF NOT EXISTS lifetimes_phase ON lifetimes (phase, started_at);
