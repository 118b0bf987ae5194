-- The admin key of every node on this job store, one row: only its SHA-256, so a copy of this table lets nobody in.
-- The first node to start creates it and prints the key once; later nodes use it, so the admin's key and browser
-- sessions work on every node. `freight keys rotate-admin` replaces it.
CREATE TABLE node_admin_key (
    id          INTEGER  NOT NULL PRIMARY KEY,
    key_sha256  CHAR(64) NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT node_admin_key_one_row CHECK (id = 1)
);
