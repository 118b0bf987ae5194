-- Limits that hold for the whole cluster, every node of the job store counting in the same rows, under the same
-- per-owner lock as the jobs they are counted with: each owner's hourly export budget (a token bucket, its level
-- at refilled_at), and the sync exports in flight, which count toward concurrent_jobs beside pending and running
-- jobs. A sync export's row is renewed by its node while it streams; a node that dies stops renewing it, and it
-- stops counting at expires_at.
CREATE TABLE export_budget (
    owner        VARCHAR(200) PRIMARY KEY,
    capacity     BIGINT       NOT NULL,
    tokens       DOUBLE PRECISION NOT NULL,
    refilled_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE TABLE sync_export (
    id          VARCHAR(40)  PRIMARY KEY,
    owner       VARCHAR(200) NOT NULL,
    node        VARCHAR(60)  NOT NULL,
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX sync_export_owner ON sync_export (owner, expires_at);
