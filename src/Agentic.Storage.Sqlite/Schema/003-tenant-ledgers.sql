-- Agentic journal, schema version 3: tenant guardrail ledgers.
-- tenant_ledgers: one row per tenant, its windowed usage totals (JSON), replaced as charges are made. Written
-- before the records whose usage it counts are appended, so after a crash it never counts less than the journal.
CREATE TABLE IF NOT EXISTS tenant_ledgers (
    tenant_id  TEXT    NOT NULL PRIMARY KEY,
    charges    INTEGER NOT NULL,
    state      BLOB    NOT NULL,
    updated_at INTEGER NOT NULL             -- unix microseconds
);
