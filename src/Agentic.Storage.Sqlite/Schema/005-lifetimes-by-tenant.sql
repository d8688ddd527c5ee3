-- Agentic journal, schema version 5: a tenant's lifetimes listed newest first (the web API lists them per tenant, by page).
CREATE INDEX IF NOT EXISTS lifetimes_tenant ON lifetimes (tenant_id, started_at);
