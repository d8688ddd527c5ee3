-- Agentic journal, schema version 2: waits, controls, forks, snapshots.
-- A waiting execution has two records (Waiting, then its completion), so execution ids are unique among the
-- records that finish an execution: a completed execution can never be recorded twice.
DROP INDEX IF EXISTS journal_execution_id;
CREATE UNIQUE INDEX IF NOT EXISTS journal_execution_done ON journal (execution_id) WHERE execution_id IS NOT NULL AND phase <> 2;
-- kind 5: control records (pause, resume, abort).

ALTER TABLE lifetimes ADD COLUMN fork_of TEXT;
ALTER TABLE lifetimes ADD COLUMN fork_sequence INTEGER;
CREATE INDEX IF NOT EXISTS lifetimes_graph ON lifetimes (graph_name, graph_version);

-- snapshots: a lifetime's state at a sequence number, an optimisation only (deleting rows changes no result),
-- so unlike the journal they are overwritten.
CREATE TABLE IF NOT EXISTS snapshots (
    lifetime_id TEXT    NOT NULL PRIMARY KEY,
    seq         INTEGER NOT NULL,
    state       BLOB    NOT NULL
);
