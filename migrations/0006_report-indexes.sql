-- Up Migration
-- The reports (issue 17) read the event log by type and period, and look up a case's closing
-- step; and the samordnare's goals for them are kept as versions, like the rules.
CREATE INDEX case_event_by_type ON case_event (type, at);
CREATE INDEX case_event_closing ON case_event (case_ref, at) WHERE data ? 'closesCase';

CREATE TABLE report_goal_version (
  scope text NOT NULL,
  version integer NOT NULL,
  goals jsonb NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  reason text NOT NULL,
  PRIMARY KEY (scope, version)
);

-- Down Migration
DROP TABLE report_goal_version;
DROP INDEX case_event_closing;
DROP INDEX case_event_by_type;
