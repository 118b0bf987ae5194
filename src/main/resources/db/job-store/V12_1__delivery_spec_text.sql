-- A delivery's spec is its target as JSON, and an email's may list 50 addresses of up to 254 characters: more than
-- the 4,000 characters first allowed. The row is written in the transaction that completes the job, so a spec too
-- long for its column kept the job from ever completing.
ALTER TABLE export_delivery ALTER COLUMN spec SET DATA TYPE ${large_text};
