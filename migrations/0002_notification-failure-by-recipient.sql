-- Up Migration
-- An enhetschef's list of failed notifications reads only the unit's own mailboxes.
CREATE INDEX notification_failure_by_recipient ON notification_failure (lower(recipient), failed_at DESC);

-- Down Migration
DROP INDEX notification_failure_by_recipient;
