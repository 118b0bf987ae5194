-- Tombstones of jobs deleted by their owners, so that their links answer 410 Gone instead of 404 until purged.
CREATE TABLE export_job_deleted (
    id          VARCHAR(40)  PRIMARY KEY,
    owner       VARCHAR(200) NOT NULL,
    deleted_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX export_job_deleted_at ON export_job_deleted (deleted_at);
