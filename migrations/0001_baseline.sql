-- Up Migration
-- The schema as it stood before migrations were recorded (2026-12): every statement may run
-- against a database that already has it, so a database created by an earlier version is
-- brought to this one and recorded. Later migrations are plain SQL, without IF NOT EXISTS.

CREATE TABLE IF NOT EXISTS notification_log (
  key text PRIMARY KEY,
  message_id text NOT NULL,
  recipient text NOT NULL,
  subject text NOT NULL,
  sent_at timestamptz NOT NULL DEFAULT now()
);

-- Single-use links with which external partners confirm a handover; only a hash is kept.
CREATE TABLE IF NOT EXISTS receipt_link (
  token_hash text PRIMARY KEY,
  handover_workflow_id text NOT NULL,
  unit text NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);

-- Every view of a handover's content: who, from which unit, when.
CREATE TABLE IF NOT EXISTS handover_view_log (
  id bigserial PRIMARY KEY,
  handover_workflow_id text NOT NULL,
  viewer text NOT NULL,
  unit text NOT NULL,
  role text NOT NULL,
  viewed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS handover_view_log_by_handover ON handover_view_log (handover_workflow_id, viewed_at);

-- Receipt tokens are random now, one per notification (its key hashed: the key names the case).
ALTER TABLE receipt_link ADD COLUMN IF NOT EXISTS notification_key text;
CREATE UNIQUE INDEX IF NOT EXISTS receipt_link_by_notification ON receipt_link (notification_key);

-- Escalations to managers waiting for the next digest, and the digest each went into.
CREATE TABLE IF NOT EXISTS escalation_digest_item (
  key text PRIMARY KEY,
  recipient text NOT NULL,
  line text NOT NULL,
  queued_at timestamptz NOT NULL DEFAULT now(),
  digest_key text
);
CREATE INDEX IF NOT EXISTS escalation_digest_item_by_digest ON escalation_digest_item (digest_key);

-- Every accepted rule set (organisation + rules), never changed afterwards: who, when, why.
-- `scope` is the Temporal namespace the rules govern: one municipality per namespace.
CREATE TABLE IF NOT EXISTS rule_set_version (
  scope text NOT NULL,
  version integer NOT NULL,
  organisation jsonb NOT NULL,
  rules jsonb NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  reason text NOT NULL,
  restored_from integer,
  PRIMARY KEY (scope, version)
);

-- Requests sent with an Idempotency-Key and their answers (infra/idempotency-store.ts): per
-- caller, kept at least 24 hours; `status` is null while the first request is in flight.
CREATE TABLE IF NOT EXISTS idempotency_key (
  caller_sub text NOT NULL,
  key text NOT NULL,
  route text NOT NULL,
  body_hash text NOT NULL,
  claim_id text NOT NULL,
  status integer,
  response_body text,
  content_type text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (caller_sub, key)
);
CREATE INDEX IF NOT EXISTS idempotency_key_by_age ON idempotency_key (created_at);

-- Notifications the mail server refused for good (SMTP 5xx): not retried, shown to operators
-- (GET /utskick/misslyckade). The reply is kept short and without addresses.
CREATE TABLE IF NOT EXISTS notification_failure (
  key text PRIMARY KEY,
  recipient text NOT NULL,
  unit text,
  response_code integer NOT NULL,
  response text NOT NULL,
  subject text NOT NULL,
  failed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS notification_failure_by_time ON notification_failure (failed_at);

-- A notification being sent: claimed before SMTP, removed when notification_log records it.
-- A claim still here after its lease is a mail that was in flight when a worker stopped: the
-- retry sends it again (same Message-ID) and counts the attempt.
CREATE TABLE IF NOT EXISTS notification_claim (
  key text PRIMARY KEY,
  attempts integer NOT NULL DEFAULT 1,
  claimed_at timestamptz NOT NULL DEFAULT now(),
  lease_until timestamptz NOT NULL
);
