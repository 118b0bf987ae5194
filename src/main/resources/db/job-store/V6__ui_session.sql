-- Sessions of the web UI (a browser signed in with an API key). Neither the cookie nor the key is kept: only
-- their SHA-256, so a copy of this table lets nobody in. The key's hash is checked again on every request, so
-- revoking the key ends its sessions.
CREATE TABLE ui_session (
    id_sha256     CHAR(64)    PRIMARY KEY,
    key_sha256    CHAR(64)    NOT NULL,
    csrf_token    VARCHAR(64) NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    last_seen_at  TIMESTAMP WITH TIME ZONE
);
CREATE INDEX ui_session_expires ON ui_session (expires_at);
