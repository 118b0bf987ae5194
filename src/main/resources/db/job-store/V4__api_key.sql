-- API keys created at run time (`freight keys create`). Only the SHA-256 of a key is kept: a copy of this table
-- does not let anyone in. A revoked key stays, so the audit trail keeps meaning who its name was.
CREATE TABLE api_key (
    id            VARCHAR(40)  PRIMARY KEY,
    name          VARCHAR(200) NOT NULL,
    role          VARCHAR(100) NOT NULL,
    attributes    TEXT,
    key_sha256    CHAR(64)     NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at    TIMESTAMP WITH TIME ZONE,
    last_used_at  TIMESTAMP WITH TIME ZONE,
    CONSTRAINT api_key_sha256 UNIQUE (key_sha256)
);
CREATE INDEX api_key_name ON api_key (name);
