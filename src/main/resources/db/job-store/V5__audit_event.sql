-- The audit log (DESIGN.md §7): who exported or downloaded what, when and from where. Rows are only inserted.
CREATE TABLE audit_event (
    id              ${bigint_identity} PRIMARY KEY,
    at              TIMESTAMP WITH TIME ZONE NOT NULL,
    principal       VARCHAR(200),
    role            VARCHAR(100),
    action          VARCHAR(32)  NOT NULL,
    job_id          VARCHAR(40),
    dataset         VARCHAR(300),
    format          VARCHAR(20),
    columns         TEXT,
    filters         TEXT,
    row_count       BIGINT,
    bytes           BIGINT,
    client_address  VARCHAR(100),
    code            VARCHAR(64),
    detail          VARCHAR(2000)
);
CREATE INDEX audit_event_at ON audit_event (at DESC, id DESC);
CREATE INDEX audit_event_principal_at ON audit_event (principal, at DESC, id DESC);
CREATE INDEX audit_event_job ON audit_event (job_id);
