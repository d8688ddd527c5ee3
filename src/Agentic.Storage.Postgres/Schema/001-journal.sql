-- Agentic journal on PostgreSQL, schema version 1 (the same rules as the SQLite journal).
-- journal: one row per record, append-only. Triggers refuse UPDATE, DELETE and TRUNCATE; the primary key refuses a
-- second record at a sequence number. lifetimes.last_seq, moved in the same transaction with a compare-and-set,
-- refuses a record that is not its lifetime's last + 1, also between silos writing at once.
CREATE TABLE journal (
    lifetime_id  text        NOT NULL,
    seq          bigint      NOT NULL,
    kind         smallint    NOT NULL,   -- 1 started, 2 task, 3 plan, 4 ended, 5 control
    execution_id text,                   -- task/plan records only
    phase        smallint,
    recorded_at  timestamptz NOT NULL,
    record       bytea       NOT NULL,   -- protobuf agentic.v1.JournalRecord
    PRIMARY KEY (lifetime_id, seq)
);

CREATE FUNCTION agentic_journal_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the journal is append-only: % of journal rows is refused', TG_OP USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE TRIGGER journal_refuse_update_delete BEFORE UPDATE OR DELETE ON journal
    FOR EACH ROW EXECUTE FUNCTION agentic_journal_is_append_only();
CREATE TRIGGER journal_refuse_truncate BEFORE TRUNCATE ON journal
    FOR EACH STATEMENT EXECUTE FUNCTION agentic_journal_is_append_only();

-- lifetimes: a projection for listing, and each lifetime's last durable sequence (the gapless check).
CREATE TABLE lifetimes (
    lifetime_id   text        NOT NULL PRIMARY KEY,
    tenant_id     text        NOT NULL,
    graph_name    text        NOT NULL,
    graph_version text        NOT NULL,
    graph_hash    text        NOT NULL,
    phase         smallint    NOT NULL,
    started_at    timestamptz NOT NULL,
    ended_at      timestamptz,
    reason        text,
    fork_of       text,
    fork_sequence bigint,
    last_seq      bigint      NOT NULL
);

CREATE INDEX lifetimes_phase ON lifetimes (phase, started_at);
CREATE INDEX lifetimes_graph ON lifetimes (graph_name, graph_version);

-- snapshots: a lifetime's state at a sequence number, an optimisation only (deleting rows changes no result).
CREATE TABLE snapshots (
    lifetime_id text   NOT NULL PRIMARY KEY,
    seq         bigint NOT NULL,
    state       bytea  NOT NULL
);

-- tenant_ledgers: one row per tenant, its windowed usage totals (JSON), written before the records it counts.
CREATE TABLE tenant_ledgers (
    tenant_id  text        NOT NULL PRIMARY KEY,
    charges    bigint      NOT NULL,
    state      bytea       NOT NULL,
    updated_at timestamptz NOT NULL
);
