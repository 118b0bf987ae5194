-- The owner's role and attributes when the job was created: a worker runs the job with the owner's permissions
-- (the role's current rules, the attributes as bound for its row filter), whichever node it runs on.
ALTER TABLE export_job ADD COLUMN owner_role VARCHAR(100);
ALTER TABLE export_job ADD COLUMN owner_attributes TEXT;
