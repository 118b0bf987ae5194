-- Where a running job's file stands, written with its heartbeat: the last row's key, the rows and bytes up to its
-- end, and the file store's unfinished upload holding them. A job that stopped half-way continues from here on its
-- next attempt, on any node, instead of starting over.
ALTER TABLE export_job ADD COLUMN checkpoint VARCHAR(4000);
