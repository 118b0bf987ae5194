-- The job table is the queue (DESIGN.md §6): workers claim rows with FOR UPDATE SKIP LOCKED and hold a lease.
-- One file for H2 and PostgreSQL: dev.freight.store.JobStoreMigrations fills the placeholders per database.
CREATE TABLE export_job (
    id                VARCHAR(40)  PRIMARY KEY,
    owner             VARCHAR(200) NOT NULL,
    idempotency_key   VARCHAR(200),
    request           ${large_text} NOT NULL,
    dataset           VARCHAR(300) NOT NULL,
    format            VARCHAR(20)  NOT NULL,
    status            VARCHAR(16)  NOT NULL,
    total_rows        BIGINT,
    processed_rows    BIGINT       NOT NULL DEFAULT 0,
    row_count         BIGINT,
    file_name         VARCHAR(500),
    file_size_bytes   BIGINT,
    content_type      VARCHAR(100),
    error_code        VARCHAR(64),
    error_message     VARCHAR(2000),
    attempts          INTEGER      NOT NULL DEFAULT 0,
    max_attempts      INTEGER      NOT NULL,
    cancel_requested  BOOLEAN      NOT NULL DEFAULT FALSE,
    downloaded        BOOLEAN      NOT NULL DEFAULT FALSE,
    created_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    started_at        TIMESTAMP WITH TIME ZONE,
    completed_at      TIMESTAMP WITH TIME ZONE,
    expires_at        TIMESTAMP WITH TIME ZONE,
    run_after         TIMESTAMP WITH TIME ZONE NOT NULL,
    locked_by         VARCHAR(200),
    locked_until      TIMESTAMP WITH TIME ZONE,
    updated_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT export_job_idempotency UNIQUE (owner, idempotency_key)
);
CREATE INDEX export_job_claimable ON export_job (status, run_after);
CREATE INDEX export_job_owner_created ON export_job (owner, created_at DESC, id DESC);
CREATE INDEX export_job_created ON export_job (created_at DESC, id DESC);
