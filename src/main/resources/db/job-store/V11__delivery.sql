-- Deliveries (webhooks, emails, storage copies) of a job, and the schedule that made it. The plan is stored with the
-- job; each delivery is a row of export_delivery, which is also a queue: any node claims a due row with
-- FOR UPDATE SKIP LOCKED, attempts it, and records the outcome and the next attempt's time (database clock).
ALTER TABLE export_job ADD COLUMN delivery_plan ${large_text};
ALTER TABLE export_job ADD COLUMN schedule_id VARCHAR(40);
ALTER TABLE export_job ADD COLUMN condition_met BOOLEAN;
CREATE INDEX export_job_schedule ON export_job (schedule_id, created_at DESC);

CREATE TABLE export_delivery (
    id              VARCHAR(40)  PRIMARY KEY,
    job_id          VARCHAR(40)  NOT NULL,
    seq             INTEGER      NOT NULL,
    event           VARCHAR(32)  NOT NULL,
    type            VARCHAR(16)  NOT NULL,
    target          VARCHAR(2000) NOT NULL,
    spec            VARCHAR(4000) NOT NULL,
    status          VARCHAR(16)  NOT NULL,
    attempts        INTEGER      NOT NULL DEFAULT 0,
    last_status     INTEGER,
    last_error      VARCHAR(2000),
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    first_attempt_at TIMESTAMP WITH TIME ZONE,
    last_attempt_at TIMESTAMP WITH TIME ZONE,
    next_attempt_at TIMESTAMP WITH TIME ZONE,
    locked_by       VARCHAR(200),
    locked_until    TIMESTAMP WITH TIME ZONE,
    CONSTRAINT export_delivery_once UNIQUE (job_id, event, seq)
);
CREATE INDEX export_delivery_due ON export_delivery (status, next_attempt_at);
CREATE INDEX export_delivery_job ON export_delivery (job_id, created_at);
