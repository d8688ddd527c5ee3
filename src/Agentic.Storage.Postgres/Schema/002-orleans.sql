-- Agentic on PostgreSQL, schema version 2: what Orleans' ADO.NET providers need (their packages ship no SQL).
-- The providers read their statements from OrleansQuery by key and bind parameters by name (@DeploymentId, …);
-- they read result columns by name, so each statement names its columns as the providers expect.

CREATE TABLE OrleansQuery (
    QueryKey  text NOT NULL PRIMARY KEY,
    QueryText text NOT NULL
);

-- Membership (Microsoft.Orleans.Clustering.AdoNet): one version row per cluster, bumped by every change of a member
-- row (a compare-and-set on the version the silo read), and one row per silo incarnation.
CREATE TABLE orleans_membership_version (
    deployment_id text        NOT NULL PRIMARY KEY,
    version       integer     NOT NULL DEFAULT 0,
    updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE orleans_membership (
    deployment_id   text        NOT NULL REFERENCES orleans_membership_version (deployment_id),
    address         text        NOT NULL,
    port            integer     NOT NULL,
    generation      integer     NOT NULL,
    silo_name       text        NOT NULL,
    host_name       text        NOT NULL,
    status          integer     NOT NULL,
    proxy_port      integer,
    suspect_times   text,
    start_time      timestamptz NOT NULL,
    i_am_alive_time timestamptz NOT NULL,
    PRIMARY KEY (deployment_id, address, port, generation)
);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('InsertMembershipVersionKey', $q$
    WITH inserted AS (
        INSERT INTO orleans_membership_version (deployment_id) VALUES (@DeploymentId)
        ON CONFLICT (deployment_id) DO NOTHING
        RETURNING 1)
    SELECT EXISTS (SELECT 1 FROM inserted)
$q$),
('InsertMembershipKey', $q$
    WITH bumped AS (
        UPDATE orleans_membership_version SET version = version + 1, updated_at = now()
        WHERE deployment_id = @DeploymentId AND version = @Version
          AND NOT EXISTS (SELECT 1 FROM orleans_membership
                          WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation)
        RETURNING 1),
    inserted AS (
        INSERT INTO orleans_membership (deployment_id, address, port, generation, silo_name, host_name, status, proxy_port, start_time, i_am_alive_time)
        SELECT @DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime
        FROM bumped
        ON CONFLICT DO NOTHING
        RETURNING 1)
    SELECT EXISTS (SELECT 1 FROM inserted)
$q$),
('UpdateMembershipKey', $q$
    WITH bumped AS (
        UPDATE orleans_membership_version SET version = version + 1, updated_at = now()
        WHERE deployment_id = @DeploymentId AND version = @Version
          AND EXISTS (SELECT 1 FROM orleans_membership
                      WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation)
        RETURNING 1),
    updated AS (
        UPDATE orleans_membership m
        SET status = @Status, suspect_times = @SuspectTimes, i_am_alive_time = @IAmAliveTime
        FROM bumped
        WHERE m.deployment_id = @DeploymentId AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
        RETURNING 1)
    SELECT EXISTS (SELECT 1 FROM updated)
$q$),
('UpdateIAmAlivetimeKey', $q$
    UPDATE orleans_membership SET i_am_alive_time = @IAmAliveTime
    WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation
$q$),
('MembershipReadRowKey', $q$
    SELECT v.deployment_id AS "DeploymentId", m.address AS "Address", m.port AS "Port", m.generation AS "Generation",
           m.silo_name AS "SiloName", m.host_name AS "HostName", m.status AS "Status", m.proxy_port AS "ProxyPort",
           m.suspect_times AS "SuspectTimes", m.start_time AS "StartTime", m.i_am_alive_time AS "IAmAliveTime", v.version AS "Version"
    FROM orleans_membership_version v
    LEFT JOIN orleans_membership m ON m.deployment_id = v.deployment_id
        AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
    WHERE v.deployment_id = @DeploymentId
$q$),
('MembershipReadAllKey', $q$
    SELECT v.deployment_id AS "DeploymentId", m.address AS "Address", m.port AS "Port", m.generation AS "Generation",
           m.silo_name AS "SiloName", m.host_name AS "HostName", m.status AS "Status", m.proxy_port AS "ProxyPort",
           m.suspect_times AS "SuspectTimes", m.start_time AS "StartTime", m.i_am_alive_time AS "IAmAliveTime", v.version AS "Version"
    FROM orleans_membership_version v
    LEFT JOIN orleans_membership m ON m.deployment_id = v.deployment_id
    WHERE v.deployment_id = @DeploymentId
$q$),
('DeleteMembershipTableEntriesKey', $q$
    DELETE FROM orleans_membership WHERE deployment_id = @DeploymentId;
    DELETE FROM orleans_membership_version WHERE deployment_id = @DeploymentId
$q$),
('GatewaysQueryKey', $q$
    SELECT address AS "Address", proxy_port AS "ProxyPort", generation AS "Generation"
    FROM orleans_membership
    WHERE deployment_id = @DeploymentId AND status = @Status AND proxy_port > 0
$q$),
('CleanupDefunctSiloEntriesKey', $q$
    DELETE FROM orleans_membership
    WHERE deployment_id = @DeploymentId AND i_am_alive_time < @IAmAliveTime AND status = 6
$q$);

-- Grain state (Microsoft.Orleans.Persistence.AdoNet): one row per grain and state type, its version the etag.
CREATE TABLE orleans_storage (
    grain_id_hash             integer     NOT NULL,
    grain_id_n0               bigint      NOT NULL,
    grain_id_n1               bigint      NOT NULL,
    grain_type_hash           integer     NOT NULL,
    grain_type_string         text        NOT NULL,
    grain_id_extension_string text,
    service_id                text        NOT NULL,
    payload_binary            bytea,
    modified_on               timestamptz NOT NULL DEFAULT now(),
    version                   integer     NOT NULL
);

CREATE UNIQUE INDEX orleans_storage_grain ON orleans_storage
    (grain_id_hash, grain_type_hash, grain_id_n0, grain_id_n1, grain_type_string, (COALESCE(grain_id_extension_string, '')), service_id);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('ReadFromStorageKey', $q$
    SELECT payload_binary AS "PayloadBinary", version AS "Version"
    FROM orleans_storage
    WHERE grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash
      AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1 AND grain_type_string = @GrainTypeString
      AND COALESCE(grain_id_extension_string, '') = COALESCE(CAST(@GrainIdExtensionString AS text), '')
      AND service_id = @ServiceId
$q$),
('WriteToStorageKey', $q$
    WITH updated AS (
        UPDATE orleans_storage SET payload_binary = @PayloadBinary, modified_on = now(), version = version + 1
        WHERE CAST(@GrainStateVersion AS integer) IS NOT NULL AND version = CAST(@GrainStateVersion AS integer)
          AND grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash
          AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1 AND grain_type_string = @GrainTypeString
          AND COALESCE(grain_id_extension_string, '') = COALESCE(CAST(@GrainIdExtensionString AS text), '')
          AND service_id = @ServiceId
        RETURNING version),
    inserted AS (
        INSERT INTO orleans_storage (grain_id_hash, grain_id_n0, grain_id_n1, grain_type_hash, grain_type_string, grain_id_extension_string, service_id, payload_binary, version)
        SELECT @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString, CAST(@GrainIdExtensionString AS text), @ServiceId, @PayloadBinary, 1
        WHERE CAST(@GrainStateVersion AS integer) IS NULL
        ON CONFLICT DO NOTHING
        RETURNING version)
    SELECT COALESCE((SELECT version FROM updated), (SELECT version FROM inserted), CAST(@GrainStateVersion AS integer)) AS "NewGrainStateVersion"
$q$),
('ClearStorageKey', $q$
    UPDATE orleans_storage SET payload_binary = NULL, modified_on = now(), version = version + 1
    WHERE CAST(@GrainStateVersion AS integer) IS NOT NULL AND version = CAST(@GrainStateVersion AS integer)
      AND grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash
      AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1 AND grain_type_string = @GrainTypeString
      AND COALESCE(grain_id_extension_string, '') = COALESCE(CAST(@GrainIdExtensionString AS text), '')
      AND service_id = @ServiceId
    RETURNING version AS "NewGrainStateVersion"
$q$);
