-- Up Migration
-- A single-use link may also be an external provider's report on an insats it performs: it then
-- names the case's workflow (handover_workflow_id) and the insats.
ALTER TABLE receipt_link ADD COLUMN insats_id text;

-- Down Migration
ALTER TABLE receipt_link DROP COLUMN insats_id;
