-- Scheduled exports: a request, a cron expression read in a time zone, deliveries and an owner whose permissions
-- apply when it runs. next_run_at is the next tick to fire; a node fires it by creating a job whose idempotency key
-- names the schedule and the tick (export_job's unique (owner, idempotency_key) makes it one job, never two), then
-- moves next_run_at on, under the row's lock.
CREATE TABLE export_schedule (
    id               VARCHAR(40)  PRIMARY KEY,
    name             VARCHAR(200) NOT NULL,
    owner            VARCHAR(200) NOT NULL,
    owner_role       VARCHAR(100) NOT NULL,
    owner_attributes ${large_text},
    cron             VARCHAR(200) NOT NULL,
    time_zone        VARCHAR(100) NOT NULL,
    catch_up         VARCHAR(10)  NOT NULL,
    request          ${large_text} NOT NULL,
    delivery_plan    ${large_text},
    paused           BOOLEAN      NOT NULL DEFAULT FALSE,
    next_run_at      TIMESTAMP WITH TIME ZONE,
    last_run_at      TIMESTAMP WITH TIME ZONE,
    last_job_id      VARCHAR(40),
    last_error       VARCHAR(2000),
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT export_schedule_name UNIQUE (owner, name)
);
CREATE INDEX export_schedule_due ON export_schedule (paused, next_run_at);
