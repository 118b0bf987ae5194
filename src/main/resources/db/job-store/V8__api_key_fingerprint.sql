-- What a signed link names its key by, so that the download can check on use that the key is still active: the
-- first 16 bytes of the SHA-256 of the key's SHA-256 hex (ApiKeys.fingerprint), which a shared URL may show since it
-- opens nothing. Keys stored before get theirs here.
ALTER TABLE api_key ADD COLUMN key_fingerprint CHAR(32);
UPDATE api_key SET key_fingerprint =
    ${fingerprint_of_key_sha256};
ALTER TABLE api_key ALTER COLUMN key_fingerprint SET NOT NULL;
CREATE INDEX api_key_fingerprint ON api_key (key_fingerprint);
