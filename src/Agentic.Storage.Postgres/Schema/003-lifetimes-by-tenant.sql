-- A tenant's lifetimes listed newest first (the web API lists them per tenant, by page).
CREATE INDEX IF NOT EXISTS lifetimes_tenant ON lifetimes (tenant_id, started_at DESC, lifetime_id COLLATE "C" DESC);
